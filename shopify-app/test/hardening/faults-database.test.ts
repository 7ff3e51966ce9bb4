// The database goes away for a while in the middle of a push: on PostgreSQL the app reaches it through
// a small TCP proxy that the test cuts (every open connection destroyed, new ones refused) and restores;
// on SQLite the test holds the write lock (BEGIN EXCLUSIVE) for longer than the app's busy timeout.
// Shopify is made slow (sandbox latency fault) so the cut lands while price updates are in flight, i.e.
// after the attempts were marked sent and before their answers can be recorded. Once the database is
// back the push resumes by itself (no manual retry) and every price is applied exactly once: the
// in-doubt Shopify updates are sent again under the same keys with the price they replaced, which
// Shopify refuses as a conflict, and the live price shows ours.
import { testDatabaseProviders } from '@calibr/db';
import Database from 'better-sqlite3';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultWorld, waitFor, waitForApplied, type FaultWorld } from './support/fault-world';

/** The app's SQLite busy_timeout (prisma/src/adapters.ts): a writer waits this long for the lock. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** A TCP proxy to PostgreSQL that can be cut (connections destroyed, new ones refused) and restored. */
async function startCuttableProxy(target: { host: string; port: number }) {
  const open = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(testDatabaseProviders())('the database unavailable mid-push (%s)', (provider) => {
  let f: FaultWorld;
  let proxy: Awaited<ReturnType<typeof startCuttableProxy>> | undefined;
  beforeAll(async () => {
    f = await startFaultWorld({
      size: 3,
      provider,
      shop: `calibr-faults-db-${provider}.myshopify.com`,
      async appEnv(w): Promise<Record<string, string>> {
        if (provider !== 'postgresql') return {};
        const url = new URL(w.database.url);
        proxy = await startCuttableProxy({ host: url.hostname, port: Number(url.port || 5432) });
        url.hostname = '127.0.0.1';
        url.port = String(proxy.port);
        return { DATABASE_URL: url.toString() };
      },
      onClose: async () => {
        proxy?.restore();
        await proxy?.close();
      },
    });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  it('cut while Shopify updates are in flight: resumes by itself, applied exactly once', async () => {
    const db = f.w.database.db;
    const t0 = Date.now();
    const phase = (what: string) => console.log(`[faults-database ${provider}] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
    const items = f.take(3);
    // The console route compiled and answering before anything is cut (the app runs under Vite's dev
    // server, which compiles a route on its first request).
    expect(await f.changes([])).toEqual([]);
    const slow = await f.fault({ platform: 'shopify', path: '/admin/api/*/graphql.json', kind: 'latency', latencyMs: 3000 });
    const changeIds = await f.approve(items);
    // Amazon (first) done, the Shopify updates marked sent: now the answers are on their way.
    await waitFor(
      'Shopify updates in flight',
      async () => {
        const attempts = await db.priceChangeAttempt.findMany({ where: { priceChangeId: { in: changeIds } } });
        return attempts.filter((a) => a.platform === 'amazon' && a.status === 'applied').length === 3 && attempts.filter((a) => a.platform === 'shopify' && a.status === 'pending').length === 3;
      },
      120_000,
      50,
    );

    // In flight, verified: Shopify has the calls (its answers are held back 3 s). The attempt reads pending a
    // moment before its request reaches Shopify, so wait for the sandbox to count it; an outcome recorded
    // before the cut fails the check after it.
    await waitFor(
      'Shopify received the calls whose answers are on their way',
      async () => ((await f.control<{ faults: Array<{ id: string; hits: number }> }>('faults')).faults.find((x) => x.id === slow.id)?.hits ?? 0) > 0,
      10_000,
      20,
    );
    const cutAt = new Date();
    phase('Shopify updates in flight: cutting the database');
    let lock: Database.Database | undefined;
    if (provider === 'postgresql') proxy!.cut();
    else {
      lock = new Database(f.w.database.location, { timeout: SQLITE_BUSY_TIMEOUT_MS });
      lock.exec('BEGIN EXCLUSIVE');
    }
    try {
      // Longer than SQLite's busy timeout, and than the push lease (3 s here).
      await new Promise((r) => setTimeout(r, SQLITE_BUSY_TIMEOUT_MS + 4000));
      // What the console gets meanwhile on PostgreSQL: nothing can be read, so a problem response (not a
      // hang). On SQLite the driver is synchronous: every write waits out busy_timeout on the app's event
      // loop, so a console request made now just waits for the lock (how long depends on the load); its
      // state is checked once the lock is gone.
      if (provider === 'postgresql') {
        const res = await f.w.api(f.app, `/api/pricing/changes?ids=${changeIds.join(',')}`);
        const text = await res.text();
        expect(res.status, text.slice(0, 300)).toBeGreaterThanOrEqual(500);
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      }
    } finally {
      if (lock) {
        lock.exec('COMMIT');
        lock.close();
      }
      proxy?.restore();
      await f.control(`faults/${slow.id}`, undefined, 'DELETE');
    }
    phase('database back');

    try {
      await waitForApplied(f, changeIds, 120_000, 'once the database is back');
    } catch (error) {
      const rows = await db.priceChangeAttempt.findMany({ where: { priceChangeId: { in: changeIds } }, select: { platform: true, status: true, attemptCount: true, platformMessage: true } });
      throw new Error(`${(error as Error).message}\n${JSON.stringify(rows)}\n${f.appLog()}`);
    }
    phase('every change applied');
    // The cut hit that work: every Shopify outcome was recorded after it began.
    const outcomes = await db.priceChangeAttempt.findMany({ where: { priceChangeId: { in: changeIds }, platform: 'shopify' }, select: { appliedAt: true } });
    expect(outcomes.map((o) => o.appliedAt !== null && o.appliedAt >= cutAt)).toEqual([true, true, true]);
    await f.expectExactlyOnce(items, changeIds);
  }, 300_000);
});
