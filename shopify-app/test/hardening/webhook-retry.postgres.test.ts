// In-process retry after a real transient fault, on PostgreSQL: while the products/update delivery is
// being processed, its database connection is killed (pg_terminate_backend, as a failover or an admin
// would). The delivery was already acknowledged; the processor must see a transient failure, schedule a
// retry with backoff, and apply the delivery later in the same process, with no restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@calibr/db';
import { POSTGRES_SKIP_REASON, hasTestPostgres } from '@calibr/db/testing';
import { LOAD_API_SECRET, startLoadWorld, type LoadWorld } from './support/load-world';
import { drainDeliveries, planWebhookLoad, priceOf, productGid, seedLoadCatalog, sendDeliveries } from './support/webhook-load';

const SHOP = 'h9-retry.myshopify.com';
let world: LoadWorld;
let locker: Db;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (!hasTestPostgres()) console.warn(`webhook retry on PostgreSQL: ${POSTGRES_SKIP_REASON}`);
describe.skipIf(!hasTestPostgres())('webhook processing retried in process after a transient fault (PostgreSQL)', () => {
  beforeAll(async () => {
    world = await startLoadWorld('postgresql', SHOP);
    locker = createDb(world.database.url);
  });
  afterAll(async () => {
    await locker?.$disconnect();
    await world?.close();
  });

  it('a delivery whose database connection is terminated mid-processing is retried and applied without a restart', async () => {
    const plan = planWebhookLoad({ shop: SHOP, secret: LOAD_API_SECRET, deliveries: 1, products: 1, duplicateRate: 0, seed: 3 });
    await seedLoadCatalog(world.database.db, plan);
    expect((await sendDeliveries(world.app.url, SHOP, plan.catalog, 1)).failures).toEqual({});
    expect(await drainDeliveries(world.database.db, SHOP, 60_000)).toBe(true);
    const delivery = plan.deliveries[0]!;

    // Hold the Listing table so the processing of the next delivery waits on it, mid-transaction.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const holder = locker.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe('LOCK TABLE "Listing" IN ACCESS EXCLUSIVE MODE');
        locked();
        await released;
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
    try {
      await lockTaken;
      expect((await sendDeliveries(world.app.url, SHOP, [delivery], 1)).failures).toEqual({});

      // The app's backend waiting for our lock: kill its connection.
      const waiting = await waitFor('the app to wait on the Listing lock', async () => {
        const rows = await locker.$queryRawUnsafe<Array<{ pid: number }>>(`SELECT pid FROM pg_locks WHERE NOT granted AND relation = '"Listing"'::regclass`);
        return rows.length > 0 ? rows : undefined;
      });
      for (const { pid } of waiting) await locker.$queryRawUnsafe('SELECT pg_terminate_backend($1)', pid);

      // The failure is recorded as transient and a retry scheduled, not a final failure.
      const failedOnce = await waitFor('the transient failure to be recorded', async () => {
        const row = await world.database.db.processedWebhook.findUnique({ where: { webhookId: delivery.webhookId } });
        return row?.lastError?.startsWith('transient') ? row : undefined;
      });
      expect(failedOnce.status).not.toBe('failed');
      // Its job was retried (queued after a backoff; by now perhaps claimed again), not failed.
      const job = await world.database.db.job.findUniqueOrThrow({ where: { queue_key: { queue: 'shopify.webhooks', key: failedOnce.id } } });
      expect(job.status).not.toBe('failed');
      expect(job.lastError).toMatch(/^transient/);
    } finally {
      release();
      await holder;
    }

    // Retried by the same running app once the database answers again.
    const done = await waitFor('the retry to apply the delivery', async () => {
      const row = await world.database.db.processedWebhook.findUnique({ where: { webhookId: delivery.webhookId } });
      return row?.status === 'processed' ? row : undefined;
    });
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(done.lastError).toBeNull();
    const listings = await world.database.db.listing.findMany({ where: { productExternalId: productGid(0) } });
    expect(listings.map((l) => l.priceAmount)).toEqual([priceOf(0, 1), priceOf(0, 1)]);
  });
});
