// SQLite through Prisma's better-sqlite3 adapter is ONE connection, and the adapter only makes
// transactions wait for each other: a query made elsewhere in the process while an interactive
// transaction is open runs INSIDE it and is undone when it rolls back. Calibrate loses nothing, so
// this wraps the adapter: while a transaction is open, queries that are not part of it wait until it
// ends, and transactions take turns. A query is part of it when it goes through the transaction
// client `tx`, or when it is made from the transaction callback's async context (the global client
// used inside the callback: it must not wait for its own transaction, or it would deadlock).
// createDb runs every `$transaction(async (tx) => …)` in its own scope (AsyncLocalStorage) for that.
// PostgreSQL gives each transaction its own pooled connection and needs none of this.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;
type Query = Parameters<Adapter['queryRaw']>[0];
type IsolationLevel = Parameters<Adapter['startTransaction']>[0];

/** One interactive transaction callback's async context (nested in the one it was started from, if any). */
interface Scope {
  readonly parent: Scope | undefined;
}
const scopes = new AsyncLocalStorage<Scope>();

/** Runs `fn` (which starts an interactive transaction) in a scope of its own. */
export function inTransactionScope<T>(fn: () => T): T {
  return scopes.run({ parent: scopes.getStore() }, fn);
}

function currentScopeIncludes(owner: Scope | undefined): boolean {
  if (!owner) return false; // Prisma's own transaction for a multi-statement write: only its `tx` queries belong
  for (let scope = scopes.getStore(); scope; scope = scope.parent) if (scope === owner) return true;
  return false;
}

interface OpenTransaction {
  readonly owner: Scope | undefined;
  readonly ended: Promise<void>;
}

const END_STATEMENT = /^\s*(COMMIT|ROLLBACK)\b/i;

class GatedSqliteAdapter {
  readonly provider: Adapter['provider'];
  readonly adapterName: string;
  #open: OpenTransaction | undefined;
  #turns: Promise<void> = Promise.resolve();

  constructor(private readonly inner: Adapter) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  /** undefined when the caller may use the connection now, else a promise of that moment. */
  #outside(): Promise<void> | undefined {
    const open = this.#open;
    if (!open || currentScopeIncludes(open.owner)) return undefined;
    return (async () => {
      while (this.#open && !currentScopeIncludes(this.#open.owner)) await this.#open.ended;
    })();
  }

  queryRaw(query: Query): ReturnType<Adapter['queryRaw']> {
    const wait = this.#outside();
    return wait ? wait.then(() => this.inner.queryRaw(query)) : this.inner.queryRaw(query);
  }

  executeRaw(query: Query): ReturnType<Adapter['executeRaw']> {
    const wait = this.#outside();
    return wait ? wait.then(() => this.inner.executeRaw(query)) : this.inner.executeRaw(query);
  }

  executeScript(script: string): Promise<void> {
    const wait = this.#outside();
    return wait ? wait.then(() => this.inner.executeScript(script)) : this.inner.executeScript(script);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    // A transaction started from inside an open one's callback waits its turn too: right for work the
    // callback sets off without awaiting it; one the callback awaits ends with Prisma's transaction timeout.
    const owner = scopes.getStore();
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const previous = this.#turns;
    this.#turns = previous.then(() => ended);
    await previous;
    const open: OpenTransaction = { owner, ended };
    this.#open = open;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (this.#open === open) this.#open = undefined;
      end();
    };
    try {
      return wrapTransaction(await this.inner.startTransaction(isolationLevel), finish);
    } catch (error) {
      finish();
      throw error;
    }
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

function wrapTransaction(tx: Transaction, finish: () => void): Transaction {
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tx.queryRaw(query),
    executeRaw: async (query) => {
      try {
        return await tx.executeRaw(query);
      } catch (error) {
        if (END_STATEMENT.test(query.sql)) {
          // A failed COMMIT (e.g. a deferred foreign key) leaves SQLite inside the transaction and Prisma
          // never calls commit(): end it here, or every later query would wait, or run in it, forever.
          await tx.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] }).catch(() => undefined);
          await tx.rollback().finally(finish);
        }
        throw error;
      }
    },
    commit: () => tx.commit().finally(finish),
    rollback: () => tx.rollback().finally(finish),
  };
}

/** The better-sqlite3 adapter factory, with its connection gated as described at the top of this file. */
export function gateSqliteTransactions(factory: PrismaBetterSQLite3) {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async (): Promise<Adapter> => new GatedSqliteAdapter(await factory.connect()),
  };
}
