// WEB_CONCURRENCY=2: the built app started as production starts it (server/production-main.ts) runs a
// node:cluster primary and two workers on one port. Requests on fresh connections are answered by both
// workers; Shopify products/update deliveries (valid HMACs, 10% duplicates, some out of order) sent through
// the cluster are each recorded and applied once; a worker killed outright is replaced; SIGTERM to the
// primary shuts every worker down gracefully and the cluster exits 0. On PostgreSQL with TEST_DATABASE_URL
// (a fresh schema), else on a SQLite file.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createTestDatabase, type TestDatabase } from '@calibr/db/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { drainDeliveries, planWebhookLoad, seedLoadCatalog, seedLoadShop, sendDeliveries, verifyLoad } from '../hardening/support/webhook-load';
import { buildApp, startProductionProcess, type ProductionProcess } from './support/production-process';

const API_KEY = 'c1a57e00c1a57e00c1a57e00c1a57e01';
const API_SECRET = 'shpss_cluster_suite_secret_0123456789abcdef';
const SHOP = 'calibr-cluster.myshopify.com';
const provider = process.env.TEST_DATABASE_URL ? 'postgresql' : 'sqlite';

let build: { dir: string } | undefined;
let database: TestDatabase | undefined;
let cluster: ProductionProcess | undefined;
let workerPids: number[] = [];

/** GET on a connection of its own (no keep-alive), so the primary hands each one to the next worker. */
function freshGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

function parsedLines(): Array<Record<string, unknown>> {
  return cluster!.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  build = await buildApp();
  database = await createTestDatabase({ provider });
  await seedLoadShop(database.db, SHOP);
  cluster = await startProductionProcess({
    WEB_CONCURRENCY: '2',
    DATABASE_URL: database.url,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    SANDBOX_URL: '',
    PRICING_WORKER: 'off',
    PRICING_MONITOR: 'off',
    SHUTDOWN_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'info',
    APP_BUILD_DIR: build.dir,
  });
  const ready = parsedLines().find((l) => l.msg === 'ready') as { workers?: number[] };
  workerPids = ready.workers ?? [];
}, 420_000);

afterAll(async () => {
  if (cluster && cluster.child.exitCode === null) {
    cluster.child.kill('SIGKILL');
    for (const pid of workerPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await database?.cleanup().catch(() => undefined);
});

describe(`WEB_CONCURRENCY=2 (${provider})`, () => {
  it('two worker processes answer on the one port', async () => {
    onTestFailed(() => console.log(cluster!.lines().slice(-30).join('\n'), cluster!.stderr()));
    expect(workerPids).toHaveLength(2);
    expect(new Set([cluster!.pid, ...workerPids]).size).toBe(3);
    // The primary migrated (once); each worker started without migrating.
    const lines = parsedLines();
    expect(lines.filter((l) => l.msg === 'migrations').map((l) => l.pid)).toEqual([cluster!.pid]);
    const seen = new Set<number>();
    for (let i = 0; i < 20 && seen.size < 2; i++) {
      const res = await freshGet(`${cluster!.url}/healthz`);
      expect(res.status).toBe(200);
      seen.add((JSON.parse(res.body) as { pid: number }).pid);
    }
    expect([...seen].sort()).toEqual([...workerPids].sort());
    // Every log line is JSON with the process's pid; each worker logged its own "listening" line.
    const listening = lines.filter((l) => l.msg === 'shopify app listening').map((l) => l.pid);
    expect(listening.sort()).toEqual([...workerPids].sort());
  });

  it('webhook deliveries sent through the cluster are each recorded and applied once', async () => {
    onTestFailed(() => console.log(cluster!.lines().slice(-30).join('\n'), cluster!.stderr()));
    const plan = planWebhookLoad({ shop: SHOP, secret: API_SECRET, deliveries: 120, products: 12, seed: 9 });
    await seedLoadCatalog(database!.db, plan);
    // Several connections at once: the primary spreads them over both workers.
    const catalog = await sendDeliveries(cluster!.url, SHOP, plan.catalog, 4);
    expect(await drainDeliveries(database!.db, SHOP, 60_000)).toBe(true);
    const load = await sendDeliveries(cluster!.url, SHOP, plan.deliveries, 6);
    expect(load.failures).toEqual({});
    expect(await drainDeliveries(database!.db, SHOP, 60_000)).toBe(true);
    const verdict = await verifyLoad(database!.db, plan, [catalog, load]);
    expect(verdict.detail).toMatchObject({ notAcknowledged: 0, unprocessed: 0, extraRows: 0, reprocessed: 0, duplicateAuditEntries: 0 });
    expect(verdict.lost).toBe(0);
    expect(verdict.doubled).toBe(0);
    expect(load.duplicatesAnswered).toBeGreaterThan(0);
  }, 180_000);

  it('a worker that dies is replaced', async () => {
    onTestFailed(() => console.log(cluster!.lines().slice(-30).join('\n'), cluster!.stderr()));
    const victim = workerPids[0]!;
    process.kill(victim, 'SIGKILL');
    const replacement = await waitFor('a replacement worker', () => {
      const lines = parsedLines();
      const died = lines.findIndex((l) => l.msg === 'worker died unexpectedly; starting another' && l.workerPid === victim);
      if (died < 0) return undefined;
      return lines.slice(died).find((l) => l.msg === 'worker listening')?.workerPid as number | undefined;
    }, 90_000);
    expect(replacement).not.toBe(victim);
    workerPids = [workerPids[1]!, replacement];
    const res = await freshGet(`${cluster!.url}/readyz`);
    expect(res.status).toBe(200);
  }, 120_000);

  it('SIGTERM to the primary shuts every worker down gracefully and exits 0', async () => {
    onTestFailed(() => console.log(cluster!.lines().slice(-30).join('\n'), cluster!.stderr()));
    const code = await Promise.race([cluster!.stop('SIGTERM'), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
    expect(code).toBe(0);
    const lines = parsedLines();
    const completed = lines.filter((l) => l.msg === 'shutdown complete');
    expect(completed.map((l) => l.pid).sort()).toEqual([...workerPids].sort());
    expect(completed.every((l) => l.clean === true)).toBe(true);
    expect(lines.find((l) => l.msg === 'cluster stopped')).toMatchObject({ pid: cluster!.pid, exitCodes: [0, 0] });
  }, 60_000);
});
