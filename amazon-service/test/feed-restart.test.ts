// A restart while Amazon is still processing a feed: the new process finds the feed in the database,
// resumes polling where the old one stopped, and finishes it. Until Amazon answers, results stay
// pending with the feed id. A feed stored before feeds were jobs (no job of its own) gets one at start.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_SELLER, US, connectDemoSeller, control, remoteConnector, startHarness, waitFor, type Harness } from './support/harness';

let h: Harness;
const SHOP = 'restart-shop.myshopify.com';

beforeAll(async () => {
  // Amazon takes ~6 s on this feed: long enough to stop the service in the middle.
  h = await startHarness({ amazon: { feedQueueSeconds: 1, feedProcessingSeconds: 6 } });
  await connectDemoSeller(h, SHOP);
});
afterAll(async () => h?.close());

it('resumes polling an IN_PROGRESS feed after a restart and finishes it', async () => {
  const seller = await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
  const skus = seller.listings.slice(0, 8).map((l) => l.sku);
  const updates = skus.map((sku, i) => ({ idempotencyKey: `restart-${sku}`, externalId: sku, marketplaceId: US, price: { amount: `${70 + i}.25`, currency: 'USD' } }));
  const batch = await (await remoteConnector(h, SHOP)).pricing.batchUpdatePrices!(updates);
  const feedId = batch.platformReference!.id;
  expect(batch.summary.pending).toBe(8);

  await waitFor('the first process to see IN_PROGRESS', async () => (await h.database.db.amazonPriceFeed.findFirst({ where: { feedId, status: 'IN_PROGRESS' } })) ?? undefined, 15_000);
  const pending = await (await remoteConnector(h, SHOP)).pricing.getUpdateResult!(`restart-${skus[0]}`);
  expect(pending).toMatchObject({ status: 'pending', platformReference: { kind: 'feed', id: feedId } });

  const firstWorker = h.service.worker.id;
  await h.restart();
  expect(h.service.worker.id).not.toBe(firstWorker);

  const done = await waitFor('the new process to finish the feed', async () => (await h.database.db.amazonPriceFeed.findFirst({ where: { feedId, status: 'DONE' } })) ?? undefined, 30_000);
  expect(done.pollCount).toBeGreaterThan(0);
  // The restarted process, asked as the app asks for pending outcomes.
  const { results } = await (await remoteConnector(h, SHOP)).pricing.getUpdateResults!(skus.map((sku) => `restart-${sku}`));
  expect(results.map((r) => r?.status)).toEqual(Array(8).fill('applied'));
  // One submission only: the restart resumed the poll, it did not send the feed again.
  const feeds = await control<{ feeds: { feedId: string }[] }>(h.sandbox, 'feeds');
  expect(feeds.feeds.filter((f) => f.feedId === feedId)).toHaveLength(1);
  expect(await h.database.db.amazonPriceFeed.count({ where: { projectId: done.projectId } })).toBe(1);
  const live = await control<{ listings: { sku: string; offers: { marketplaceId: string; price: string }[] }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
  expect(live.listings.find((l) => l.sku === skus[3])!.offers.find((o) => o.marketplaceId === US)!.price).toBe('73.25');
}, 90_000);

it('a feed without a job (stored before feeds were jobs) gets one at start and is finished', async () => {
  const seller = await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
  const skus = seller.listings.slice(8, 16).map((l) => l.sku); // enough to go as a feed
  const updates = skus.map((sku, i) => ({ idempotencyKey: `orphan-${sku}`, externalId: sku, marketplaceId: US, price: { amount: `${80 + i}.50`, currency: 'USD' } }));
  // Stored while no worker runs, then made an old row without a job: what a database from before the engine holds.
  await h.restart({ worker: false });
  const batch = await (await remoteConnector(h, SHOP)).pricing.batchUpdatePrices!(updates);
  expect(batch.summary.pending).toBe(8);
  const feed = await h.database.db.amazonPriceFeed.findFirstOrThrow({ where: { feedId: batch.platformReference!.id } });
  expect(await h.database.db.amazonJob.deleteMany({ where: { queue: 'amazon.feeds', key: feed.id } })).toEqual({ count: 1 });
  await h.database.db.amazonPriceFeed.update({ where: { id: feed.id }, data: { createdAt: new Date(Date.now() - 3_600_000) } });

  await h.restart();
  const done = await waitFor('the orphan feed to finish', async () => (await h.database.db.amazonPriceFeed.findFirst({ where: { id: feed.id, status: 'DONE' } })) ?? undefined, 30_000);
  expect(done.completedAt).not.toBeNull();
  expect(await h.database.db.amazonJob.findUniqueOrThrow({ where: { queue_key: { queue: 'amazon.feeds', key: feed.id } } })).toMatchObject({ status: 'completed', groupKey: `seller:${feed.integrationId}` });
  const { results } = await (await remoteConnector(h, SHOP)).pricing.getUpdateResults!(skus.map((sku) => `orphan-${sku}`));
  expect(results.map((r) => r?.status)).toEqual(Array(8).fill('applied'));
}, 90_000);
