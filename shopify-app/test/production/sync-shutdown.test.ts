// A catalog sync on an instance that gets SIGTERM is handed back by the graceful shutdown (server/production.ts,
// handBackSyncRuns in app/platforms/sync-lease.server.ts): the run stops at its next page, its log reads
// failed/interrupted ("the app instance was shut down during this sync"), and its job completes, so a sync
// started on another instance right after opens a new run instead of waiting out SYNC_LEASE_MS (here ten
// minutes, far past the test). Built app, started as production starts it; the instances are processes of
// their own on one database (PostgreSQL schema when TEST_DATABASE_URL is set, else a SQLite file).
// Two cases: the page in flight ends inside the shutdown's budget (the run stops itself), and a page that
// outlasts the budget (the shutdown closes the run and frees the lease itself).
import { randomBytes } from 'node:crypto';
import { createDb, hasTestPostgres, type Db } from '@calibr/db';
import { startSandbox, type RunningSandbox } from '@calibr/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { fetchWithSessionToken, readJson, sandboxControl } from '../support/app-http';
import { waitFor } from '../support/wait-for';
import { buildApp, startProductionProcess, type ProductionProcess } from './support/production-process';
import { freshDatabase } from './support/fresh-database';

const API_KEY = 'c0ffee00c0ffee00c0ffee00c0ffee0a';
const API_SECRET = 'shpss_sync_shutdown_suite_secret_0123456789';
const SHOP = 'calibr-sync-shutdown.myshopify.com';
// Shared by every instance (one app, one database of encrypted tokens).
const SHARED_SECRET = `sync-shutdown-${randomBytes(24).toString('hex')}`;
const ENCRYPTION_KEY = randomBytes(32).toString('base64');
/** Three pages of 50 for the Shopify sync. */
const PRODUCTS = 120;
const SHUT_DOWN_MESSAGE = 'the app instance was shut down during this sync';
const postgres = hasTestPostgres();

let sandbox: RunningSandbox;
let db: Db;
let databaseUrl: string;
let dropDatabase: (() => Promise<void>) | undefined;
let build: { dir: string } | undefined;
const instances: ProductionProcess[] = [];
let projectId = '';

const control = <T>(path: string, body?: unknown): Promise<T> => sandboxControl<T>(sandbox, path, body);

async function api(instance: ProductionProcess, path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { token } = await control<{ token: string }>(`shopify/shops/${SHOP}/session-token`, { apiKey: API_KEY, lifetimeSeconds: 600 });
  return fetchWithSessionToken(`${instance.url}${path}`, token, init);
}

async function startSync(instance: ProductionProcess): Promise<{ syncId: string; alreadyRunning: boolean }> {
  const res = await api(instance, '/api/platforms/shopify/sync', { json: { mode: 'full' } });
  const body = await readJson<{ syncId: string; alreadyRunning: boolean }>(res);
  expect(res.status, JSON.stringify(body)).toBe(202);
  return { syncId: body.syncId, alreadyRunning: body.alreadyRunning };
}

async function slowShopify(latencyMs: number): Promise<void> {
  await control('faults', { platform: 'shopify', kind: 'latency', latencyMs, method: 'POST', path: '*graphql*' });
}

const integration = () => db.platformIntegration.findUniqueOrThrow({ where: { projectId_platform: { projectId, platform: 'shopify' } } });
/** The sync's job (app/platforms/sync-lease.server.ts): its claim is the run's lease. */
const syncJob = () => db.job.findUniqueOrThrow({ where: { queue_key: { queue: `platform.sync:shopify:${projectId}`, key: 'run' } } });

async function finished(syncId: string) {
  return waitFor(`sync ${syncId} to end`, async () => {
    const run = await db.platformSyncLog.findUnique({ where: { id: syncId } });
    return run && run.status !== 'started' ? run : undefined;
  }, 120_000, 150);
}

async function startInstance(): Promise<ProductionProcess> {
  const instance = await startProductionProcess({
    DATABASE_URL: databaseUrl,
    SANDBOX_URL: sandbox.url,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SERVICE_SHARED_SECRET: SHARED_SECRET,
    ENCRYPTION_KEYS: `v1:${ENCRYPTION_KEY}`,
    AMAZON_SERVICE_URL: 'http://127.0.0.1:9',
    CALIBR_TEST_PLATFORMS: '',
    PRICING_WORKER: 'off',
    // Far past the test: a lease not handed back would keep the next start waiting (alreadyRunning).
    SYNC_LEASE_MS: '600000',
    // Background work gets 80% of it: 3.2 s.
    SHUTDOWN_TIMEOUT_MS: '4000',
    LOG_LEVEL: 'info',
    APP_BUILD_DIR: build!.dir,
  });
  instances.push(instance);
  return instance;
}

