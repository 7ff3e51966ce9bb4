// createTestDatabase(): a fresh, migrated database for one test file: a temporary SQLite file, or a
// fresh schema (random name) in TEST_DATABASE_URL's PostgreSQL database. cleanup() removes it.
//
//   const t = await createTestDatabase();                              // SQLite
//   const t = await createTestDatabase({ provider: 'postgresql' });    // needs TEST_DATABASE_URL
//   const a = await createTestDatabase<AmazonDb>({ set: amazonSchema }); // the Amazon service's tables only
//   …t.db.project.create(…)…; afterAll(() => t.cleanup());
//
// Both providers in one file:  describe.each(testDatabaseProviders())('%s', (provider) => …)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createSchemaClient } from './client';
import type { Db } from './client';
import { migrateDatabase, quoteIdent } from './migrate';
import { appSchema } from './schema-set';
import type { SchemaSet } from './schema-set';
import { postgresTarget } from './url';
import type { DatabaseProvider } from './url';

export interface TestDatabase<T extends object = Db> {
  provider: DatabaseProvider;
  /** the URL (for a PostgreSQL schema: with `?schema=`), e.g. to hand to a child process as DATABASE_URL */
  url: string;
  /** a client on it, made by createDb (createSchemaClient for another schema set) */
  db: T;
  /** the SQLite file, or the PostgreSQL schema */
  location: string;
  /** disconnects the client and deletes the file / drops the schema */
  cleanup(): Promise<void>;
}

export const POSTGRES_SKIP_REASON =
  'PostgreSQL tests skipped: set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run them';

/** Whether PostgreSQL tests can run here (TEST_DATABASE_URL is set). */
export function hasTestPostgres(): boolean {
  return Boolean(process.env.TEST_DATABASE_URL?.trim());
}

/** The providers to test on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testDatabaseProviders(): DatabaseProvider[] {
  return hasTestPostgres() ? ['sqlite', 'postgresql'] : ['sqlite'];
}

export interface TestDatabaseOptions {
  provider?: DatabaseProvider;
  /** the schema set to migrate and make the client for (default: the app's) */
  set?: SchemaSet;
}

export async function createTestDatabase<T extends object = Db>({ provider = 'sqlite', set = appSchema }: TestDatabaseOptions = {}): Promise<
  TestDatabase<T>
> {
  return provider === 'postgresql' ? createPostgresSchema<T>(set) : createSqliteFile<T>(set);
}

type Disconnectable = { $disconnect(): Promise<void> };

async function createSqliteFile<T extends object>(set: SchemaSet): Promise<TestDatabase<T>> {
  const dir = mkdtempSync(join(tmpdir(), 'calibr-test-db-'));
  const file = join(dir, 'test.db');
  const url = `file:${file}`;
  await migrateDatabase(url, set);
  const db = createSchemaClient<T>(set, url);
  return {
    provider: 'sqlite',
    url,
    db,
    location: file,
    cleanup: async () => {
      await (db as unknown as Disconnectable).$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresSchema<T extends object>(set: SchemaSet): Promise<TestDatabase<T>> {
  const base = process.env.TEST_DATABASE_URL?.trim();
  if (!base) throw new Error(POSTGRES_SKIP_REASON);
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const parsed = new URL(base);
  parsed.searchParams.set('schema', schema);
  const url = parsed.toString();
  await migrateDatabase(url, set);
  const db = createSchemaClient<T>(set, url, { poolSize: 4 });
  return {
    provider: 'postgresql',
    url,
    db,
    location: schema,
    cleanup: async () => {
      await (db as unknown as Disconnectable).$disconnect();
      const client = new pg.Client({ connectionString: postgresTarget(base).connectionString });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
