// Bulk price runs under API 2026-10, where Shopify runs up to five bulk mutations at once per shop: the
// connector tells its runs apart by id and by the key of ours each run's document carries, and records
// them in the database (ShopifyBulkRun) so every instance knows them. Two connector instances (each with
// its own database client, as two app processes have) run five batches at once; a sixth is refused by
// Shopify and goes later; a lost run answer among several running runs is recovered as our own run (not
// "the current one"); and a run whose answer and check were both lost is found by another instance (or the
// next process after a restart) from the database and read, never run again. Every price is checked live
// at the sandbox, and the sandbox's own log counts the runs Shopify finished. On SQLite, and on PostgreSQL
// with TEST_DATABASE_URL.
import { createDb, createTestDatabase, testDatabaseProviders, type Db, type TestDatabase } from '@calibr/db';
import type { PriceUpdate } from '@calibr/shared-contracts';
import { startSandbox, type RunningSandbox } from '@calibr/sandbox';
import { installSandboxRouting, uninstallSandboxRouting } from '@calibr/sandbox/routing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBulkRunStore } from '../../app/platforms/shopify/bulk-runs.server';
import { ShopifyConnector, ThrottleScheduler } from '../../app/platforms/shopify/connector';
import { sandboxControl } from '../support/app-http';
import { waitFor } from '../support/wait-for';

const API_KEY = 'b7c1d2e3f4a5968778695a4b3c2d1e0f';
const API_SECRET = 'shpss_bulk_runs_suite_secret_000000000001';
const GRAPHQL = '/admin/api/*/graphql.json';

interface SandboxProduct {
  id: number;
  variants: Array<{ id: number; price: string }>;
}

const gid = (kind: 'Product' | 'ProductVariant', id: number) => `gid://shopify/${kind}/${id}`;

