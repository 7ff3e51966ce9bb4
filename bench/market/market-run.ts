// One run of the market: the sandbox's Amazon state reseeded, the same seeded market generated, then
// every `readingMinutes` of market time a reading of all our ASINs over SP-API (getItemOffersBatch, 20
// ASINs a call, through the Amazon service's own reader), the repricer's decisions pushed as one
// JSON_LISTINGS_FEED (the Amazon service's feed builder, createFeedDocument → PUT → createFeed, polled
// to DONE, its processing report read), and the market advanced. Without a repricer the starting prices
// are held. The sandbox's sales ledger scores the run.
import type { CompetitiveListing } from '@calibr/shared-contracts';
import { createAmazonSandboxAgent } from '@calibr/sandbox/routing';
import { renderFeedDocument, type FeedEntry } from '../../amazon-service/src/feeds/feed-documents';
import { FEED_CONTENT_TYPE, JSON_LISTINGS_FEED, type ListingPriceChange } from '../../amazon-service/src/feeds/json-listings-feed';
import { parseProcessingReport, readProcessingReport } from '../../amazon-service/src/feeds/processing-report';
import { AccessTokenCache } from '../../amazon-service/src/lwa/access-token-cache';
import { LwaClient } from '../../amazon-service/src/lwa/lwa-client';
import { readCompetitivePrices } from '../../amazon-service/src/pricing/competitive-pricing';
import { SpApiClient } from '../../amazon-service/src/sp-api/sp-api-client';
import { SpApiRateLimiter } from '../../amazon-service/src/throttling/rate-limiter';
import type { OurListing, Repricer } from './repricer';

export const US = 'ATVPDKIKX0DER';
/** getItemOffersBatch calls in flight at once during a reading. */
const READERS = 4;

export interface RunOptions {
  sandboxUrl: string;
  timeScale: number;
  seed: number;
  asins: number;
  hours: number;
  readingMinutes: number;
  /** null: hold the starting prices (the baseline). */
  repricer: Repricer | null;
}

export interface LedgerTotal {
  asins: number;
  byCurrency: Record<string, { revenue: string; fees: string; cost: string; profit: string; units: string }>;
  buyBoxShare: number;
  floorHits: number;
  priceChanges: number;
  changesPerListingDay: number;
}

export interface RunResult {
  name: string;
  /** Seconds spent reading offers, pushing feeds and advancing the market. */
  split: { read: number; push: number; advance: number };
  total: LedgerTotal;
  readings: number;
  pushed: number;
  refused: number;
  feeds: number;
  seconds: number;
}

async function control<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/_sandbox/amazon/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

const minor = (amount: string) => BigInt(amount.replace('.', ''));
const decimal = (m: bigint) => `${m / 100n}.${String(m % 100n).padStart(2, '0')}`;

interface Seed {
  amazon: { sellers: { sellerId: string; region: 'na' | 'eu' | 'fe'; lwa: { clientId: string; clientSecret: string; refreshToken: string } }[] };
}

