// Amazon's feeds misbehaving while a batch of prices goes as a JSON_LISTINGS_FEED (the sandbox's
// feeds/fault switch): a feed that ends FATAL without a processing report, a feed held IN_PROGRESS, and a
// feed that ends DONE without a report. For each: the console (GET /api/pricing/changes) shows Amazon's
// side pending (with the feed) while Amazon works, nothing is lost or applied twice (sandbox listing
// prices and the messages of feeds that ended DONE, per SKU, against our PriceChange and attempt rows),
// and the push settles by itself. Four feeds in all: under Amazon's 5 per 5 minutes.
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptOf, pendingAmazonFeed, startFaultWorld, waitFor, waitForApplied, type FaultItem, type FaultWorld } from './support/fault-world';

const BATCH = 6; // more than the patchListingsItem path takes: these go as one feed

describe.each(testDatabaseProviders())('Amazon feed faults (%s)', (provider) => {
  let f: FaultWorld;
  beforeAll(async () => {
    f = await startFaultWorld({ size: 3 * BATCH, provider, shop: `calibr-faults-feeds-${provider}.myshopify.com` });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  /** The sandbox's feeds holding any of these SKUs, with their status. */
  function feedsOf(items: FaultItem[]) {
    const skus = new Set(items.map((i) => i.sku));
    return f.feeds().filter((feed) => f.feedSkus(feed.feedId).some((sku) => skus.has(sku)));
  }


  it('a feed ends FATAL without a processing report: its messages go again in a new feed, applied once', async () => {
    const items = f.take(BATCH);
    await f.control('amazon/feeds/fault', { fault: 'fatal', count: 1 });
    const changeIds = await f.approve(items);
    await waitForApplied(f, changeIds, 150_000);
    const statuses = feedsOf(items).map((feed) => feed.processingStatus).sort();
    expect(statuses, 'the FATAL feed, then the one that went through').toEqual(['DONE', 'FATAL']);
    await f.expectExactlyOnce(items, changeIds);
  });

  it('a feed held IN_PROGRESS: pending with the feed id while Amazon works, applied once it finishes', async () => {
    const items = f.take(BATCH);
    await f.control('amazon/feeds/fault', { fault: 'stall', count: 1 });
    const changeIds = await f.approve(items);
    // Shopify done, Amazon pending with the feed, and the feed polled again and again.
    const during = await waitFor(
      'Amazon pending on a held feed',
      async () => {
        const changes = await f.changes(changeIds);
        const feedId = pendingAmazonFeed(changes);
        if (!feedId) return undefined;
        const row = await f.w.amazonDatabase.db.amazonPriceFeed.findUnique({ where: { feedId } });
        return row && row.pollCount >= 5 ? { changes, feedId } : undefined;
      },
      150_000,
    );
    for (const change of during.changes) {
      expect(change.status).toBe('pushing');
      expect(attemptOf(change, 'amazon')!.platformReference).toBe(`feed:${during.feedId}`);
    }
    expect(f.feeds().find((feed) => feed.feedId === during.feedId)?.processingStatus).toBe('IN_PROGRESS');
    const prices = f.w.amazonPrices();
    for (const item of items) expect(prices.get(item.sku)).toBe(item.from);

    await f.control('amazon/feeds/fault', { feedId: during.feedId, fault: 'off' });
    await waitForApplied(f, changeIds, 150_000);
    await f.expectExactlyOnce(items, changeIds);
  });

  it('a feed ends DONE without a processing report: settled by the live prices, applied once (not failed)', async () => {
    const items = f.take(BATCH);
    await f.control('amazon/feeds/fault', { fault: 'no-report', count: 1 });
    const changeIds = await f.approve(items);
    const changes = await waitForApplied(f, changeIds, 150_000);
    for (const change of changes) expect(attemptOf(change, 'amazon')!.platformMessage).toBeNull();
    const feeds = feedsOf(items);
    expect(feeds).toHaveLength(1);
    expect(f.feeds().find((feed) => feed.feedId === feeds[0]!.feedId) as unknown as { resultFeedDocumentId?: string }).not.toHaveProperty('resultFeedDocumentId');
    await f.expectExactlyOnce(items, changeIds);
  });
});
