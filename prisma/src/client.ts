// createDb(url?): the app's Prisma client (Rust-free, driver adapter) for SQLite or PostgreSQL, by URL.
// createSchemaClient(set, url?): the same for another schema set (the Amazon service's).
import { createRequire } from 'node:module';
import type { PrismaClient as SqlitePrismaClient } from '../generated/sqlite';
import { createPostgresAdapter, createSqliteAdapter } from './adapters';
import { generatedFingerprint, schemaFingerprint } from './schema-fingerprint';
import { appSchema, clientDir } from './schema-set';
import type { SchemaSet } from './schema-set';
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
type ClientModule<T> = { PrismaClient: new (options: { adapter: unknown; log?: CreateDbOptions['log'] }) => T };
function loadClient<T>(set: SchemaSet, provider: DatabaseProvider): ClientModule<T> {
  try {
    return require(clientDir(set, provider)) as ClientModule<T>;
  } catch (cause) {
    throw new Error(
      `The ${set.name} schema's ${provider} Prisma client is not generated yet: run \`npm install\` (or \`npm run db:generate -w @calibr/db\`).`,
      { cause },
    );
  }
}

const staleChecked = new Set<string>();
/** Says so once when a schema changed since its clients were generated (the client would not match). */
function warnIfClientsAreStale(set: SchemaSet): void {
  if (staleChecked.has(set.name)) return;
  staleChecked.add(set.name);
  try {
    const stamp = generatedFingerprint(set);
    if (stamp !== undefined && stamp !== schemaFingerprint(set)) {
      console.warn(`[db] the ${set.name} schema changed since its clients were generated: run \`npm run db:generate -w @calibr/db\``);
    }
  } catch {
    // No schema file beside a deployed build: nothing to compare.
  }
}

const providers = new WeakMap<object, DatabaseProvider>();

/** An app client on `url` (default: DATABASE_URL, else the embedded SQLite file). Call `$disconnect()` when done. */
export function createDb(url?: string, options: CreateDbOptions = {}): Db {
  return createSchemaClient<Db>(appSchema, url, options);
}

/**
 * A client of a schema set's generated client type `T` (e.g. the Amazon service's), on `url`
 * (default: DATABASE_URL, else the embedded SQLite file), with the same adapters and SQLite gate.
 */
export function createSchemaClient<T extends object>(set: SchemaSet, url?: string, options: CreateDbOptions = {}): T {
  const target = resolveDatabaseUrl(url);
  const provider = databaseProvider(target);
  warnIfClientsAreStale(set);
  const adapter =
    provider === 'postgresql'
      ? createPostgresAdapter(target, options.poolSize ? { max: options.poolSize } : {})
      : gateSqliteTransactions(createSqliteAdapter(target));
  const { PrismaClient } = loadClient<T>(set, provider);
  const db = new PrismaClient({ adapter, ...(options.log ? { log: options.log } : {}) });
  if (provider === 'sqlite') scopeInteractiveTransactions(db as unknown as Db);
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
export function providerOf(db: object): DatabaseProvider {
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