/** SIGTERM mid-run: exits 0 and hands the run back; returns the closed run. */
async function stopMidRun(victim: ProductionProcess, syncId: string) {
  const exitCode = await victim.stop('SIGTERM');
  expect(exitCode, `${victim.lines().slice(-10).join('\n')}\n${victim.stderr().slice(-2000)}`).toBe(0);
  const run = await db.platformSyncLog.findUniqueOrThrow({ where: { id: syncId } });
  expect(run, JSON.stringify(run)).toMatchObject({ status: 'failed', errors: [{ code: 'interrupted', message: SHUT_DOWN_MESSAGE }] });
  expect(run.completedAt).not.toBeNull();
  expect(run.itemsSynced).toBeLessThan(PRODUCTS);
  expect(await syncJob()).toMatchObject({ status: 'completed', leaseUntil: null });
  expect(await integration()).toMatchObject({ syncStatus: 'error' });
  expect(victim.lines().some((l) => l.includes('"msg":"sync runs handed back on shutdown"'))).toBe(true);
  return run;
}

/** Another instance starts a sync right away: a new run, which completes. */
async function nextRunOn(instance: ProductionProcess, previous: string): Promise<void> {
  const next = await startSync(instance);
  expect(next.alreadyRunning).toBe(false);
  expect(next.syncId).not.toBe(previous);
  await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
  const run = await finished(next.syncId);
  expect(run, JSON.stringify(run)).toMatchObject({ status: 'completed', itemsSynced: PRODUCTS });
  expect(await db.platformSyncLog.count({ where: { projectId, status: 'started' } })).toBe(0);
}

beforeAll(async () => {
  build = await buildApp();
  sandbox = await startSandbox({ port: 0, seed: 'none', appConfig: { apiKey: API_KEY, apiSecret: API_SECRET } });
  await control('shopify/shops', { domain: SHOP, plan: 'standard', currencyCode: 'USD', install: true, generate: { count: PRODUCTS, variantsPerProduct: 1, prefix: 'SHUT' } });
  ({ url: databaseUrl, drop: dropDatabase } = freshDatabase(postgres, 'syncstop'));
  // One after the other: the first migrates the new database.
  for (let i = 0; i < 3; i++) await startInstance();
  await control('shopify/apps', { apiKey: API_KEY, applicationUrl: instances[0]!.url, redirectUrls: [`${instances[0]!.url}/auth/callback`] });
  db = createDb(databaseUrl);
  // The shop's first API call installs it (token exchange).
  const hello = await api(instances[0]!, '/api/platforms');
  expect(hello.status, await hello.clone().text()).toBe(200);
  projectId = (await db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } })).id;
}, 400_000);

afterEach(async () => {
  await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
});

afterAll(async () => {
  for (const instance of instances) await instance.stop('SIGKILL').catch(() => undefined);
  await db?.$disconnect().catch(() => undefined);
  await sandbox?.close().catch(() => undefined);
  await dropDatabase?.().catch(() => undefined);
});

describe(`a catalog sync handed back on SIGTERM (${postgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  const dump = () => {
    for (const instance of instances) console.error(`instance ${instance.pid}:\n${instance.lines().slice(-15).join('\n')}\n${instance.stderr().slice(-3000)}`);
  };

  it('the run stops at its next page inside the budget: exit 0, the run reads interrupted, another instance opens a new run at once', async () => {
    onTestFailed(dump);
    const [victim, other] = [instances[0]!, instances[1]!];
    await slowShopify(800);
    const started = await startSync(victim);
    expect(started.alreadyRunning).toBe(false);
    // Mid-sync: a page stored, more to come.
    await waitFor('the first page stored', async () => {
      const run = await db.platformSyncLog.findUniqueOrThrow({ where: { id: started.syncId } });
      return run.status === 'started' && run.itemsSynced > 0;
    }, 60_000, 50);
    // Held by the victim: another instance is answered with its run.
    expect(await startSync(other)).toEqual({ syncId: started.syncId, alreadyRunning: true });

    const run = await stopMidRun(victim, started.syncId);
    expect(run.itemsSynced).toBeGreaterThan(0);
    await nextRunOn(other, started.syncId);
  });

  it('a page that outlasts the budget: the shutdown closes the run and frees the lease itself, exit 0, another instance opens a new run at once', async () => {
    onTestFailed(dump);
    const [victim, other] = [instances[1]!, instances[2]!];
    // Every Shopify call now takes longer than the whole shutdown.
    await slowShopify(30_000);
    const started = await startSync(victim);
    expect(started.alreadyRunning).toBe(false);
    expect(await startSync(other)).toEqual({ syncId: started.syncId, alreadyRunning: true });

    await stopMidRun(victim, started.syncId);
    await nextRunOn(other, started.syncId);
  });
});