describe.each(testDatabaseProviders())('Shopify bulk price runs, five at once, across instances (%s)', (provider) => {
  const shop = `calibr-bulk-runs-${provider}.myshopify.com`;
  let sandbox: RunningSandbox;
  let database: TestDatabase;
  let other: Db;
  let projectId: string;
  let token: string;
  let products: SandboxProduct[];
  let next = 0;
  let cents = 1000;

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
    // A second client on the same database: another instance of the app.
    other = createDb(database.url);
    sandbox = await startSandbox({ port: 0, seed: 'none', timeScale: 20, appConfig: { apiKey: API_KEY, apiSecret: API_SECRET } });
    installSandboxRouting(sandbox.url);
    await control('shopify/shops', { domain: shop, plan: 'standard', install: true, generate: { count: 40, variantsPerProduct: 2, prefix: 'BULKRUN' } });
    token = (await control<{ token: { access_token: string } }>(`shopify/shops/${shop}/install`, { apiKey: API_KEY })).token.access_token;
    products = (await control<{ products: SandboxProduct[] }>(`shopify/shops/${shop}/products`)).products;
    projectId = (await database.db.project.create({ data: { shopDomain: shop } })).id;
  }, 120_000);

  afterAll(async () => {
    uninstallSandboxRouting();
    await sandbox?.close();
    await (other as unknown as { $disconnect(): Promise<void> } | undefined)?.$disconnect();
    await database?.cleanup();
  });

  function control<T = unknown>(path: string, body?: unknown): Promise<T> {
    return sandboxControl<T>(sandbox, path, body);
  }

  /** One instance of the app's connector: its own store on its own database client. */
  function instance(db: Db): ShopifyConnector {
    const known = new Map(products.flatMap((p) => p.variants.map((v) => [gid('ProductVariant', v.id), { productId: gid('Product', p.id) }] as const)));
    return new ShopifyConnector({
      shop,
      token: { getAccessToken: async () => token },
      scheduler: new ThrottleScheduler(),
      locator: { locate: async (ids) => new Map(ids.flatMap((id) => (known.has(id) ? [[id, known.get(id)!] as const] : []))) },
      bulkMutationThreshold: 0,
      bulkPollIntervalMs: 50,
      bulkRuns: databaseBulkRunStore(db, projectId),
    });
  }

  /** The next `n` products' variants, each with a new price and a fresh idempotency key. */
  function batch(n: number, label: string): PriceUpdate[] {
    const picked = products.slice(next, next + n);
    next += n;
    expect(picked, 'enough products left').toHaveLength(n);
    return picked.flatMap((p) =>
      p.variants.map((v) => {
        cents += 7;
        return { idempotencyKey: `${label}:${v.id}`, externalId: gid('ProductVariant', v.id), price: { amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, currency: 'USD' } };
      }),
    );
  }

  async function livePrices(): Promise<Map<string, string>> {
    const live = (await control<{ products: SandboxProduct[] }>(`shopify/shops/${shop}/products`)).products;
    return new Map(live.flatMap((p) => p.variants.map((v) => [gid('ProductVariant', v.id), v.price] as const)));
  }

  const lastLogId = async () => (await control<{ lastId: number }>('log?limit=1')).lastId;
  /** Bulk mutations Shopify finished since `since`, from the sandbox's own events. */
  async function finishedRuns(since: number): Promise<Array<{ id: string; status: string; objectCount: number }>> {
    const log = await control<{ entries: Array<{ detail?: { event?: string; id?: number; status?: string; objectCount?: number } }> }>(`log?since=${since}&platform=shopify&kind=event`);
    return log.entries
      .filter((e) => e.detail?.event === 'bulk_operations/finish')
      .map((e) => ({ id: `gid://shopify/BulkOperation/${e.detail!.id}`, status: e.detail!.status!, objectCount: e.detail!.objectCount ?? 0 }));
  }

  /** The shop's bulk mutations not finished yet, as Shopify lists them (bulkOperations). */
  async function unfinished(): Promise<string[]> {
    const res = await fetch(`https://${shop}/admin/api/2026-10/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
      body: JSON.stringify({ query: `{ bulkOperations(first: 10, query: "operation_type:mutation status:created OR operation_type:mutation status:running") { nodes { id } } }` }),
    });
    const body = (await res.json()) as { data: { bulkOperations: { nodes: Array<{ id: string }> } } };
    return body.data.bulkOperations.nodes.map((n) => n.id);
  }

  async function expectApplied(updates: PriceUpdate[], results: Awaited<ReturnType<ShopifyConnector['pricing']['batchUpdatePrices']>>) {
    expect(results.summary, JSON.stringify(results.results.find((r) => r.status === 'failed'))).toMatchObject({ total: updates.length, applied: updates.length });
    const live = await livePrices();
    for (const u of updates) expect(live.get(u.externalId), u.externalId).toBe(u.price.amount);
    const references = new Set(results.results.map((r) => (r.status === 'applied' ? `${r.platformReference?.kind}:${r.platformReference?.id}` : '')));
    expect(references.size, 'one bulk operation per batch').toBe(1);
    return [...references][0]!.replace(/^bulk_operation:/, '');
  }

  it('two instances run five batches at once, each its own bulk operation, recorded for both', async () => {
    const a = instance(database.db);
    const b = instance(other);
    const since = await lastLogId();
    // Each step of Shopify's work takes a second: the five overlap.
    await control(`shopify/shops/${shop}/bulk-pace`, { seconds: 1 });
    const batches = [batch(2, 'five-0'), batch(2, 'five-1'), batch(2, 'five-2'), batch(2, 'five-3'), batch(2, 'five-4')];
    const sends = batches.map((updates, i) => (i % 2 === 0 ? a : b).pricing.batchUpdatePrices(updates));
    await waitFor('five bulk mutations running at once', async () => ((await unfinished()).length === 5 ? true : undefined), 60_000, 50);
    const results = await Promise.all(sends);
    await control(`shopify/shops/${shop}/bulk-pace`, { seconds: 'off' });
    const operations = await Promise.all(batches.map((updates, i) => expectApplied(updates, results[i]!)));
    expect(new Set(operations).size, 'five distinct operations').toBe(5);
    const runs = await finishedRuns(since);
    expect(runs.map((r) => r.id).sort()).toEqual([...operations].sort());
    // Both instances see every run, by its id, settled.
    const rows = await other.shopifyBulkRun.findMany({ where: { projectId } });
    expect(rows.filter((r) => operations.includes(r.operationId ?? '')).map((r) => r.status)).toEqual(['settled', 'settled', 'settled', 'settled', 'settled']);
  }, 180_000);

  it('the sixth batch at once is refused by Shopify, goes again later, and is applied once', async () => {
    const a = instance(database.db);
    const b = instance(other);
    const since = await lastLogId();
    await control(`shopify/shops/${shop}/bulk-pace`, { seconds: 1 });
    const five = [batch(1, 'six-0'), batch(1, 'six-1'), batch(1, 'six-2'), batch(1, 'six-3'), batch(1, 'six-4')];
    const sends = five.map((updates, i) => (i % 2 === 0 ? a : b).pricing.batchUpdatePrices(updates));
    await waitFor('five bulk mutations running at once', async () => ((await unfinished()).length === 5 ? true : undefined), 60_000, 50);
    const sixth = batch(1, 'six-5');
    const refused = await b.pricing.batchUpdatePrices(sixth);
    expect(refused.summary.failed).toBe(sixth.length);
    for (const r of refused.results) {
      expect(r.status === 'failed' && r.reason).toBe('platform_unavailable');
      expect(r.status === 'failed' && r.retryable).toBe(true);
      expect(r.status === 'failed' && r.message).toMatch(/as many bulk mutations for this shop as it allows/);
    }
    const live = await livePrices();
    for (const u of sixth) expect(live.get(u.externalId)).not.toBe(u.price.amount);
    for (const [i, result] of (await Promise.all(sends)).entries()) await expectApplied(five[i]!, result);
    await control(`shopify/shops/${shop}/bulk-pace`, { seconds: 'off' });
    // Sent again (as the push does after its backoff, under fresh keys): applied by one run.
    const again = sixth.map((u) => ({ ...u, idempotencyKey: `${u.idempotencyKey}:retry-1` }));
    await expectApplied(again, await b.pricing.batchUpdatePrices(again));
    expect(await finishedRuns(since), 'five runs, then one for the sixth batch').toHaveLength(6);
  }, 180_000);

  it('a lost run answer among several running runs is recovered as our own run, not "the current one"', async () => {
    const a = instance(database.db);
    const b = instance(other);
    const since = await lastLogId();
    await control(`shopify/shops/${shop}/bulk-pace`, { seconds: 1 });
    const others = [batch(2, 'busy-0'), batch(2, 'busy-1'), batch(2, 'busy-2')];
    const busy = others.map((updates) => b.pricing.batchUpdatePrices(updates));
    await waitFor('three runs of the other instance going', async () => ((await unfinished()).length === 3 ? true : undefined), 60_000, 50);
    // Our run's answer is lost after Shopify started it; more runs start right after ours (the other instance).
    const fault = await control<{ id: string }>('faults', { platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'bulkOperationRunMutation', count: 1 });
    const ours = batch(2, 'lost');
    const send = a.pricing.batchUpdatePrices(ours);
    await waitFor('our run answer dropped', async () => {
      const faults = await control<{ faults: Array<{ id: string }> }>('faults');
      return faults.faults.some((x) => x.id === fault.id) ? undefined : true;
    }, 60_000, 20);
    const later = b.pricing.batchUpdatePrices(batch(1, 'busy-3'));
    const result = await send;
    const operation = await expectApplied(ours, result);
    const busyOps = await Promise.all(others.map(async (updates, i) => expectApplied(updates, await busy[i]!)));
    const laterOp = await (async () => {
      const r = await later;
      return r.results[0]!.status === 'applied' ? `${r.results[0]!.platformReference?.id}` : '';
    })();
    expect(busyOps, 'ours is none of the others').not.toContain(operation);
    expect(laterOp).not.toBe(operation);
    await control(`shopify/shops/${shop}/bulk-pace`, { seconds: 'off' });
    const runs = await finishedRuns(since);
    expect(runs.filter((r) => r.id === operation), 'our run ran once').toHaveLength(1);
    expect(runs, 'three busy runs, ours, and the later one: none run again').toHaveLength(5);
    const row = await database.db.shopifyBulkRun.findFirstOrThrow({ where: { projectId, operationId: operation } });
    expect(row.status).toBe('settled');
  }, 180_000);

  it('a run whose answer and check were both lost is found by another instance from the database, read, never run again', async () => {
    const a = instance(database.db);
    const since = await lastLogId();
    // Shopify's run takes a while, so the other instance finds it still going.
    await control(`shopify/shops/${shop}/bulk-pace`, { seconds: 2 });
    const run = await control<{ id: string }>('faults', { platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'bulkOperationRunMutation', count: 1 });
    const check = await control<{ id: string }>('faults', { platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'CalibrFindPriceRun' });
    const updates = batch(2, 'restart');
    const first = await a.pricing.batchUpdatePrices(updates);
    for (const r of first.results) {
      expect(r.status === 'failed' && r.retryable, 'retryable').toBe(true);
      expect(r.status === 'failed' && r.message).toMatch(/Shopify's bulk operations could not be read/);
    }
    const recorded = await other.shopifyBulkRun.findMany({ where: { projectId, status: 'starting' } });
    expect(recorded, 'the run asked for, its answer unknown, recorded for every instance').toHaveLength(1);
    expect(JSON.parse(recorded[0]!.variantIds)).toEqual(updates.map((u) => u.externalId));
    await fetch(`${sandbox.url}/_sandbox/faults/${check.id}`, { method: 'DELETE' });
    await fetch(`${sandbox.url}/_sandbox/faults/${run.id}`, { method: 'DELETE' });

    // Another instance (a fresh connector on its own client: a second process, or this one restarted) sends
    // the same changes under fresh keys, as the push does after a retryable failure.
    const restarted = instance(other);
    const again = updates.map((u) => ({ ...u, idempotencyKey: `${u.idempotencyKey}:retry-1` }));
    const operation = await expectApplied(again, await restarted.pricing.batchUpdatePrices(again));
    await control(`shopify/shops/${shop}/bulk-pace`, { seconds: 'off' });
    const runs = await finishedRuns(since);
    expect(runs, 'one run: the first one, read by the other instance').toEqual([{ id: operation, status: 'COMPLETED', objectCount: 2 }]);
    const row = await database.db.shopifyBulkRun.findFirstOrThrow({ where: { projectId, runKey: recorded[0]!.runKey } });
    expect(row).toMatchObject({ operationId: operation, status: 'settled' });
  }, 180_000);

  it('settled runs older than a week are dropped when a new run is recorded; recent ones stay', async () => {
    const old = await database.db.shopifyBulkRun.create({
      data: { projectId, shopDomain: shop, runKey: 'rold0000000000000', variantIds: '[]', stagedUploadPath: 'tmp/old.jsonl', status: 'settled', updatedAt: new Date(Date.now() - 8 * 24 * 3600_000) },
    });
    const recentCount = await database.db.shopifyBulkRun.count({ where: { projectId, status: 'settled' } });
    const updates = batch(1, 'prune');
    await expectApplied(updates, await instance(database.db).pricing.batchUpdatePrices(updates));
    expect(await database.db.shopifyBulkRun.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await database.db.shopifyBulkRun.count({ where: { projectId, status: 'settled' } }), 'the recent ones, and the new one').toBe(recentCount);
  }, 120_000);
});
