// Raw SQL that runs unchanged on SQLite and PostgreSQL, for the few hot paths where Prisma's query
// compiler costs more than the query (webhook receive and batch processing). Values are always bound
// as parameters; only the placeholder syntax differs (`?` for SQLite, `$n` for PostgreSQL).
// SQLite's `?` is positional: call `p()` in the order the placeholders appear in the statement.
// Dates are bound as Date objects so both adapters store them exactly as Prisma's own queries do.
import { providerOf, type Db, type DatabaseProvider } from '@calibr/db';

// A transaction's client isn't the one createDb made, so remember which database each one talks to.
const transactionProviders = new WeakMap<object, DatabaseProvider>();

// SQLite through Prisma's better-sqlite3 adapter is ONE connection, and a query made outside a transaction
// is not held back while an interactive transaction is open: it runs inside that transaction and shares its
// fate (a rollback undoes it; a crash before the commit loses it). A delivery acknowledged with 200 must not
// depend on someone else's transaction, so on SQLite our transactions and our acknowledged writes take
// turns through this gate. (PostgreSQL gives each its own pooled connection: no gate.)
let sqliteGate: Promise<unknown> = Promise.resolve();

/** Run `fn` when no transaction of ours is open on SQLite (at once on PostgreSQL). */
export function outsideTransactions<T>(client: Db, fn: () => Promise<T>): Promise<T> {
  if (dialectOf(client) === 'postgresql') return fn();
  const run = sqliteGate.then(fn, fn);
  sqliteGate = run.catch(() => undefined);
  return run;
}

/** `client.$transaction(fn)` whose transaction client sqlParams accepts too (and, on SQLite, behind the gate). */
export function transaction<T>(client: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const provider = dialectOf(client);
  return outsideTransactions(client, () =>
    client.$transaction(async (tx) => {
      transactionProviders.set(tx, provider);
      return fn(tx as unknown as Db);
    }),
  );
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
