// A 3,000-SKU price batch, sent as the app sends it (the connector contract over /connector), through one
// JSON_LISTINGS_FEED against the sandbox: uploaded, processed to DONE,
// two bad SKUs failing alone with Amazon's own code and message, the rest applied; retries answered from
// storage; every document the service uploaded valid against Amazon's feed schema; Amazon's limit of
// five submissions per five minutes kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchUpdateResult, RemoteConnector } from '@calibr/shared-contracts';
import { DEMO_SELLER, US, connectDemoSeller, control, remoteConnector, sandboxLog, startHarness, waitFor, type Harness } from './support/harness';
import { createListings, downloadFeedDocument, sellerSide } from './support/seller-side';
import { describeWithAmazonReference, listingsFeedSchemaValidator } from './support/amazon-reference';

let h: Harness;
let connector: RemoteConnector;
const SHOP = 'feeds-shop.myshopify.com';
const TIME_SCALE = 10;
const ASIN = 'B001VTSF4H';
let skus: string[] = [];
const OUT_OF_BOUNDS = 7; // this listing has a minimum price of 30.00 on Amazon
// Pure budget for the 3,000-SKU steps (each takes 1-15 s alone; several times that with other files
// running on the same busy cores). A hang still fails, only later.
const BUDGET_MS = 240_000;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { timeScale: TIME_SCALE },
    amazon: { feedQueueSeconds: 3, feedProcessingSeconds: 5, reportGzipThresholdBytes: 200 },
    service: { timeScale: TIME_SCALE },
  });
  await connectDemoSeller(h, SHOP);
  connector = await remoteConnector(h, SHOP);
  skus = await createListings(h, { prefix: 'BULK', count: 2999, asin: ASIN, productType: 'SHOES', price: '40.00', overrides: { [OUT_OF_BOUNDS]: { minPrice: '30.00' } } });
}, BUDGET_MS);
afterAll(async () => h?.close());

const priceFor = (i: number) => `${20 + (i % 50)}.${String(i % 100).padStart(2, '0')}`;
/** A feed as the service stored it (its database: no route lists feeds), with its updates' outcomes. */
async function storedFeed(feedId: string) {
  const db = h.database.db;
  const feed = await db.amazonPriceFeed.findFirstOrThrow({ where: { feedId } });
  const updates = await db.amazonPriceUpdate.findMany({ where: { priceFeedId: feed.id }, select: { sku: true, status: true, errorCode: true, errorMessage: true } });
  const count = (status: string) => updates.filter((u) => u.status === status).length;
  return {
    status: feed.status,
    counts: { applied: count('applied'), failed: count('failed'), pending: updates.length - count('applied') - count('failed') },
    failures: updates.filter((u) => u.status === 'failed').map((u) => ({ sku: u.sku, code: u.errorCode, message: u.errorMessage })),
  };
}

const update = (sku: string, amount: string, key = `k-${sku}`) => ({ idempotencyKey: key, externalId: sku, marketplaceId: US, price: { amount, currency: 'USD' } });

