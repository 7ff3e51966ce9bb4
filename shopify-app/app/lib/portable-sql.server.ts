// Raw SQL that runs unchanged on SQLite and PostgreSQL, for the few hot paths where Prisma's query
// compiler costs more than the query (webhook receive and batch processing). Values are always bound
// as parameters; only the placeholder syntax differs (`?` for SQLite, `$n` for PostgreSQL).
// SQLite's `?` is positional: call `p()` in the order the placeholders appear in the statement.
// Dates are bound as Date objects so both adapters store them exactly as Prisma's own queries do.
import { providerOf, type Db, type DatabaseProvider } from '@calibr/db';

// A transaction's client isn't the one createDb made, so remember which database each one talks to.
const transactionProviders = new WeakMap<object, DatabaseProvider>();

/**
 * `client.$transaction(fn)` whose transaction client sqlParams accepts too. (On SQLite, @calibr/db holds
 * other queries back while it is open: an acknowledged write never lands inside someone else's rollback.)
 */
export function transaction<T>(client: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const provider = dialectOf(client);
  return client.$transaction(async (tx) => {
    transactionProviders.set(tx, provider);
    return fn(tx as unknown as Db);
  });
}

function dialectOf(client: Db): DatabaseProvider {
  return transactionProviders.get(client) ?? providerOf(client);
}

export interface SqlParams {
  readonly values: unknown[];
  /** Bind `value` and return its placeholder. */
  p(value: unknown): string;
  /** Placeholders for a list, e.g. for `IN (…)`. */
  list(values: readonly unknown[]): string;
  readonly postgres: boolean;
}

export function sqlParams(client: Db): SqlParams {
  const postgres = dialectOf(client) === 'postgresql';
  const values: unknown[] = [];
  const p = (value: unknown) => {
    values.push(value);
    return postgres ? `$${values.length}` : '?';
  };
  return { values, p, list: (items) => items.map(p).join(', '), postgres };
}

/** The most rows one multi-row statement writes (SQLite binds at most 32,766 parameters, PostgreSQL 65,535). */
export const ROWS_PER_STATEMENT = 400;
