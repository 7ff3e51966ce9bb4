// Amazon acts on a request but its answer never reaches the Amazon service (the sandbox's drop_answer
// fault: the connection is destroyed after Amazon acted, before any byte of the answer):
// - patchListingsItem (a few SKUs), for a while: the console (GET /api/pricing/changes) shows Amazon's
//   side retrying with "answer lost"; the patch is not sent blind again; the next send reads the listing
//   first (getListingsItem), finds our price and records it applied without a second patch;
// - the feed document upload (a batch): uploaded again to the same URL (same content), one feed;
// - createFeed (a batch): the known limit (amazon-service README, "Not done / limits"): the resumed
//   submission sends the same prices in a second feed. What holds is asserted: the final prices are
//   right, our records are applied once, nothing is lost, and exactly one extra feed went.
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { US } from '../pricing/support/push-world';
import { attemptOf, expectShownRetrying, startFaultWorld, waitFor, type FaultItem, type FaultWorld } from './support/fault-world';

const SP_API = 'sellingpartnerapi-*.amazon.com';
const BATCH = 6; // more than the patchListingsItem path takes: these go as one feed

describe.each(testDatabaseProviders())('Amazon answers lost after it acted (%s)', (provider) => {
  let f: FaultWorld;
  beforeAll(async () => {
    // A slower retry than the other fault tests, so the console's in-between state stays long enough to see.
    f = await startFaultWorld({
      size: 2 + 2 * BATCH,
      provider,
      shop: `calibr-faults-lost-amazon-${provider}.myshopify.com`,
      appEnv: { PRICING_RETRY_BASE_MS: '4000', PRICING_RETRY_MAX_MS: '4000' },
    });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  async function settles(changeIds: string[]) {
    await waitFor('every change to be applied', async () => (await f.changes(changeIds)).every((c) => c.status === 'applied'), 150_000);
  }

  function feedsOf(items: FaultItem[]) {
    const skus = new Set(items.map((i) => i.sku));
    return f.feeds().filter((feed) => f.feedSkus(feed.feedId).some((sku) => skus.has(sku)));
  }

  async function faultHits(id: string): Promise<number | undefined> {
    return (await f.control<{ faults: Array<{ id: string; hits: number }> }>('faults')).faults.find((x) => x.id === id)?.hits;
  }

  it('patchListingsItem answers dropped after apply: retrying meanwhile, then applied once (checked, not patched again)', async () => {
    const items = f.take(2);
    const { id } = await f.fault({ platform: 'amazon', host: SP_API, method: 'PATCH', path: '/listings/2021-08-01/items/*', kind: 'drop_answer' });
    const changeIds = await f.approve(items);

    const during = await waitFor(
      'the console to show Amazon retrying after the lost answers',
      async () => {
        const changes = await f.changes(changeIds);
        return changes.every((c) => attemptOf(c, 'amazon')?.outcome === 'retrying' && attemptOf(c, 'amazon')!.attemptCount >= 1 && attemptOf(c, 'shopify')?.outcome === 'applied')
          ? changes
          : undefined;
      },
      150_000,
      100,
    );
    expectShownRetrying(during, 'amazon', /answer to patchListingsItem was lost/);
    // Amazon acted although nobody heard it.
    const prices = f.w.amazonPrices();
    for (const item of items) expect(prices.get(item.sku), `Amazon price of ${item.sku} (${US})`).toBe(item.to);

    // Settled while the fault still holds: the next send read the listing instead of patching again.
    await settles(changeIds);
    expect(await faultHits(id), 'one patchListingsItem per SKU').toBe(items.length);
    await f.control(`faults/${id}`, undefined, 'DELETE');
    await f.expectExactlyOnce(items, changeIds);
  });

  it('the feed document upload answer dropped: the same document uploaded again, one feed, applied once', async () => {
    const items = f.take(BATCH);
    const { id } = await f.fault({ platform: 'amazon', host: 'tortuga-prod-*.amazonaws.com', method: 'PUT', kind: 'drop_answer', count: 1 });
    const changeIds = await f.approve(items);
    await settles(changeIds);
    expect(await faultHits(id), 'the fault was used up').toBeUndefined();
    expect(feedsOf(items).map((feed) => feed.processingStatus)).toEqual(['DONE']);
    await f.expectExactlyOnce(items, changeIds);
  });

  it('the createFeed answer dropped: the same prices go in a second feed (known limit); right prices, our records applied once, nothing lost', async () => {
    const items = f.take(BATCH);
    const { id } = await f.fault({ platform: 'amazon', host: SP_API, method: 'POST', path: '/feeds/2021-06-30/feeds', kind: 'drop_answer', count: 1 });
    const changeIds = await f.approve(items);
    await settles(changeIds);
    expect(await faultHits(id), 'the fault was used up').toBeUndefined();

    // Our records: every change applied once on each platform, at the approved price.
    const rows = await f.w.database.db.priceChange.findMany({ where: { id: { in: changeIds } }, include: { attempts: true } });
    expect(rows).toHaveLength(items.length);
    for (const row of rows) {
      expect(row.status).toBe('applied');
      expect(row.attempts.map((a) => [a.platform, a.status, a.amount]).sort()).toEqual([
        ['amazon', 'applied', row.toAmount],
        ['shopify', 'applied', row.toAmount],
      ]);
    }
    // The Amazon service's own record: one applied update per SKU, in the one feed it knows.
    const updates = await f.w.amazonDatabase.db.amazonPriceUpdate.findMany({ where: { sku: { in: items.map((i) => i.sku) } }, include: { priceFeed: { select: { feedId: true } } } });
    expect(updates.map((u) => u.status)).toEqual(items.map(() => 'applied'));
    expect(new Set(updates.map((u) => u.priceFeed?.feedId)).size).toBe(1);

    // The platforms: the right prices; Shopify changed once; Amazon got the SKUs in two DONE feeds (the one
    // whose answer was lost, and the resumed submission), no more.
    const shopify = await f.w.shopifyPrices();
    const amazon = f.w.amazonPrices();
    for (const item of items) {
      expect(shopify.get(item.sku), `Shopify price of ${item.sku}`).toBe(item.to);
      expect(amazon.get(item.sku), `Amazon price of ${item.sku}`).toBe(item.to);
      expect(f.w.counts.shopifyChanges.get(item.productId) ?? 0, `Shopify price changes of ${item.sku}`).toBe(1);
      expect(f.okPatches(item.sku), `patches of ${item.sku}`).toBe(0);
      expect(f.doneFeedMessages(item.sku), `DONE feed messages for ${item.sku}`).toBe(2);
    }
    const feeds = feedsOf(items);
    expect(feeds.map((feed) => feed.processingStatus)).toEqual(['DONE', 'DONE']);
    expect(feeds.map((feed) => feed.feedId)).toContain(updates[0]!.priceFeed!.feedId);
  });
});
