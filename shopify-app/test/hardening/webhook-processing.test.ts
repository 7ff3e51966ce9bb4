// Webhook processing on each database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set):
// - two first deliveries of a brand-new product written at once both succeed (the listing is created by
//   one and updated by the other; no unique-constraint failure), and the newest state wins;
// - two processors (two app instances) draining one database at once process every delivery exactly once;
// - a delivery recorded while a processing transaction is open survives that transaction's rollback (on
//   SQLite, Prisma's adapter shares one connection, so an unguarded write would join the transaction);
// - a delivery whose job is left `running` under an expired lease (its instance died) is claimed and
//   processed by another instance; one under a live lease is left to its holder;
// - a delivery whose handler always throws ends `failed` with its reason and counted once on its
//   subscription, never `processing` for ever, also when its instance died on every attempt (nothing ran
//   to mark it: the webhook queue's onFailed hook does).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@calibr/db';
import { createTestDatabase, testDatabaseProviders, type TestDatabase } from '@calibr/db/testing';
import type { NormalizedProduct } from '@calibr/shared-contracts';
import { planWebhookLoad, priceOf, productGid, seedLoadCatalog, seedLoadShop, verifyLoad, type LoadPlan } from './support/webhook-load';

import type * as ListingsModule from '../../app/platforms/shopify/listings.server';
import type * as ProcessorModule from '../../app/platforms/shopify/webhooks/processor.server';
import type * as PortableSqlModule from '../../app/lib/portable-sql.server';
import type * as WebhookJobsModule from '../../app/platforms/shopify/webhooks/webhook-jobs.server';
import type * as JobsModule from '../../app/jobs.server';
import type { ShopifyChecks } from '../../app/platforms/shopify/webhooks/shopify-checks.server';
import { waitFor } from '../support/wait-for';

let listings: typeof ListingsModule;
let processor: typeof ProcessorModule;
let portableSql: typeof PortableSqlModule;
let webhookJobs: typeof WebhookJobsModule;
let appJobs: typeof JobsModule;
let appDb: TestDatabase;

beforeAll(async () => {
  // The app's modules open their default client at import: point it at a throwaway database.
  appDb = await createTestDatabase({ provider: 'sqlite' });
  process.env.DATABASE_URL = appDb.url;
  listings = await import('../../app/platforms/shopify/listings.server');
  processor = await import('../../app/platforms/shopify/webhooks/processor.server');
  portableSql = await import('../../app/lib/portable-sql.server');
  webhookJobs = await import('../../app/platforms/shopify/webhooks/webhook-jobs.server');
  appJobs = await import('../../app/jobs.server');
});
afterAll(() => appDb?.cleanup());

function product(version: number): NormalizedProduct {
  const updatedAt = new Date(Date.parse('2030-01-01T00:00:00Z') + version * 1000).toISOString();
  return {
    platform: 'shopify',
    externalId: productGid(7),
    title: 'Race product',
    status: 'active',
    updatedAt,
    listings: [0, 1].map((v) => ({
      platform: 'shopify' as const,
      externalId: `gid://shopify/ProductVariant/race-${v}`,
      productExternalId: productGid(7),
      sku: `RACE-${v}`,
      normalizedSku: `RACE-${v}`,
      title: `Race product – Size ${v}`,
      status: 'active' as const,
      price: { amount: priceOf(7, version), currency: 'USD' },
      compareAtPrice: null,
    })),
  };
}

/** Record `plan`'s deliveries as the receive path does (status received, with their jobs), without sending them. */
async function record(database: TestDatabase, plan: LoadPlan, deliveries = plan.deliveries) {
  let at = Date.now();
  for (const d of deliveries) {
    const row = await database.db.processedWebhook.create({
      data: { webhookId: d.webhookId, topic: 'products/update', shop: plan.shop, payload: JSON.parse(d.body) as object, receivedAt: new Date(at++) },
    });
    await appJobs.jobsOn(database.db).enqueueMany(webhookJobs.webhookJobs([row]));
  }
}

/** The delivery jobs of these ProcessedWebhook rows. */
function jobsOf(database: TestDatabase, ids: string[]) {
  return database.db.job.findMany({ where: { queue: appJobs.QUEUES.webhooks, key: { in: ids } } });
}

