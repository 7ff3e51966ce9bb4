// bench:amazon-feed — build, validate and upload one 25,000-SKU JSON_LISTINGS_FEED price document to the
// sandbox through the Amazon service's own feed path (planPriceFeeds, then createFeedDocument → PUT →
// createFeed with amazon-sp-api), measuring wall time and peak memory (RSS) of this process. Beside it:
// how long the same changes take through patchListingsItem at its documented usage plan (5 requests/s,
// burst 5), computed from that rate (running 25,000 calls would take well over an hour).
//
// The timed section starts after a small warm-up plan (a running service has built feeds before) and
// ends when createFeed has answered. Env: BENCH_SKUS (default 25000).
import { createAmazonSandboxAgent } from '@calibr/sandbox/routing';
import { planPriceFeeds } from '../../amazon-service/src/feeds/feed-documents';
import { FEED_CONTENT_TYPE, JSON_LISTINGS_FEED, type ListingPriceChange } from '../../amazon-service/src/feeds/json-listings-feed';
import { AccessTokenCache } from '../../amazon-service/src/lwa/access-token-cache';
import { LwaClient } from '../../amazon-service/src/lwa/lwa-client';
import { SpApiClient } from '../../amazon-service/src/sp-api/sp-api-client';
import { SpApiRateLimiter } from '../../amazon-service/src/throttling/rate-limiter';
import { USAGE_PLANS } from '../../amazon-service/src/throttling/usage-plans';
import { startSandboxProcess } from '../support/sandbox-process';

const SKUS = Number(process.env.BENCH_SKUS ?? 25_000);
const US = 'ATVPDKIKX0DER';
const MB = 1024 * 1024;

const sandbox = await startSandboxProcess({ seed: 'demo' });
try {
  const seed = (await (await fetch(`${sandbox.url}/_sandbox/seed`)).json()) as {
    amazon: { sellers: { sellerId: string; region: string; lwa: { clientId: string; clientSecret: string; refreshToken: string } }[] };
  };
  const seller = seed.amazon.sellers.find((s) => s.region === 'na')!;
  const transport = { httpsAgent: createAmazonSandboxAgent(sandbox.url, { keepAlive: true }) };
  const client = new SpApiClient(
    { key: 'bench', sellingPartnerId: seller.sellerId, region: 'na', lwa: { clientId: seller.lwa.clientId, clientSecret: seller.lwa.clientSecret }, refreshToken: seller.lwa.refreshToken },
    { tokens: new AccessTokenCache(), limiter: new SpApiRateLimiter(), lwa: new LwaClient(transport), transport },
  );
  await client.accessToken(); // LWA is not part of the feed path being measured

  // The changes as the pricing loop hands them over (decimal strings; a third carry min/max bounds).
  const changes: ListingPriceChange[] = Array.from({ length: SKUS }, (_, i) => ({
    sku: `BENCH-${String(i + 1).padStart(6, '0')}`,
    marketplaceId: US,
    currency: 'USD',
    price: `${10 + (i % 490)}.${String((i * 7) % 100).padStart(2, '0')}`,
    productType: 'PRODUCT',
    ...(i % 3 === 0 ? { minimumPrice: '5.00', maximumPrice: '999.00' } : {}),
  }));

  // A running service has built feeds before: warm the code path on a small plan (not timed, not sent).
  planPriceFeeds(seller.sellerId, changes.slice(0, 2_000));
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const t0 = performance.now();
  const plan = planPriceFeeds(seller.sellerId, changes); // builds every message and validates it
  const tBuilt = performance.now();
  const feedIds: string[] = [];
  let uploadMs = 0;
  for (const document of plan.documents) {
    const created = await client.call<{ feedDocumentId: string; url: string }>({ operation: 'feeds.createFeedDocument', body: { contentType: FEED_CONTENT_TYPE } });
    const tPut = performance.now();
    await client.upload(created.url, document.content, FEED_CONTENT_TYPE);
    uploadMs += performance.now() - tPut;
    const feed = await client.call<{ feedId: string }>({ operation: 'feeds.createFeed', body: { feedType: JSON_LISTINGS_FEED, marketplaceIds: [US], inputFeedDocumentId: created.feedDocumentId } });
    feedIds.push(feed.feedId);
  }
  const t1 = performance.now();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);

  const bytes = plan.documents.reduce((n, d) => n + Buffer.byteLength(d.content), 0);
  const seconds = (t1 - t0) / 1000;
  const plan5 = USAGE_PLANS.patchListingsItem;
  const patchPathSeconds = Math.max(0, SKUS - plan5.burst) / plan5.rate;
  console.log(`feed path: ${SKUS} SKUs in ${plan.documents.length} document(s), ${(bytes / MB).toFixed(2)} MiB, refused before upload: ${plan.refused.length}`);
  console.log(`  build + validate ${((tBuilt - t0) / 1000).toFixed(3)} s, createFeedDocument + PUT + createFeed ${((t1 - tBuilt) / 1000).toFixed(3)} s (the PUT ${(uploadMs / 1000).toFixed(3)} s), total ${seconds.toFixed(3)} s; feeds ${feedIds.join(', ')}`);
  console.log(`  peak RSS ${(peak / MB).toFixed(1)} MB (whole process)`);
  console.log(`patchListingsItem path: ${SKUS} calls at ${plan5.rate} requests/s (burst ${plan5.burst}) ≈ ${patchPathSeconds.toFixed(0)} s (${(patchPathSeconds / 3600).toFixed(2)} h), computed from the usage plan`);
  console.log(`targets: under 2 s ${seconds < 2 ? 'met' : 'MISSED'}, under 300 MB ${peak / MB < 300 ? 'met' : 'MISSED'}`);
  console.log(JSON.stringify({ skus: SKUS, seconds: Number(seconds.toFixed(3)), peak_mb: Number((peak / MB).toFixed(1)), patch_path_seconds: Math.round(patchPathSeconds) }));
  transport.httpsAgent.destroy();
} finally {
  await sandbox.stop();
}
