// createDb(url?): a Prisma client (Rust-free, driver adapter) for SQLite or PostgreSQL, by URL.
import { createRequire } from 'node:module';
import type { PrismaClient as SqlitePrismaClient } from '../generated/sqlite';
import { createPostgresAdapter, createSqliteAdapter } from './adapters';
import { generatedFingerprint, schemaFingerprint } from './schema-fingerprint';
import { gateSqliteTransactions, inTransactionScope } from './sqlite-transaction-gate';
import { databaseProvider, resolveDatabaseUrl } from './url';
import type { DatabaseProvider } from './url';

/**
 * The client type every part of Calibrate codes against. The schema avoids provider-specific
 * features, so the SQLite client's API is what both clients offer (the PostgreSQL client offers a
 * few extras, such as `mode: 'insensitive'`, that portable code must not use).
 */
export type Db = SqlitePrismaClient;

export interface CreateDbOptions {
  /** Prisma log levels, e.g. ['warn', 'error']; queries are not logged by default (they may carry secrets). */
  log?: Array<'query' | 'info' | 'warn' | 'error'>;
  /** PostgreSQL pool size (default: pg's 10). */
  poolSize?: number;
}

// The generated clients are CommonJS in gitignored folders (made by `npm install`); require them
// lazily so an app on SQLite never loads the PostgreSQL client.
const require = createRequire(import.meta.url);
type ClientModule = { PrismaClient: new (options: { adapter: unknown; log?: CreateDbOptions['log'] }) => Db };
function loadClient(provider: DatabaseProvider): ClientModule {
  try {
    return require(provider === 'postgresql' ? '../generated/postgresql' : '../generated/sqlite') as ClientModule;
  } catch (cause) {
    throw new Error(
      `The ${provider} Prisma client is not generated yet: run \`npm install\` (or \`npm run db:generate -w @calibr/db\`).`,
      { cause },
    );
  }
}

let staleChecked = false;
/** Says so once when schema.prisma changed since the clients were generated (the client would not match). */
function warnIfClientsAreStale(): void {
  if (staleChecked) return;
  staleChecked = true;
  try {
    const stamp = generatedFingerprint();
    if (stamp !== undefined && stamp !== schemaFingerprint()) {
      console.warn('[db] prisma/schema.prisma changed since the clients were generated: run `npm run db:generate -w @calibr/db`');
    }
  } catch {
    // No schema file beside a deployed build: nothing to compare.
  }
}

const providers = new WeakMap<object, DatabaseProvider>();

/** A client on `url` (default: DATABASE_URL, else the embedded SQLite file). Call `$disconnect()` when done. */
export function createDb(url?: string, options: CreateDbOptions = {}): Db {
  const target = resolveDatabaseUrl(url);
  const provider = databaseProvider(target);
  warnIfClientsAreStale();
  const adapter =
    provider === 'postgresql'
      ? createPostgresAdapter(target, options.poolSize ? { max: options.poolSize } : {})
      : gateSqliteTransactions(createSqliteAdapter(target));
  const { PrismaClient } = loadClient(provider);
  const db = new PrismaClient({ adapter, ...(options.log ? { log: options.log } : {}) });
  if (provider === 'sqlite') scopeInteractiveTransactions(db);
  providers.set(db, provider);
  return db;
}

/**
 * SQLite: each `$transaction(async (tx) => …)` runs in its own async scope, so the gated adapter
 * (sqlite-transaction-gate.ts) knows which queries belong to the open transaction.
 */
function scopeInteractiveTransactions(db: Db): void {
  const original = db.$transaction.bind(db) as (input: unknown, options?: unknown) => Promise<unknown>;
  const scoped = (input: unknown, options?: unknown) =>
    typeof input === 'function' ? inTransactionScope(() => original(input, options)) : original(input, options);
  Object.defineProperty(db, '$transaction', { value: scoped, configurable: true, writable: true });
}

/** Which database a client from createDb talks to (for the rare raw SQL that differs). */
export function providerOf(db: Db): DatabaseProvider {
  const provider = providers.get(db);
  if (!provider) throw new Error('providerOf: this client was not made by createDb');
  return provider;
}

/**
 * True for Prisma's known request errors (optionally with a given code, e.g. 'P2002' for a unique
 * violation). Use this rather than `instanceof Prisma.PrismaClientKnownRequestError`: each generated
 * client carries its own runtime, so `instanceof` only matches errors of one provider's client.
 */
export function isPrismaError(error: unknown, code?: string): error is Error & { code: string; meta?: Record<string, unknown> } {
  return (
    error instanceof Error &&
    error.name === 'PrismaClientKnownRequestError' &&
    typeof (error as { code?: unknown }).code === 'string' &&
    (code === undefined || (error as unknown as { code: string }).code === code)
  );
}
