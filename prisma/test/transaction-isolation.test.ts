// Nothing written outside an interactive transaction may share that transaction's fate. On SQLite
// Prisma's better-sqlite3 adapter is one connection, so createDb holds other queries back while an
// interactive transaction is open (src/sqlite-transaction-gate.ts); PostgreSQL gives each its own
// pooled connection. The same expectations hold on both.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb } from '../src/client';
import type { Db } from '../src/client';
import { createTestDatabase } from '../src/testing';
import type { TestDatabase } from '../src/testing';
import { describeOnEachDatabase } from './support/providers';

class Rollback extends Error {}

const insertProjectSql = (shopDomain: string) =>
  `INSERT INTO "Project" ("id", "shopDomain", "status", "createdAt", "updatedAt") VALUES ('${shopDomain}', '${shopDomain}', 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

let serial = 0;
const shop = (label: string) => `${label}-${process.pid}-${++serial}.myshopify.com`;

/**
 * Opens an interactive transaction that writes `inside`, then stays open until `close()` is called,
 * then throws (rolled back). `open` resolves once the transaction's write is done.
 */
function rolledBackTransaction(db: Db, inside: string) {
  const opened = deferred();
  const close = deferred();
  const done = db
    .$transaction(
      async (tx) => {
        await tx.project.create({ data: { shopDomain: inside } });
        opened.resolve();
        await close.promise;
        throw new Rollback('rolled back on purpose');
      },
      { timeout: 20_000 },
    )
    .then(
      () => 'committed',
      (error: unknown) => (error instanceof Rollback ? 'rolled back' : Promise.reject(error)),
    );
  return { open: opened.promise, close: close.resolve, done };
}

describeOnEachDatabase('writes outside an interactive transaction', (provider) => {
  let t: TestDatabase;
  let reader: Db; // a second client: what another process would see
  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    reader = createDb(t.url);
    // The query shapes used below are compiled once up front, so timing-sensitive steps don't wait for the compiler.
    await t.db.project.create({ data: { shopDomain: shop('warm-up') } });
    await t.db.$executeRawUnsafe(insertProjectSql(shop('warm-up')));
  });
  afterAll(async () => {
    await reader?.$disconnect();
    await t?.cleanup();
  });

  const exists = async (shopDomain: string) => (await reader.project.count({ where: { shopDomain } })) === 1;

  it('a write through the client made while a transaction is open survives that transaction rolling back', async () => {
    const inside = shop('inside');
    const outside = shop('outside');
    const tx = rolledBackTransaction(t.db, inside);
    await tx.open;
    const write = t.db.project.create({ data: { shopDomain: outside } });
    const rawOutside = shop('raw-outside');
    const raw = t.db.$executeRawUnsafe(insertProjectSql(rawOutside));
    // Unguarded on SQLite, both finish at once, inside the open transaction; guarded, they wait for it.
    await Promise.race([Promise.allSettled([write, raw]), sleep(1_000)]);
    tx.close();
    expect(await tx.done).toBe('rolled back');
    await write;
    expect(await raw).toBe(1);
    expect(await exists(inside)).toBe(false);
    expect(await exists(outside)).toBe(true);
    expect(await exists(rawOutside)).toBe(true);
  });

  it('interactive transactions take turns, and a write made meanwhile survives both rolling back', async () => {
    const events: string[] = [];
    const run = (label: string) =>
      t.db
        .$transaction(async (tx) => {
          events.push(`${label} start`);
          await tx.project.create({ data: { shopDomain: shop(label) } });
          await sleep(50);
          await tx.project.count();
          events.push(`${label} end`);
          throw new Rollback(label);
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
    const outside = shop('between');
    await Promise.all([run('a'), run('b'), t.db.project.create({ data: { shopDomain: outside } })]);
    expect(events).toHaveLength(4);
    // SQLite: one whole transaction, then the other (PostgreSQL runs them side by side).
    if (provider === 'sqlite') expect(events.map((e) => e[0])).toEqual([events[0]![0], events[0]![0], events[2]![0], events[2]![0]]);
    expect(await exists(outside)).toBe(true);
  });

  it('the global client used inside the transaction callback does not wait for the transaction (no deadlock)', async () => {
    const inside = shop('callback');
    const seen = await t.db.$transaction(
      async (tx) => {
        await tx.project.create({ data: { shopDomain: inside } });
        // Wrong but common: the global client inside the callback. It must not wait for its own transaction.
        return t.db.project.count({ where: { shopDomain: inside } });
      },
      { timeout: 3_000 },
    );
    // SQLite: the same connection, so it ran inside the transaction and saw its row; PostgreSQL: another connection.
    expect(seen).toBe(provider === 'sqlite' ? 1 : 0);
    expect(await exists(inside)).toBe(true);
  });

  it('a transaction set off (not awaited) from inside a callback runs after it, and both commit', async () => {
    const first = shop('first');
    const second = shop('set-off');
    let setOff: Promise<unknown> | undefined;
    await t.db.$transaction(async (tx) => {
      await tx.project.create({ data: { shopDomain: first } });
      // e.g. a worker kicked from inside the callback: it inherits the callback's async context.
      setOff = t.db.$transaction(async (later) => later.project.create({ data: { shopDomain: second } }));
    });
    await setOff;
    expect(await exists(first)).toBe(true);
    expect(await exists(second)).toBe(true);
  });

  // PostgreSQL: skipped, not passed. Our foreign keys there are not DEFERRABLE, so only a deferred constraint
  // made for the test can fail a COMMIT, and @prisma/adapter-pg 6.19 then never releases that pooled
  // connection: the pool's end (cleanup) waits for it forever. Nothing in Calibrate defers a constraint.
  it.skipIf(provider === 'postgresql')('a transaction whose COMMIT fails leaves the database usable and later writes durable', async () => {
    const orphan = shop('orphan');
    // A deferred foreign key makes COMMIT itself fail (SQLite then keeps the transaction open).
    let callbackFinished = false;
    const failed = await t.db
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe('PRAGMA defer_foreign_keys = ON');
        await tx.project.create({ data: { shopDomain: orphan } });
        await tx.$executeRawUnsafe(
          `INSERT INTO "AuditLog" ("id", "projectId", "actor", "action") VALUES ('orphan-${serial}', 'no-such-project', 'system', 'x')`,
        );
        callbackFinished = true;
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(callbackFinished, 'every statement ran: it is the COMMIT that failed').toBe(true);
    expect(failed).toBeInstanceOf(Error);
    expect(await exists(orphan)).toBe(false);
    const after = shop('after-failed-commit');
    await t.db.$transaction(async (tx) => tx.project.create({ data: { shopDomain: shop('next') } }), { maxWait: 5_000 });
    await t.db.project.create({ data: { shopDomain: after } });
    expect(await exists(after)).toBe(true);
  });
});
