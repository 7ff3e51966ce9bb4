// The committed migrations apply to an empty SQLite file and to an empty PostgreSQL schema, with
// Prisma's own bookkeeping, so `prisma migrate deploy` and migrateDatabase agree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedMigrations, migrateDatabase, quoteIdent } from '../src/migrate';
import { amazonSchema, schemaFile } from '../src/schema-set';
import { postgresTarget } from '../src/url';
import { runPrisma } from '../scripts/lib/prisma-cli';
import { describeOnEachDatabase } from './support/providers';
import { readSchemaModels } from './support/schema-models';
import type { DatabaseProvider } from '../src/url';

const expectedTables = [...readSchemaModels().keys(), '_prisma_migrations'].sort();
const amazonTables = [...readSchemaModels(schemaFile(amazonSchema)).keys(), '_prisma_migrations'].sort();
const bothTables = [...new Set([...expectedTables, ...amazonTables])].sort();

interface Target {
  url: string;
  tables(): Promise<string[]>;
  migrationRows(): Promise<Array<{ migration_name: string; checksum: string; finished: boolean }>>;
  cleanup(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'calibr-migrate-'));
  const file = join(dir, 'empty.db');
  const query = <T>(sql: string): T[] => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };
  return {
    url: `file:${file}`,
    tables: async () =>
      query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").map((r) => r.name).sort(),
    migrationRows: async () =>
      query<{ migration_name: string; checksum: string; finished_at: string | null }>(
        'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
      ).map((r) => ({ migration_name: r.migration_name, checksum: r.checksum, finished: r.finished_at !== null })),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresTargetSchema(): Target {
  const base = process.env.TEST_DATABASE_URL as string;
  const schema = `migrate_${Math.random().toString(36).slice(2, 10)}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: postgresTarget(base).connectionString });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url: url.toString(),
    tables: async () =>
      (await query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]))
        .map((r) => r.table_name)
        .sort(),
    migrationRows: async () =>
      (
        await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
          `SELECT migration_name, checksum, finished_at FROM ${quoteIdent(schema)}."_prisma_migrations" ORDER BY migration_name`,
        )
      ).map((r) => ({ migration_name: r.migration_name, checksum: r.checksum, finished: r.finished_at !== null })),
    cleanup: async () => {
      await query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    },
  };
}

const makeTarget = (provider: DatabaseProvider): Target => (provider === 'sqlite' ? sqliteTarget() : postgresTargetSchema());

describeOnEachDatabase('migrations', (provider) => {
  const migrations = committedMigrations(provider);
  const targets: Target[] = [];
  const fresh = () => {
    const target = makeTarget(provider);
    targets.push(target);
    return target;
  };
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.cleanup()));
  });

  it('there is exactly one committed migration, 0_init', () => {
    expect(migrations.map((m) => m.name)).toEqual(['0_init']);
  });

  describe('on one empty database', () => {
    let target: Target;
    beforeAll(async () => {
      target = fresh();
    });

    it('migrateDatabase creates every table on an empty database and records it like Prisma', async () => {
      const first = await migrateDatabase(target.url);
      expect(first).toMatchObject({ provider, applied: ['0_init'], alreadyApplied: [] });
      expect(await target.tables()).toEqual(expectedTables);
      expect(await target.migrationRows()).toEqual(
        migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum, finished: true })),
      );
    });

    it('running it again applies nothing', async () => {
      expect(await migrateDatabase(target.url)).toMatchObject({ applied: [], alreadyApplied: ['0_init'] });
    });
  });

  // Both directions at once (the CLI's PostgreSQL engine lingers ~10 s before exiting).
  it('`prisma migrate deploy` (the CLI, engine "js") and migrateDatabase agree on what is applied', async () => {
    const ours = fresh();
    const theirs = fresh();
    await migrateDatabase(ours.url);
    const [onOurs, onEmpty] = await Promise.all([
      runPrisma(['migrate', 'deploy'], { DATABASE_URL: ours.url }),
      runPrisma(['migrate', 'deploy'], { DATABASE_URL: theirs.url }),
    ]);
    expect(onOurs.code, onOurs.stderr).toBe(0);
    expect(onOurs.stdout).toContain('No pending migrations to apply');
    expect(onEmpty.code, onEmpty.stderr).toBe(0);
    expect(onEmpty.stdout).toContain('All migrations have been successfully applied');
    expect(await theirs.tables()).toEqual(expectedTables);
    expect(await theirs.migrationRows()).toEqual(await ours.migrationRows());
    expect(await migrateDatabase(theirs.url)).toMatchObject({ applied: [], alreadyApplied: ['0_init'] });
  }, 120_000); // two CLI processes; slow on a busy machine

  it('two migrators racing on one empty database apply 0_init once', async () => {
    const target = fresh();
    const results = await Promise.all([migrateDatabase(target.url), migrateDatabase(target.url)]);
    expect(results.flatMap((r) => r.applied)).toEqual(['0_init']);
    expect(await target.migrationRows()).toHaveLength(1);
  });
});

it('the SQLite database runs in WAL mode after migration', async () => {
  const target = sqliteTarget();
  try {
    await migrateDatabase(target.url);
    const db = new Database(target.url.slice('file:'.length));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  } finally {
    await target.cleanup();
  }
});

// The Amazon service's schema set: on a database of its own, and beside the app's in one database (the
// embedded default), where both sets' rows share Prisma's _prisma_migrations under distinct names.
describeOnEachDatabase('the Amazon service schema\'s migrations', (provider) => {
  const app = committedMigrations(provider);
  const amazon = committedMigrations(provider, amazonSchema);
  const targets: Target[] = [];
  const fresh = () => {
    const target = makeTarget(provider);
    targets.push(target);
    return target;
  };
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.cleanup()));
  });
  const rowsOf = (migrations: typeof app) => migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum, finished: true }));

  it('there is exactly one, 0_amazon_init, named apart from the app\'s', () => {
    expect(amazon.map((m) => m.name)).toEqual(['0_amazon_init']);
  });

  it('on its own database it creates only the Amazon tables (no app table)', async () => {
    const target = fresh();
    expect(await migrateDatabase(target.url, amazonSchema)).toMatchObject({ provider, applied: ['0_amazon_init'], alreadyApplied: [] });
    expect(await target.tables()).toEqual(amazonTables);
    expect(await target.migrationRows()).toEqual(rowsOf(amazon));
  });

  it('beside the app\'s tables, each set applies and sees only its own migrations', async () => {
    const target = fresh();
    await migrateDatabase(target.url);
    expect(await migrateDatabase(target.url, amazonSchema)).toMatchObject({ applied: ['0_amazon_init'], alreadyApplied: [] });
    expect(await target.tables()).toEqual(bothTables);
    expect(await target.migrationRows()).toEqual(rowsOf([...app, ...amazon]).sort((a, b) => a.migration_name.localeCompare(b.migration_name)));
    expect(await migrateDatabase(target.url)).toMatchObject({ applied: [], alreadyApplied: ['0_init'] });
    expect(await migrateDatabase(target.url, amazonSchema)).toMatchObject({ applied: [], alreadyApplied: ['0_amazon_init'] });
  });

  it('`prisma migrate deploy` of both sets on one database agrees with migrateDatabase', async () => {
    const ours = fresh();
    const theirs = fresh();
    await migrateDatabase(ours.url);
    await migrateDatabase(ours.url, amazonSchema);
    const appRun = await runPrisma(['migrate', 'deploy'], { DATABASE_URL: theirs.url });
    expect(appRun.code, appRun.stderr).toBe(0);
    // The Amazon set's deploy meets the app's applied migration (not its own) and leaves it alone.
    const amazonRun = await runPrisma(['migrate', 'deploy'], { DATABASE_URL: '', AMAZON_DATABASE_URL: theirs.url }, amazonSchema);
    expect(amazonRun.code, amazonRun.stderr).toBe(0);
    expect(amazonRun.stdout).toContain('All migrations have been successfully applied');
    expect(await theirs.tables()).toEqual(bothTables);
    expect((await theirs.migrationRows()).map((r) => r.migration_name)).toEqual((await ours.migrationRows()).map((r) => r.migration_name));
    expect(await theirs.migrationRows()).toEqual(await ours.migrationRows());
  }, 120_000);
});
