// Recording deliveries with group commit (app/platforms/shopify/webhooks/delivery-recorder.server.ts), on each database
// (SQLite always, PostgreSQL when TEST_DATABASE_URL is set):
// - deliveries recorded at once, one id among them twice and one recorded before: every new id is written
//   once and is in the database when its promise resolves, the repeats resolve as duplicates;
// - one X-Shopify-Event-Id delivered under another webhook id (Shopify sends one per subscription; a
//   replay may carry a fresh id) is a duplicate too, at once or later; per shop and topic, and never for no
//   event id (one shop's event id under another shop's domain never drops that shop's delivery);
// - a statement that fails rejects every delivery in it (each gets a 5xx, Shopify delivers it again) and
//   the recorder goes on writing later deliveries.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseProviders, type TestDatabase } from '@calibr/db/testing';
import { seedLoadShop } from './support/webhook-load';

import type * as RecorderModule from '../../app/platforms/shopify/webhooks/delivery-recorder.server';

let recorderModule: typeof RecorderModule;
beforeAll(async () => {
  recorderModule = await import('../../app/platforms/shopify/webhooks/delivery-recorder.server');
});

function delivery(shop: string, webhookId = randomUUID(), payload: string | null = '{"id":1}', eventId: string | null = randomUUID()) {
  return { webhookId, eventId, topic: 'products/update', shop, apiVersion: '2025-07', triggeredAt: new Date('2030-01-01T00:00:00Z'), payload };
}

describe.each(testDatabaseProviders())('webhook delivery recorder (%s)', (provider) => {
  const shop = `h9-recorder-${provider}.myshopify.com`;
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ provider });
    await seedLoadShop(database.db, shop);
  });
  afterAll(() => database?.cleanup());

  it('writes each new id once, answers repeats as duplicates, and every answer comes after its row is written', async () => {
    const project = await database.db.project.findUniqueOrThrow({ where: { shopDomain: shop }, select: { id: true } });
    const recorder = new recorderModule.DeliveryRecorder(() => database.db);
    const earlier = delivery(shop);
    expect(await recorder.record(earlier)).toEqual({ projectId: project.id });

    const fresh = Array.from({ length: 30 }, () => delivery(shop));
    const twice = fresh[3]!;
    const all = [...fresh, { ...twice }, { ...earlier }];
    const answers = await Promise.all(
      all.map(async (d) => {
        const answer = await recorder.record(d);
        // Committed by the time the caller hears back (the 200 is sent only then).
        const row = await database.db.processedWebhook.findUnique({ where: { webhookId: d.webhookId }, select: { status: true, shop: true } });
        return { answer, row };
      }),
    );
    expect(answers.slice(0, 30).map((a) => a.answer)).toEqual(fresh.map(() => ({ projectId: project.id })));
    expect(answers.slice(30).map((a) => a.answer)).toEqual([undefined, undefined]);
    expect(answers.every((a) => a.row?.status === 'received' && a.row.shop === shop)).toBe(true);
    expect(await database.db.processedWebhook.count({ where: { shop } })).toBe(31);
  });

  it('one event id under other webhook ids is a duplicate (per topic); deliveries without one never collide', async () => {
    const recorder = new recorderModule.DeliveryRecorder(() => database.db);
    const event = randomUUID();
    expect(await recorder.record(delivery(shop, randomUUID(), '{}', event))).toBeDefined();
    // Later under a fresh webhook id, and twice more in one statement.
    expect(await recorder.record(delivery(shop, randomUUID(), '{}', event))).toBeUndefined();
    const other = randomUUID();
    const together = await Promise.all([delivery(shop, randomUUID(), '{}', other), delivery(shop, randomUUID(), '{}', other)].map((d) => recorder.record(d)));
    expect(together.filter((a) => a !== undefined)).toHaveLength(1);
    // The same event id on another topic is another delivery; no event id at all never conflicts.
    expect(await recorder.record({ ...delivery(shop, randomUUID(), '{}', event), topic: 'app/scopes_update' })).toBeDefined();
    const without = await Promise.all([delivery(shop, randomUUID(), '{}', null), delivery(shop, randomUUID(), '{}', null)].map((d) => recorder.record(d)));
    expect(without.every((a) => a !== undefined)).toBe(true);
    expect(await database.db.processedWebhook.count({ where: { eventId: event } })).toBe(2);
  });

  it('event ids are per shop: the same event id under another shop is that shop\'s own delivery, and a duplicate there too', async () => {
    const recorder = new recorderModule.DeliveryRecorder(() => database.db);
    const otherShop = `h9-recorder-other-${provider}.myshopify.com`;
    const event = randomUUID();
    expect(await recorder.record(delivery(shop, randomUUID(), '{}', event))).toBeDefined();
    // In one statement and later: each shop keeps its own first delivery of the event.
    const together = await Promise.all([delivery(otherShop, randomUUID(), '{}', event), delivery(shop, randomUUID(), '{}', event)].map((d) => recorder.record(d)));
    expect(together.map((a) => a !== undefined)).toEqual([true, false]);
    expect(await recorder.record(delivery(otherShop, randomUUID(), '{}', event))).toBeUndefined();
    const rows = await database.db.processedWebhook.findMany({ where: { eventId: event }, select: { shop: true } });
    expect(rows.map((r) => r.shop).sort()).toEqual([shop, otherShop].sort());
  });

  it('a failed statement rejects every delivery in it; later deliveries are written', async () => {
    const recorder = new recorderModule.DeliveryRecorder(() => database.db);
    // A row both databases refuse: the topic column is NOT NULL.
    const bad = { ...delivery(shop), topic: null as unknown as string };
    const together = [delivery(shop), bad, delivery(shop)];
    const outcomes = await Promise.allSettled(together.map((d) => recorder.record(d)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const ids = together.map((d) => d.webhookId);
    expect(await database.db.processedWebhook.count({ where: { webhookId: { in: ids } } })).toBe(0);

    const later = delivery(shop);
    expect(await recorder.record(later)).toBeDefined();
    expect(await database.db.processedWebhook.count({ where: { webhookId: later.webhookId } })).toBe(1);
  });
});
