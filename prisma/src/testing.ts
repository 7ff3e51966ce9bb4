// createTestDatabase(): a fresh, migrated database for one test file: a temporary SQLite file, or a
// fresh schema (random name) in TEST_DATABASE_URL's PostgreSQL database. cleanup() removes it.
//
//   const t = await createTestDatabase();                              // SQLite
//   const t = await createTestDatabase({ provider: 'postgresql' });    // needs TEST_DATABASE_URL
//   …t.db.project.create(…)…; afterAll(() => t.cleanup());
//
// Both providers in one file:  describe.each(testDatabaseProviders())('%s', (provider) => …)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb } from './client';
import type { Db } from './client';
import { migrateDatabase, quoteIdent } from './migrate';
import { postgresTarget } from './url';
import type { DatabaseProvider } from './url';

export interface TestDatabase {
  provider: DatabaseProvider;
  /** the URL (for a PostgreSQL schema: with `?schema=`), e.g. to hand to a child process as DATABASE_URL */
  url: string;
  /** a client on it, made by createDb */
  db: Db;
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

export async function createTestDatabase({ provider = 'sqlite' }: { provider?: DatabaseProvider } = {}): Promise<TestDatabase> {
  return provider === 'postgresql' ? createPostgresSchema() : createSqliteFile();
}

async function createSqliteFile(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'calibr-test-db-'));
  const file = join(dir, 'test.db');
  const url = `file:${file}`;
  await migrateDatabase(url);
  const db = createDb(url);
  return {
    provider: 'sqlite',
    url,
    db,
    location: file,
    cleanup: async () => {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresSchema(): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL?.trim();
  if (!base) throw new Error(POSTGRES_SKIP_REASON);
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const parsed = new URL(base);
  parsed.searchParams.set('schema', schema);
  const url = parsed.toString();
  await migrateDatabase(url);
  const db = createDb(url, { poolSize: 4 });
  return {
    provider: 'postgresql',
    url,
    db,
    location: schema,
    cleanup: async () => {
      await db.$disconnect();
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
