// Webhook duplicates after the job engine pruned the delivery's job, on each database (SQLite always,
// PostgreSQL when TEST_DATABASE_URL is set). Shopify retries a delivery for 48 hours and a replay may come
// any time later: what makes it a duplicate is the ProcessedWebhook row (unique webhook id; unique event id
// per shop and topic), which stays, not the delivery's job, which the engine deletes after its retention.
// - a processed delivery whose job was pruned: the same X-Shopify-Webhook-Id again, and its
//   X-Shopify-Event-Id under a fresh webhook id, are both duplicates; no job is queued, nothing runs again;
// - a delivery whose job failed (its worker died on every attempt) and was pruned is not queued again by
//   the start-up sweep; one recorded by hand without a job still is.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerOf } from '@calibr/db';
import { createTestDatabase, testDatabaseProviders, type TestDatabase } from '@calibr/db/testing';
import { Jobs } from '@calibr/jobs';
import { planWebhookLoad, seedLoadCatalog, seedLoadShop } from './support/webhook-load';

import type * as RecorderModule from '../../app/platforms/shopify/webhooks/delivery-recorder.server';
import type * as ProcessorModule from '../../app/platforms/shopify/webhooks/processor.server';
import type * as JobsModule from '../../app/jobs.server';

const DAY = 24 * 60 * 60_000;

let recorder: typeof RecorderModule;
let processor: typeof ProcessorModule;
let appJobs: typeof JobsModule;
let appDb: TestDatabase;

beforeAll(async () => {
  // The app's modules open their default client at import: point it at a throwaway database.
  appDb = await createTestDatabase({ provider: 'sqlite' });
  process.env.DATABASE_URL = appDb.url;
  recorder = await import('../../app/platforms/shopify/webhooks/delivery-recorder.server');
  processor = await import('../../app/platforms/shopify/webhooks/processor.server');
  appJobs = await import('../../app/jobs.server');
});
afterAll(() => appDb?.cleanup());

describe.each(testDatabaseProviders())('webhook duplicates after job pruning (%s)', (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ provider });
  });
  afterAll(() => database?.cleanup());

  /** The app's engine as it will be `days` from now: its prune is the one the workers' housekeeping runs. */
  const engineIn = (days: number) => new Jobs({ db: database.db, dialect: providerOf(database.db), clock: () => new Date(Date.now() + days * DAY) });
  const webhookJobs = () => database.db.job.count({ where: { queue: appJobs.QUEUES.webhooks } });

  it('a processed delivery whose job was pruned is still a duplicate, by webhook id and by event id', async () => {
    const shop = `prune-dedupe-${provider}.myshopify.com`;
    await seedLoadShop(database.db, shop);
    const plan = planWebhookLoad({ shop, secret: 'unused', deliveries: 1, products: 1, duplicateRate: 0, seed: 11 });
    await seedLoadCatalog(database.db, plan);
    const sent = plan.deliveries[0]!;
    const delivery = { webhookId: sent.webhookId, eventId: randomUUID(), topic: 'products/update', shop, apiVersion: '2026-10', triggeredAt: new Date(), payload: sent.body };

    const deliveries = new recorder.DeliveryRecorder(() => database.db);
    expect(await deliveries.record(delivery)).toBeDefined();
    const worker = new processor.WebhookProcessor({ client: () => database.db, instanceId: 'prune-a', coalesceMs: 0 });
    await worker.drain();
    await worker.stop();
    expect(worker.totals).toMatchObject({ processed: 1, failed: 0 });
    const row = await database.db.processedWebhook.findUniqueOrThrow({ where: { webhookId: delivery.webhookId } });
    expect(row).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await database.db.job.findUnique({ where: { queue_key: { queue: appJobs.QUEUES.webhooks, key: row.id } } })).toMatchObject({ status: 'completed' });

    // Past the completed jobs' retention: its job goes, the delivery's row stays.
    expect((await engineIn(8).prune()).deleted).toBeGreaterThanOrEqual(1);
    expect(await database.db.job.findUnique({ where: { queue_key: { queue: appJobs.QUEUES.webhooks, key: row.id } } })).toBeNull();
    const jobsBefore = await webhookJobs();

    // Shopify's retry of the same delivery, and the same event under a fresh webhook id (another
    // subscription, or a replay): both duplicates, no job queued for either.
    expect(await deliveries.record(delivery)).toBeUndefined();
    expect(await deliveries.record({ ...delivery, webhookId: randomUUID() })).toBeUndefined();
    expect(await database.db.processedWebhook.count({ where: { shop } })).toBe(1);
    expect(await webhookJobs()).toBe(jobsBefore);

    // A restart's sweep finds nothing to queue, and a processor finds nothing to do.
    const restarted = new processor.WebhookProcessor({ client: () => database.db, instanceId: 'prune-b', coalesceMs: 0 });
    expect(await restarted.queueOrphans()).toBe(0);
    await restarted.drain();
    await restarted.stop();
    expect(restarted.totals).toMatchObject({ processed: 0, failed: 0, retried: 0 });
    expect(await database.db.processedWebhook.findUniqueOrThrow({ where: { webhookId: delivery.webhookId } })).toMatchObject({ status: 'processed', attempts: 1 });
  });

  it("the start-up sweep never queues again a delivery whose failed job was pruned; one recorded without a job it does", async () => {
    const shop = `prune-sweep-${provider}.myshopify.com`;
    await seedLoadShop(database.db, shop);
    // Its worker died on every attempt: the engine failed its job, and the delivery reads `processing`.
    const died = await database.db.processedWebhook.create({ data: { webhookId: randomUUID(), topic: 'products/update', shop, status: 'processing', attempts: 12, payload: {} } });
    await database.db.job.create({
      data: { queue: appJobs.QUEUES.webhooks, key: died.id, status: 'failed', attempts: 13, maxAttempts: 12, lastError: 'lease expired on each of 12 attempts', completedAt: new Date() },
    });
    // Written by hand (or before the job engine): never attempted, no job.
    const byHand = await database.db.processedWebhook.create({ data: { webhookId: randomUUID(), topic: 'products/update', shop, payload: {} } });

    // The failed job is kept for an operator for its 30 days, then pruned.
    expect(await engineIn(29).prune()).toMatchObject({ deleted: 0 });
    expect(await database.db.job.count({ where: { key: died.id } })).toBe(1);
    await engineIn(31).prune();
    expect(await database.db.job.count({ where: { key: died.id } })).toBe(0);

    const sweep = new processor.WebhookProcessor({ client: () => database.db, instanceId: 'prune-c', coalesceMs: 0 });
    try {
      expect(await sweep.queueOrphans()).toBe(1);
    } finally {
      await sweep.stop();
    }
    const queued = await database.db.job.findMany({ where: { queue: appJobs.QUEUES.webhooks, key: { in: [died.id, byHand.id] } }, select: { key: true, status: true } });
    expect(queued).toEqual([{ key: byHand.id, status: 'queued' }]);
  });
});