export async function runMarket(o: RunOptions): Promise<RunResult> {
  const started = performance.now();
  await control(o.sandboxUrl, 'POST', 'reseed');
  const seed = (await (await fetch(`${o.sandboxUrl}/_sandbox/seed`)).json()) as Seed;
  const seller = seed.amazon.sellers.find((s) => s.region === 'na')!;
  await control(o.sandboxUrl, 'POST', 'market/bots', { seed: o.seed, sellerId: seller.sellerId, marketplaceId: US, generate: { count: o.asins, skuPrefix: 'MKT' } });
  const totalMinutes = o.hours * 60;
  let readings = 0;
  let pushed = 0;
  let refused = 0;
  let feeds = 0;
  const split = { read: 0, push: 0, advance: 0 };
  const timed = async <T>(part: keyof typeof split, work: Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work;
    } finally {
      split[part] += (performance.now() - t0) / 1000;
    }
  };

  if (o.repricer) {
    const repricer = o.repricer;
    const { costs } = await control<{ costs: { sku: string; cost: string }[] }>(o.sandboxUrl, 'GET', `market/costs?sellerId=${seller.sellerId}&marketplaceId=${US}`);
    const costBySku = new Map(costs.map((c) => [c.sku, minor(c.cost)]));
    const sellerView = await control<{ listings: { sku: string; asin: string; fulfillmentChannelCode: string; offers: { marketplaceId: string; price: string; currency: string }[] }[] }>(o.sandboxUrl, 'GET', `sellers/${seller.sellerId}`);
    const listings: OurListing[] = sellerView.listings
      .filter((l) => costBySku.has(l.sku))
      .map((l) => {
        const offer = l.offers.find((x) => x.marketplaceId === US)!;
        return { sku: l.sku, asin: l.asin, currency: offer.currency, fulfillment: l.fulfillmentChannelCode.startsWith('AMAZON') ? 'AFN' : 'MFN', cost: costBySku.get(l.sku)!, current: minor(offer.price) };
      });
    const byAsin = new Map(listings.map((l) => [l.asin, l]));

    const agent = createAmazonSandboxAgent(o.sandboxUrl, { keepAlive: true });
    const transport = { httpsAgent: agent };
    const client = new SpApiClient(
      { key: `bench-${repricer.name}`, sellingPartnerId: seller.sellerId, region: 'na', lwa: { clientId: seller.lwa.clientId, clientSecret: seller.lwa.clientSecret }, refreshToken: seller.lwa.refreshToken },
      { tokens: new AccessTokenCache(), limiter: new SpApiRateLimiter({ timeScale: o.timeScale }), lwa: new LwaClient(transport), transport },
    );

    /** One feed with these prices (and the repricer's floor as Amazon's minimum price); the accepted ones are ours now. */
    const push = async (changes: { listing: OurListing; price: bigint }[]) => {
      if (changes.length === 0) return;
      const entries: FeedEntry[] = changes.map(({ listing, price }, i) => {
        const change: ListingPriceChange = { sku: listing.sku, marketplaceId: US, currency: listing.currency, price: decimal(price), minimumPrice: decimal(repricer.floor(listing)), productType: 'PRODUCT' };
        return { messageId: i + 1, change };
      });
      const content = renderFeedDocument(seller.sellerId, entries);
      const document = await client.call<{ feedDocumentId: string; url: string }>({ operation: 'feeds.createFeedDocument', body: { contentType: FEED_CONTENT_TYPE } });
      await client.upload(document.url, content, FEED_CONTENT_TYPE);
      const feed = await client.call<{ feedId: string }>({ operation: 'feeds.createFeed', body: { feedType: JSON_LISTINGS_FEED, marketplaceIds: [US], inputFeedDocumentId: document.feedDocumentId } }, { idempotent: false });
      feeds++;
      let status: { processingStatus: string; resultFeedDocumentId?: string };
      for (;;) {
        status = await client.call({ operation: 'feeds.getFeed', path: { feedId: feed.feedId } });
        if (['DONE', 'FATAL', 'CANCELLED'].includes(status.processingStatus)) break;
        // A client polls a feed; the sandbox processes it within a few (scaled) milliseconds.
        await new Promise((r) => setTimeout(r, 2));
      }
      if (status.processingStatus !== 'DONE' || !status.resultFeedDocumentId) throw new Error(`feed ${feed.feedId} ended ${status.processingStatus}`);
      const result = await client.call<{ url: string; compressionAlgorithm?: string }>({ operation: 'feeds.getFeedDocument', path: { feedDocumentId: status.resultFeedDocumentId } });
      const outcome = readProcessingReport(parseProcessingReport(await client.download(result.url, result.compressionAlgorithm)));
      if (outcome.feedError) throw new Error(`feed ${feed.feedId}: ${outcome.feedError.code} ${outcome.feedError.message}`);
      changes.forEach(({ listing, price }, i) => {
        if (outcome.failures.has(i + 1)) refused++;
        else listing.current = price;
      });
    };

    // The repricer's floors go to Amazon with today's prices before the first reading.
    await push(listings.map((listing) => ({ listing, price: listing.current })));
    const asins = listings.map((l) => l.asin);
    const slices = Array.from({ length: READERS }, (_, i) => asins.filter((_, j) => Math.floor(j / 20) % READERS === i)).filter((s) => s.length > 0);
    for (let minute = 0; minute < totalMinutes; minute += o.readingMinutes) {
      const at = new Date(Date.UTC(2026, 0, 1) + minute * 60_000);
      // A few batches in flight at once (the limiter still spaces them at the scaled usage plan).
      const read: CompetitiveListing[] = (await timed('read', Promise.all(slices.map((slice) => readCompetitivePrices(client, US, slice, { maxWaitMs: 60_000 }))))).flat();
      readings++;
      const changes: { listing: OurListing; price: bigint }[] = [];
      for (const reading of read) {
        const listing = byAsin.get(reading.itemId)!;
        if (reading.error) continue;
        const price = repricer.decide(listing, reading, at);
        if (price !== null && price !== listing.current) changes.push({ listing, price });
      }
      await timed('push', push(changes));
      pushed += changes.length;
      await timed('advance', control(o.sandboxUrl, 'POST', 'market/advance', { minutes: Math.min(o.readingMinutes, totalMinutes - minute) }));
    }
    agent.destroy();
  } else {
    await timed('advance', control(o.sandboxUrl, 'POST', 'market/advance', { minutes: totalMinutes }));
  }
  const ledger = await control<{ total: LedgerTotal }>(o.sandboxUrl, 'GET', 'market/ledger?asins=false');
  return { name: o.repricer?.name ?? 'hold', split, total: ledger.total, readings, pushed, refused, feeds, seconds: (performance.now() - started) / 1000 };
}
