// migrateDatabase(url): applies the committed migrations with `prisma migrate deploy` semantics,
// in process (no CLI spawn, so tests can migrate many fresh databases quickly). It keeps Prisma's own
// bookkeeping table, _prisma_migrations (same columns, sha256 checksums), so `prisma migrate deploy`
// and this function agree on what is applied and either can take over from the other.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SQLITE_BUSY_TIMEOUT_MS } from './adapters';
import { appSchema, migrationsDir } from './schema-set';
import type { SchemaSet } from './schema-set';
import { databaseProvider, postgresTarget, resolveDatabaseUrl, sqliteFilePath } from './url';
import type { DatabaseProvider } from './url';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  provider: DatabaseProvider;
  applied: string[];
  alreadyApplied: string[];
}

/** A schema set's committed migrations for a provider, in the order Prisma applies them (folder name order). */
export function committedMigrations(provider: DatabaseProvider, set: SchemaSet = appSchema): Migration[] {
  const dir = migrationsDir(set, provider);
  if (!existsSync(dir)) throw new Error(`No migrations for ${provider} in ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(resolve(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(resolve(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies a schema set's pending migrations (default: the app's) to the database at `url` (default:
 * DATABASE_URL, else the embedded file).
 */
export async function migrateDatabase(url?: string, set: SchemaSet = appSchema): Promise<MigrateResult> {
  const target = resolveDatabaseUrl(url);
  const provider = databaseProvider(target);
  const migrations = committedMigrations(provider, set);
  return provider === 'postgresql' ? migratePostgres(target, migrations) : migrateSqlite(target, migrations);
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/**
 * Which of the set's migrations are done; a failed, un-rolled-back one stops everything, as in Prisma
 * (P3009). Rows of another schema set sharing the database (other names) are not ours to judge.
 */
function plan(migrations: Migration[], allRows: AppliedRow[]): { pending: Migration[]; done: string[] } {
  const names = new Set(migrations.map((m) => m.name));
  const rows = allRows.filter((row) => names.has(row.migration_name));
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new Error(
      `Migration ${failed.migration_name} failed earlier and was not rolled back; resolve it (prisma migrate resolve) before migrating again.`,
    );
  }
  const done = new Set(rows.filter((row) => row.finished_at !== null).map((row) => row.migration_name));
  for (const row of rows) {
    const local = migrations.find((m) => m.name === row.migration_name);
    if (row.finished_at !== null && local && local.checksum !== row.checksum) {
      // Prisma warns and goes on; during development we regenerate 0_init, so say what to do.
      console.warn(
        `[db] migration ${row.migration_name} was modified after it was applied; recreate the database (delete the .data/ SQLite file) to pick the change up.`,
      );
    }
  }
  return { pending: migrations.filter((m) => !done.has(m.name)), done: [...done] };
}

function migrateSqlite(url: string, migrations: Migration[]): MigrateResult {
  const file = sqliteFilePath(url);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    // WAL lets readers work while a writer commits; the setting is kept in the file.
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`);
    const applied: string[] = [];
    // Foreign keys off while migrating, checked before commit: SQLite cannot switch them off inside a
    // transaction, and a table redefinition (DROP TABLE) would otherwise cascade-delete child rows.
    db.pragma('foreign_keys = OFF');
    // BEGIN IMMEDIATE takes the write lock first, so two processes migrating one file serialize.
    const run = db.transaction(() => {
      const rows = db.prepare('SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations').all() as AppliedRow[];
      const { pending, done } = plan(migrations, rows);
      for (const migration of pending) {
        const id = randomUUID();
        db.prepare('INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES (?, ?, ?, ?)').run(
          id,
          migration.checksum,
          migration.name,
          prismaTimestamp(),
        );
        db.exec(migration.sql);
        const violations = db.pragma('foreign_key_check') as unknown[];
        if (violations.length > 0) {
          throw new Error(`Migration ${migration.name} leaves ${violations.length} foreign key violation(s)`);
        }
        db.prepare('UPDATE _prisma_migrations SET finished_at = ?, applied_steps_count = 1 WHERE id = ?').run(prismaTimestamp(), id);
        applied.push(migration.name);
      }
      return done;
    });
    const alreadyApplied = run.immediate();
    return { provider: 'sqlite', applied, alreadyApplied };
  } finally {
    db.close();
  }
}

/** The timestamp text Prisma's own migrate writes into SQLite's _prisma_migrations. */
function prismaTimestamp(): string {
  return new Date().toISOString().replace('Z', '+00:00');
}

// The lock id Prisma's migrate uses on PostgreSQL, so this and `prisma migrate deploy` exclude each other.
const PRISMA_MIGRATE_ADVISORY_LOCK = 72707369;

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrateResult> {
  const { connectionString, schema } = postgresTarget(url);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // Lock first: even CREATE SCHEMA IF NOT EXISTS fails (unique violation) when two run at once.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]);
    try {
      if (schema) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
        await client.query(`SET search_path TO ${quoteIdent(schema)}`);
      }
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
      );
      const { pending, done } = plan(migrations, rows);
      const applied: string[] = [];
      for (const migration of pending) {
        const id = randomUUID();
        await client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)', [
          id,
          migration.checksum,
          migration.name,
        ]);
        // PostgreSQL DDL is transactional: a failing migration leaves no half-made schema behind.
        try {
          await client.query('BEGIN');
          await client.query(migration.sql);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, String(error)]);
          throw error;
        }
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        applied.push(migration.name);
      }
      return { provider: 'postgresql', applied, alreadyApplied: done };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]);
    }
  } finally {
    await client.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
