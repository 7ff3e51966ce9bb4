// A feed whose job fails for good before the feed was ever submitted (its worker died on every attempt):
// the feed queue's onFailed hook fails its price updates with the reason, and the app, reading results as
// it does (the connector's getUpdateResults over HTTP), sees them failed. Amazon never sees the feed.
// One that gave up after Amazon took the feed claims nothing: its updates stay pending until
// FEED_PROCESSING_FINISHED queues the job again, whose turn settles them from Amazon's report.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FEED_QUEUE, feedJobs } from '../src/feeds/feed-jobs';
import { FEED_NOT_SUBMITTED } from '../src/feeds/feed-job-failure';
import { feedsFinishedByNotification } from '../src/feeds/feed-notifications';
import { DEMO_SELLER, US, connectDemoSeller, control, remoteConnector, startHarness, waitFor, type Harness } from './support/harness';

let h: Harness;
const SHOP = 'feed-gives-up.myshopify.com';
const SP_API = 'sellingpartnerapi-*.amazon.com';

beforeAll(async () => {
  h = await startHarness();
  await connectDemoSeller(h, SHOP);
});
afterAll(async () => h?.close());

async function fault(body: Record<string, unknown> | undefined, method = 'POST'): Promise<void> {
  const res = await fetch(`${h.sandbox.url}/_sandbox/faults`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

/** The feed's worker dies on every attempt: each claims its job and never settles it; the lease runs out. */
async function dieOnEveryAttempt(priceFeedId: string): Promise<number> {
  const jobs = feedJobs(h.database.db);
  await h.database.db.amazonJob.update({ where: { queue_key: { queue: FEED_QUEUE, key: priceFeedId } }, data: { runAt: new Date() } });
  const { maxAttempts } = (await jobs.get(FEED_QUEUE, priceFeedId))!;
  for (let i = 0; i < maxAttempts; i++) {
    await waitFor(`dying claim ${i + 1}`, async () => (await jobs.claim(FEED_QUEUE, { workerId: 'dies', leaseMs: 1 })).length > 0);
  }
  return maxAttempts;
}

it("a feed whose job gave up before submission: its updates fail with the reason, and the app reads them failed", async () => {
  const seller = await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
  const skus = seller.listings.slice(0, 8).map((l) => l.sku); // enough to go as a feed
  const keys = skus.map((sku) => `gives-up-${sku}`);
  const updates = skus.map((sku, i) => ({ idempotencyKey: keys[i]!, externalId: sku, marketplaceId: US, price: { amount: `${50 + i}.75`, currency: 'USD' } }));

  // Stored while Amazon's feed documents are unavailable and no worker runs: the feed waits, never submitted.
  await h.restart({ worker: false });
  await fault({ platform: 'amazon', host: SP_API, method: 'POST', path: '/feeds/2021-06-30/documents', kind: 'status', status: 503, count: 100 });
  const batch = await (await remoteConnector(h, SHOP)).pricing.batchUpdatePrices!(updates);
  await fault(undefined, 'DELETE');
  expect(batch.summary.pending).toBe(8);
  // Each pending result names our own feed record: Amazon has no feed id for it.
  const reference = (batch.results[0] as { platformReference: { kind: string; id: string } }).platformReference;
  expect(reference.kind).toBe('calibr_price_feed');
  const priceFeedId = reference.id;
  expect(await h.database.db.amazonPriceFeed.findUniqueOrThrow({ where: { id: priceFeedId } })).toMatchObject({ status: 'PREPARING', feedId: null });

  const maxAttempts = await dieOnEveryAttempt(priceFeedId);
  const jobs = feedJobs(h.database.db);

  // A worker that lives claims it once more: out of attempts, it fails, and the queue's hook settles the feed.
  await h.restart();
  const failed = await waitFor('the updates to fail', async () => {
    const rows = await h.database.db.amazonPriceUpdate.findMany({ where: { priceFeedId } });
    return rows.every((r) => r.status === 'failed') && rows;
  });
  expect(failed).toHaveLength(8);
  expect(failed.every((r) => r.errorCode === FEED_NOT_SUBMITTED && /could not submit the feed to Amazon \(lease expired on each of 5 attempts\)/.test(r.errorMessage ?? ''))).toBe(true);
  expect(await jobs.get(FEED_QUEUE, priceFeedId)).toMatchObject({ status: 'failed', lastError: `lease expired on each of ${maxAttempts} attempts` });
  expect(await h.database.db.amazonPriceFeed.findUniqueOrThrow({ where: { id: priceFeedId } })).toMatchObject({ status: 'FATAL', feedId: null, nextPollAt: null });

  // The app asks as it does for pending outcomes: failed, with the reason (the merchant retries).
  const { results } = await (await remoteConnector(h, SHOP)).pricing.getUpdateResults!(keys);
  expect(results.map((r) => r?.status)).toEqual(Array(8).fill('failed'));
  expect(results[0]).toMatchObject({
    status: 'failed',
    retryable: false,
    platformError: { code: FEED_NOT_SUBMITTED },
    message: expect.stringMatching(/^Calibrate could not submit the feed to Amazon/),
  });
  // Amazon never got it.
  const feeds = await control<{ feeds: { feedId: string }[] }>(h.sandbox, 'feeds');
  expect(await h.database.db.amazonPriceFeed.count({ where: { id: priceFeedId, feedDocumentId: { not: null } } })).toBe(0);
  expect(feeds.feeds.length).toBe(0);
}, 90_000);

it('a feed whose job gave up after Amazon took it stays pending; FEED_PROCESSING_FINISHED runs its job again and settles it', async () => {
  const seller = await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
  const skus = seller.listings.slice(8, 16).map((l) => l.sku);
  const keys = skus.map((sku) => `submitted-${sku}`);
  const updates = skus.map((sku, i) => ({ idempotencyKey: keys[i]!, externalId: sku, marketplaceId: US, price: { amount: `${60 + i}.25`, currency: 'USD' } }));
  await h.restart({ worker: false });
  const batch = await (await remoteConnector(h, SHOP)).pricing.batchUpdatePrices!(updates);
  expect(batch.platformReference).toMatchObject({ kind: 'feed' });
  const feedId = batch.platformReference!.id;
  const feed = await h.database.db.amazonPriceFeed.findFirstOrThrow({ where: { feedId } });

  await dieOnEveryAttempt(feed.id);
  await h.restart();
  await waitFor('the hook to run', async () => (await h.database.db.amazonJob.findFirst({ where: { queue: `${FEED_QUEUE}:failed`, key: feed.id, status: 'completed' } })) ?? undefined);
  expect(await feedJobs(h.database.db).get(FEED_QUEUE, feed.id)).toMatchObject({ status: 'failed' });
  // Amazon holds the outcome: nothing is claimed.
  expect((await h.database.db.amazonPriceUpdate.findMany({ where: { priceFeedId: feed.id } })).map((r) => r.status)).toEqual(Array(8).fill('pending'));
  const pending = await (await remoteConnector(h, SHOP)).pricing.getUpdateResults!(keys);
  expect(pending.results[0]).toMatchObject({ status: 'pending', platformReference: { kind: 'feed', id: feedId } });

  // Amazon's notification (as the consumer hands it on): the job runs again and reads the report.
  expect(await feedsFinishedByNotification(h.service.ctx, DEMO_SELLER, feedId)).toBe(1);
  await waitFor('the feed to finish', async () => (await h.database.db.amazonPriceFeed.findFirst({ where: { id: feed.id, status: 'DONE' } })) ?? undefined, 30_000);
  const { results } = await (await remoteConnector(h, SHOP)).pricing.getUpdateResults!(keys);
  expect(results.map((r) => r?.status)).toEqual(Array(8).fill('applied'));
}, 90_000);
