// Driver adapters for the Rust-free Prisma client and for the Prisma CLI (engine "js").
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { databaseProvider, postgresTarget, sqliteFilePath } from './url';

/** How long a SQLite writer waits for another writer's lock before SQLITE_BUSY (busy_timeout). */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export function createSqliteAdapter(url: string): PrismaBetterSQLite3 {
  const file = sqliteFilePath(url);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  // better-sqlite3's `timeout` is SQLite's busy_timeout; WAL is set once per file by migrateDatabase.
  return new PrismaBetterSQLite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS });
}

const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

/**
 * adapter-pg 6.19 has no column type for pg_catalog's `name` (OID 19) and fails on queries that
 * return it (the CLI's migrate reads such columns). `name` is text on the wire, so report it as text.
 */
function reportNameColumnsAsText<T extends { query: (...args: never[]) => unknown }>(target: T): void {
  const original = target.query.bind(target) as (...args: unknown[]) => unknown;
  const patched = (...args: unknown[]): unknown => {
    const result = original(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<QueryResultLike>).then((res) => {
        for (const field of res?.fields ?? []) if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
        return res;
      });
    }
    return result;
  };
  (target as { query: unknown }).query = patched;
}

/** A pg.Pool on the URL (its `?schema=` becomes the search_path), with the OID-19 workaround. */
export function createPgPool(url: string, poolConfig: pg.PoolConfig = {}): { pool: pg.Pool; schema: string | undefined } {
  const { connectionString, schema } = postgresTarget(url);
  const pool = new pg.Pool({
    connectionString,
    ...(schema ? { options: `-c search_path="${schema.replace(/"/g, '""')}"` } : {}),
    ...poolConfig,
  });
  reportNameColumnsAsText(pool);
  pool.on('connect', (client) => reportNameColumnsAsText(client));
  return { pool, schema };
}

export function createPostgresAdapter(url: string, poolConfig?: pg.PoolConfig): PrismaPg {
  const { pool, schema } = createPgPool(url, poolConfig);
  return new PrismaPg(pool, { ...(schema ? { schema } : {}), disposeExternalPool: true });
}

/** The adapter the Prisma CLI uses (prisma.config.ts); its pool lets the CLI exit as soon as it is done. */
export function createCliAdapter(url: string): PrismaBetterSQLite3 | PrismaPg {
  return databaseProvider(url) === 'postgresql'
    ? createPostgresAdapter(url, { allowExitOnIdle: true, idleTimeoutMillis: 100 })
    : createSqliteAdapter(url);
}