describe('3,000-SKU price batch', () => {
  let batch: BatchUpdateResult;
  let updates: ReturnType<typeof update>[];

  it('goes out as one feed, every result pending with its feed id', async () => {
    updates = skus.map((sku, i) => update(sku, i === OUT_OF_BOUNDS ? '10.00' : priceFor(i)));
    updates.push(update('BULK-MISSING', '25.00'));
    expect(updates).toHaveLength(3000);
    batch = await connector.pricing.batchUpdatePrices!(updates);
    expect(batch.summary).toEqual({ total: 3000, applied: 0, pending: 3000, failed: 0 });
    expect(batch.platformReference?.kind).toBe('feed');
    const feedIds = new Set(batch.results.map((r) => (r as { platformReference?: { id: string } }).platformReference?.id));
    expect([...feedIds]).toEqual([batch.platformReference!.id]);
    expect(batch.results.map((r) => r.idempotencyKey)).toEqual(updates.map((u) => u.idempotencyKey));
  }, BUDGET_MS);

  it('reaches DONE; two bad SKUs fail alone with Amazon’s messages, the rest apply', async () => {
    const feed = await waitFor(
      'the feed to finish',
      async () => {
        const f = await storedFeed(batch.platformReference!.id);
        return ['DONE', 'FATAL', 'CANCELLED'].includes(f.status) ? f : undefined;
      },
      BUDGET_MS - 10_000,
      250,
    );
    expect(feed.status).toBe('DONE');
    expect(feed.counts).toEqual({ applied: 2998, failed: 2, pending: 0 });

    const details = feed;
    expect(details.failures.map((f) => f.sku).sort()).toEqual(['BULK-MISSING', skus[OUT_OF_BOUNDS]!].sort());
    const missing = details.failures.find((f) => f.sku === 'BULK-MISSING')!;
    expect(missing.code).toBe('90122');
    expect(missing.message).toMatch(/does not exist/);

    const bad = await connector.pricing.getUpdateResult!(`k-${skus[OUT_OF_BOUNDS]}`);
    expect(bad).toMatchObject({ status: 'failed', reason: 'rejected', retryable: false });
    expect((bad as { platformError: { code: string; message: string } }).platformError.message.length).toBeGreaterThan(10);

    const good = await connector.pricing.getUpdateResult!(`k-${skus[1]}`);
    expect(good).toMatchObject({ status: 'applied', price: { amount: priceFor(1), currency: 'USD' }, platformReference: { kind: 'feed', id: batch.platformReference!.id } });

    // Amazon's side really changed: prices as sent, the refused listing untouched.
    const seller = await control<{ listings: { sku: string; offers: { marketplaceId: string; price: string }[] }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
    const live = new Map(seller.listings.map((l) => [l.sku, l.offers.find((o) => o.marketplaceId === US)?.price]));
    for (const i of [0, 1, 2, 500, 2998]) expect(live.get(skus[i]!)).toBe(priceFor(i));
    expect(live.get(skus[OUT_OF_BOUNDS]!)).toBe('40.00');
  }, BUDGET_MS);

  it('answers a retried batch from storage, without a second feed', async () => {
    const before = await h.database.db.amazonPriceFeed.count();
    const again = await connector.pricing.batchUpdatePrices!(updates.slice(0, 10).concat(updates.slice(-1)));
    expect(again.summary).toMatchObject({ total: 11, applied: 9, failed: 2 });
    expect(await h.database.db.amazonPriceFeed.count()).toBe(before);
    // Same key, different price: a conflict, not a second change.
    const conflict = await connector.pricing.batchUpdatePrices!([update(skus[0]!, '99.99', `k-${skus[0]}`)]);
    expect(conflict.results[0]).toMatchObject({ status: 'failed', reason: 'conflict' });
  }, BUDGET_MS);

  it('keeps Amazon’s limit of 5 feed submissions per 5 minutes', async () => {
    const demo = (await control<{ listings: { sku: string; productType: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`)).listings.filter((l) => !l.sku.startsWith('BULK')).map((l) => l.sku);
    // One feed is already in this window (the service's window is real time: 5 minutes, not scaled);
    // five more batches of six SKUs each go out as feeds.
    const big = await h.database.db.amazonPriceFeed.findFirstOrThrow({ where: { messageCount: 3000 } });
    expect(big.submittedAt!.getTime(), 'the 3,000-SKU feed went out less than 5 minutes ago').toBeGreaterThan(Date.now() - 4 * 60_000);
    const outcomes: BatchUpdateResult[] = [];
    for (let b = 0; b < 5; b++) {
      const batchUpdates = demo.slice(b * 6, b * 6 + 6).map((sku, i) => update(sku, `${60 + b}.${10 + i}`, `window-${b}-${sku}`));
      outcomes.push(await connector.pricing.batchUpdatePrices!(batchUpdates));
    }
    const refs = outcomes.map((o) => (o.results[0] as { platformReference: { kind: string } }).platformReference.kind);
    expect(refs.slice(0, 4)).toEqual(['feed', 'feed', 'feed', 'feed']);
    // The sixth submission in five minutes waits, stored, with our own feed record as its reference.
    expect(refs[4]).toBe('calibr_price_feed');
    expect(outcomes[4]!.summary.pending).toBe(6);
    const waiting = await h.database.db.amazonPriceFeed.findFirstOrThrow({ where: { feedId: null } });
    expect(waiting.status).toBe('PREPARING');
    // Its slot: when the 3,000-SKU feed, the oldest of the five, leaves the window.
    expect(waiting.nextPollAt!.getTime()).toBe(big.submittedAt!.getTime() + 5 * 60_000);
  }, BUDGET_MS);
});

describeWithAmazonReference('what the service uploaded', () => {
  it("every feed document the sandbox received from the service validates against Amazon's schema", async () => {
    const validate = listingsFeedSchemaValidator();
    const feeds = await h.database.db.amazonPriceFeed.findMany({ where: { feedDocumentId: { not: null } } });
    expect(feeds.length).toBeGreaterThanOrEqual(5);
    const { entries } = await sandboxLog(h.sandbox, { kind: 'feed' });
    const uploads = new Set(entries.map((e) => (e.detail as { upload?: string } | undefined)?.upload).filter(Boolean));
    const sp = sellerSide(h);
    for (const feed of feeds) {
      expect(uploads.has(feed.feedDocumentId!), `sandbox log shows upload ${feed.feedDocumentId}`).toBe(true);
      const document = JSON.parse(await downloadFeedDocument(sp, feed.feedDocumentId!));
      const ok = validate(document);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
      expect(document.messages).toHaveLength(feed.messageCount);
      // Every merge names the offer's whole key (Amazon's schema leaves the attribute's inside open; its
      // purchasable_offer docs key an offer by marketplace_id, currency and audience).
      const offers = document.messages.flatMap((m: { patches: { op: string; value: Record<string, unknown>[] }[] }) => m.patches.flatMap((p) => p.value.map((v) => ({ op: p.op, ...v }))));
      expect(offers.filter((o: Record<string, unknown>) => o.op !== 'merge' || o.audience !== 'ALL' || !o.marketplace_id || !o.currency)).toEqual([]);
    }
    // The 3,000-SKU feed's processing report came back GZIP-compressed (the sandbox compresses above
    // 200 bytes here) and was read: its two failures are stored.
    const big = feeds.find((f) => f.messageCount === 3000)!;
    const report = await sp.callAPI({ operation: 'feeds.getFeedDocument', path: { feedDocumentId: big.resultFeedDocumentId } });
    expect(report.compressionAlgorithm).toBe('GZIP');
    expect((big.resultSummary as { messagesInvalid: number }).messagesInvalid).toBe(2);
  }, 60_000);
});
