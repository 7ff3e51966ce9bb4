// The bounded webhook load, one database per test file (the app keeps one Prisma client per process):
// 400 products/update deliveries over real HTTP with valid HMACs, 10% duplicates, some out of order,
// then from the database: none lost, none applied twice, the newest state of every product kept.
// No timing assertions here: speed is measured by `npm run bench:webhooks`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseProvider } from '@calibr/db';
import { LOAD_API_SECRET, startLoadWorld, type LoadWorld } from './support/load-world';
import { drainDeliveries, planWebhookLoad, seedLoadCatalog, sendDeliveries, verifyLoad } from './support/webhook-load';

export function webhookLoadSuite(provider: DatabaseProvider): void {
  const shop = `h9-load-${provider}.myshopify.com`;
  let world: LoadWorld;
  beforeAll(async () => {
    world = await startLoadWorld(provider, shop);
  });
  afterAll(() => world?.close());

  it(`400 deliveries with duplicates and out-of-order updates: none lost, none applied twice, newest state wins (${provider})`, async () => {
    const plan = planWebhookLoad({ shop, secret: LOAD_API_SECRET, deliveries: 400, products: 40, seed: 9 });
    expect(plan.deliveries.filter((d) => d.duplicate).length).toBe(40);
    await seedLoadCatalog(world.database.db, plan);
    const catalog = await sendDeliveries(world.app.url, shop, plan.catalog, 8);
    expect(await drainDeliveries(world.database.db, shop, 60_000)).toBe(true);
    const load = await sendDeliveries(world.app.url, shop, plan.deliveries, 8);
    expect(load.failures).toEqual({});
    expect(load.duplicatesAnswered).toBe(40);
    expect(await drainDeliveries(world.database.db, shop, 90_000)).toBe(true);

    const verdict = await verifyLoad(world.database.db, plan, [catalog, load]);
    expect(verdict.detail).toMatchObject({ distinctSent: 400, notAcknowledged: 0, errors: [] });
    expect({ lost: verdict.lost, doubled: verdict.doubled }).toEqual({ lost: 0, doubled: 0 });
    // The subscription's delivery health counted every delivery once and every duplicate as ignored
    // (counts are written a few times a second, not in the reply path: wait for the next write).
    const counts = async () => {
      const sub = await world.database.db.shopifyWebhookSubscription.findFirstOrThrow({ where: { topic: 'products/update', project: { shopDomain: shop } } });
      return { received: sub.deliveriesReceived, duplicates: sub.duplicatesIgnored };
    };
    await expect.poll(counts, { timeout: 10_000, interval: 100 }).toEqual({ received: 400, duplicates: 40 });
  }, 300_000);
}