const acknowledgedAll = (plan: LoadPlan) => [
  { seconds: 0, latenciesMs: [], failures: {}, duplicatesAnswered: 0, acknowledged: new Set([...plan.catalog, ...plan.deliveries].map((d) => d.webhookId)) },
];

describe.each(testDatabaseProviders())('webhook processing (%s)', (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ provider });
  });
  afterAll(() => database?.cleanup());

  it('concurrent first deliveries of a new product all succeed; the newest state wins', async () => {
    const projectId = await seedLoadShop(database.db, `race-${provider}.myshopify.com`);
    const versions = [3, 1, 8, 2, 5, 4, 7, 6];
    const results = await Promise.allSettled(versions.map((v) => listings.upsertShopifyProducts(projectId, [product(v)], new Date(), database.db)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const rows = await database.db.listing.findMany({ where: { projectId, productExternalId: productGid(7) }, orderBy: { externalId: 'asc' } });
    expect(rows.map((r) => [r.externalId, r.priceAmount])).toEqual([
      ['gid://shopify/ProductVariant/race-0', priceOf(7, 8)],
      ['gid://shopify/ProductVariant/race-1', priceOf(7, 8)],
    ]);
  });

  it('two processors draining one database at once process every delivery exactly once', async () => {
    const shop = `two-${provider}.myshopify.com`;
    await seedLoadShop(database.db, shop);
    const plan = planWebhookLoad({ shop, secret: 'unused', deliveries: 300, products: 30, duplicateRate: 0, seed: 5 });
    await seedLoadCatalog(database.db, plan);
    await record(database, plan, plan.catalog);
    await record(database, plan);
    // Each instance with its own client, as two app processes have: on SQLite one client is one connection,
    // whose transactions only take turns, so two instances sharing it would never race.
    const other = createDb(database.url);
    const a = new processor.WebhookProcessor({ client: () => database.db, instanceId: 'instance-a', batchSize: 20, coalesceMs: 0 });
    const b = new processor.WebhookProcessor({ client: () => other, instanceId: 'instance-b', batchSize: 20, coalesceMs: 0 });
    let leftovers: Array<{ status: string; claimedBy: string | null; lastError: string | null }> = [];
    try {
      await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
      const open = await database.db.processedWebhook.findMany({ where: { shop, status: { not: 'processed' } }, select: { id: true, status: true, lastError: true } });
      const openJobs = new Map((await jobsOf(database, open.map((r) => r.id))).map((j) => [j.key, j]));
      leftovers = open.map((r) => ({ status: r.status, lastError: r.lastError, claimedBy: openJobs.get(r.id)?.claimedBy?.replace(/\/.*$/, '') ?? null }));
      // On SQLite the two connections take turns on the file's write lock through its busy timeout; on a
      // loaded machine a batch can outwait it: the instance pauses and the batch stays under its lease (or
      // is retried later), to be taken again once that runs out. Let it run out now, and drain again.
      if (provider === 'sqlite' && leftovers.length > 0) {
        await database.db.job.updateMany({ where: { queue: appJobs.QUEUES.webhooks, key: { in: open.map((r) => r.id) } }, data: { leaseUntil: new Date(0), runAt: new Date(0) } });
        await a.drain();
      }
      await Promise.all([a.stop(), b.stop()]);
    } finally {
      await other.$disconnect();
    }
    const totals = JSON.stringify({ a: a.totals, b: b.totals, leftovers: leftovers.length, claimedBy: [...new Set(leftovers.map((r) => r.claimedBy))], errors: [...new Set(leftovers.map((r) => r.lastError))] });
    // Both took part: each processed deliveries, or claimed some it could not finish (the race happened).
    for (const [instance, p] of [['instance-a', a], ['instance-b', b]] as const) {
      expect(p.totals.processed + leftovers.filter((r) => r.claimedBy === instance).length, `${instance}: ${totals}`).toBeGreaterThan(0);
    }
    if (provider === 'postgresql') expect(leftovers, totals).toEqual([]);
    expect(a.totals.processed + b.totals.processed, totals).toBe(plan.catalog.length + plan.deliveries.length);
    expect(a.totals.failed + b.totals.failed, totals).toBe(0);
    const verdict = await verifyLoad(database.db, plan, acknowledgedAll(plan));
    expect(verdict.detail.errors).toEqual([]);
    // A batch taken again after its instance paused counts one more attempt per delivery, never a second effect.
    expect({ lost: verdict.lost, extraRows: verdict.detail.extraRows, duplicateAuditEntries: verdict.detail.duplicateAuditEntries, reprocessed: verdict.detail.reprocessed }, totals).toEqual({
      lost: 0,
      extraRows: 0,
      duplicateAuditEntries: 0,
      reprocessed: leftovers.length,
    });
  });

  it('a write recorded while a transaction is open survives the transaction rolling back', async () => {
    const { transaction } = portableSql;
    const db = database.db;
    let inside!: () => void;
    let release!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    const released = new Promise<void>((r) => (release = r));
    let open = false;
    const rolledBack = transaction(db, async (tx) => {
      await tx.processedWebhook.create({ data: { webhookId: `tx-${provider}`, topic: 'products/update', shop: 'gate.myshopify.com' } });
      open = true;
      inside();
      await released;
      open = false;
      throw new Error('the batch failed');
    });
    // The transaction is open (a transaction that fails first fails the test here, it doesn't skip the race).
    await Promise.race([opened, rolledBack]);
    expect(open).toBe(true);
    // A plain write on the global client, as the receive path makes it (no gate of the caller's own), set
    // off now (`.then`: a Prisma query runs only once something awaits it), while the transaction is open.
    let recordedWhileOpen: boolean | undefined;
    const recorded = db.processedWebhook.create({ data: { webhookId: `ack-${provider}`, topic: 'products/update', shop: 'gate.myshopify.com' } }).then((row) => {
      recordedWhileOpen ??= open;
      return row;
    });
    if (provider === 'postgresql') {
      // Its own pooled connection: the write completes while the transaction is still open.
      await recorded;
      expect(recordedWhileOpen).toBe(true);
    } else {
      // One connection: the write waits for the transaction. Ungated, it would finish inside the transaction
      // within this bound and be rolled back with it (the bound only gives a broken gate time to show).
      await Promise.race([recorded, new Promise((r) => setTimeout(r, 1000))]);
    }
    release();
    await expect(rolledBack).rejects.toThrow('the batch failed');
    await recorded;
    if (provider === 'sqlite') expect(recordedWhileOpen, 'waited for the transaction').toBe(false);
    const rows = await db.processedWebhook.findMany({ where: { shop: 'gate.myshopify.com' }, select: { webhookId: true } });
    expect(rows.map((r) => r.webhookId)).toEqual([`ack-${provider}`]);
  });

  it('a delivery under an expired lease is claimed by another instance; one under a live lease is not', async () => {
    const shop = `lease-${provider}.myshopify.com`;
    await seedLoadShop(database.db, shop);
    const plan = planWebhookLoad({ shop, secret: 'unused', deliveries: 2, products: 1, duplicateRate: 0, seed: 6 });
    await seedLoadCatalog(database.db, plan);
    const [expired, live] = plan.catalog.concat(plan.deliveries).slice(0, 2);
    const now = Date.now();
    for (const [d, leaseUntil] of [
      [expired!, new Date(now - 1000)],
      [live!, new Date(now + 60_000)],
    ] as const) {
      const row = await database.db.processedWebhook.create({
        data: { webhookId: d.webhookId, topic: 'products/update', shop, payload: JSON.parse(d.body) as object, status: 'processing', attempts: 1 },
      });
      await database.db.job.create({
        data: { queue: appJobs.QUEUES.webhooks, key: row.id, status: 'running', attempts: 1, maxAttempts: 12, runAt: row.receivedAt, claimedBy: `dead-${randomUUID()}`, leaseUntil },
      });
    }
    const p = new processor.WebhookProcessor({ client: () => database.db, instanceId: 'survivor', coalesceMs: 0 });
    await p.drain();
    await p.stop();
    const rows = await database.db.processedWebhook.findMany({ where: { shop }, select: { webhookId: true, status: true, attempts: true } });
    const byId = new Map(rows.map((r) => [r.webhookId, r]));
    expect(byId.get(expired!.webhookId)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(byId.get(live!.webhookId)).toMatchObject({ status: 'processing', attempts: 1 });
  });

  /** A shop with one products/update subscription and one delivery of a product the shop isn't known to have (so the handler asks Shopify). */
  async function oneDelivery(name: string, seed: number) {
    const shop = `${name}-${provider}.myshopify.com`;
    const projectId = await seedLoadShop(database.db, shop);
    const plan = planWebhookLoad({ shop, secret: 'unused', deliveries: 1, products: 1, duplicateRate: 0, seed });
    const d = plan.deliveries[0]!;
    const row = await database.db.processedWebhook.create({ data: { webhookId: d.webhookId, topic: 'products/update', shop, projectId, payload: JSON.parse(d.body) as object } });
    return { shop, row };
  }
  const subscriptionOf = (shop: string) => database.db.shopifyWebhookSubscription.findFirstOrThrow({ where: { project: { shopDomain: shop } } });

  it('a delivery whose handler always throws ends failed with the reason, counted once on its subscription', async () => {
    const { shop, row } = await oneDelivery('throws', 7);
    await appJobs.jobsOn(database.db).enqueueMany(webhookJobs.webhookJobs([row]));
    const broken = { readProduct: () => Promise.reject(new Error('handler broke')) } as unknown as ShopifyChecks;
    const p = new processor.WebhookProcessor({ client: () => database.db, instanceId: 'throws', coalesceMs: 0, shopify: broken });
    // Its retries are due after a short backoff: drain until the delivery settles.
    const settled = await waitFor('the delivery to settle', async () => {
      await p.drain();
      const now = await database.db.processedWebhook.findUniqueOrThrow({ where: { id: row.id } });
      return now.status === 'failed' && now;
    });
    await p.drain(); // the queue's onFailed follow-up runs too, and changes nothing more
    await p.stop();
    expect(settled).toMatchObject({ status: 'failed', attempts: 3, lastError: 'unknown: handler broke' });
    expect(await database.db.processedWebhook.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'failed', lastError: 'unknown: handler broke' });
    expect(await database.db.job.findMany({ where: { key: row.id }, select: { queue: true, status: true } })).toEqual(
      expect.arrayContaining([
        { queue: appJobs.QUEUES.webhooks, status: 'failed' },
        { queue: `${appJobs.QUEUES.webhooks}:failed`, status: 'completed' },
      ]),
    );
    expect(await subscriptionOf(shop)).toMatchObject({ deliveriesFailed: 1, lastError: 'unknown: handler broke' });
  });

  it('a delivery whose instance died on every attempt ends failed (not processing), with why, on its subscription', async () => {
    const { shop, row } = await oneDelivery('dies', 8);
    // As the instances left it: each claimed the job, marked the delivery processing, and died (lease expired).
    const maxAttempts = webhookJobs.WEBHOOK_MAX_ATTEMPTS;
    await database.db.processedWebhook.update({ where: { id: row.id }, data: { status: 'processing', attempts: maxAttempts } });
    await database.db.job.create({
      data: { queue: appJobs.QUEUES.webhooks, key: row.id, status: 'running', attempts: maxAttempts, maxAttempts, runAt: row.receivedAt, claimedBy: `dead-${randomUUID()}`, leaseUntil: new Date(Date.now() - 1000) },
    });
    let asked = false;
    const watching = { readProduct: () => ((asked = true), Promise.resolve(null)) } as unknown as ShopifyChecks;
    const p = new processor.WebhookProcessor({ client: () => database.db, instanceId: 'survivor', coalesceMs: 0, shopify: watching });
    await p.drain();
    await p.stop();
    expect(asked).toBe(false); // the delivery that killed its instances is not run again
    const reason = `gave up: lease expired on each of ${maxAttempts} attempts`;
    expect(await database.db.processedWebhook.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'failed', attempts: maxAttempts, lastError: reason });
    expect(await subscriptionOf(shop)).toMatchObject({ deliveriesFailed: 1, lastError: reason });
  });
});
