// bench:shopify-push — push 10,000 variant price changes over 2,000 products to the sandbox at the
// Standard plan's limits (2,000-point bucket, 100 points/s restore; time-scaled), through the Shopify
// connector (per-product productVariantsBulkUpdate, throttle scheduler), then the same kind of changes
// through a naive client (one mutation per variant, the library's default retry), in the same run.
//
// Efficiency = variants applied / the most the bucket allows in the same time. That maximum is what a
// perfect client gets: it spends the bucket it starts with plus everything restored meanwhile, at the
// best points-per-variant Shopify allows (all of a product's variants in one call).
//
// Env: BENCH_TIME_SCALE (default 2: where this shared machine still keeps up; raise it on a quiet one), BENCH_PRODUCTS (2000), BENCH_VARIANTS_PER_PRODUCT (5),
//      BENCH_NAIVE_VARIANTS (1000: the naive client is slow by nature; its rate is what is compared).
import { installSandboxRouting } from '@calibr/sandbox/routing';
import type { PriceUpdate } from '@calibr/shared-contracts';
import { ShopifyConnector, ThrottleScheduler } from '../../shopify-app/app/platforms/shopify/connector';
import { SHOPIFY_API_VERSION } from '../../shopify-app/app/platforms/shopify/connector/api-version';
import { naivePush } from './naive-client';
import { startSandboxProcess } from '../support/sandbox-process';

const timeScale = Number(process.env.BENCH_TIME_SCALE ?? 2);
const productCount = Number(process.env.BENCH_PRODUCTS ?? 2000);
const variantsPerProduct = Number(process.env.BENCH_VARIANTS_PER_PRODUCT ?? 5);
const naiveVariants = Number(process.env.BENCH_NAIVE_VARIANTS ?? 1000);
const CONCURRENCY = 8;

interface Bucket {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

const started = performance.now();
const sandbox = await startSandboxProcess({ seed: 'none', timeScale });
installSandboxRouting(sandbox.url);

async function control<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandbox.url}/_sandbox/shopify/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Wait until the shop's bucket is full, so each run starts from the same state. */
async function fullBucket(shop: string): Promise<Bucket> {
  for (;;) {
    const bucket = await control<Bucket>(`shops/${shop}/throttle`);
    if (bucket.currentlyAvailable >= bucket.maximumAvailable) return bucket;
    const waitMs = ((bucket.maximumAvailable - bucket.currentlyAvailable) / bucket.restoreRate) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(20, waitMs)));
  }
}

try {
  const shop = 'bench-push.myshopify.com';
  // No app is running to receive products/update here: the bench measures the Admin API push alone.
  await control('apps', { webhooks: [] });
  await control('shops', { domain: shop, plan: 'standard', generate: { count: productCount, variantsPerProduct }, install: false });
  const install = await control<{ token: { access_token: string } }>(`shops/${shop}/install`, {});
  const accessToken = install.token.access_token;
  const catalog = await control<{ products: Array<{ id: number; variants: Array<{ id: number; price: string }> }> }>(`shops/${shop}/products`);

  // The app knows each variant's product from its synced listings; the bench hands the connector the same.
  const located = new Map<string, { productId: string }>();
  const changes: Array<{ productId: string; variantId: string; price: string }> = [];
  catalog.products.forEach((p, pi) =>
    p.variants.forEach((v, vi) => {
      const productId = `gid://shopify/Product/${p.id}`;
      const variantId = `gid://shopify/ProductVariant/${v.id}`;
      located.set(variantId, { productId });
      changes.push({ productId, variantId, price: `${20 + ((pi + vi) % 70)}.${String((pi * 7 + vi) % 100).padStart(2, '0')}` });
    }),
  );

  // --- Calibrate's connector -------------------------------------------------------------------------
  const scheduler = new ThrottleScheduler({ maxConcurrency: CONCURRENCY });
  const connector = new ShopifyConnector({
    shop,
    token: { getAccessToken: async () => accessToken },
    apiVersion: SHOPIFY_API_VERSION,
    scheduler,
    bulkMutationThreshold: Number.POSITIVE_INFINITY, // measure the bucket-bound path, not a bulk operation
    locator: { locate: async (ids) => new Map(ids.flatMap((id) => (located.has(id) ? [[id, located.get(id)!] as const] : []))) },
  });
  await connector.loadShop();
  const startBucket = await fullBucket(shop);
  const statsBefore = { ...scheduler.stats };
  const updates: PriceUpdate[] = changes.map((c, i) => ({
    idempotencyKey: `bench-${i}`,
    externalId: c.variantId,
    price: { amount: c.price, currency: 'USD' },
  }));
  let t0 = performance.now();
  const batch = await connector.pricing.batchUpdatePrices(updates);
  const smartSeconds = (performance.now() - t0) / 1000;
  const requests = scheduler.stats.requests - statsBefore.requests;
  const throttled = scheduler.stats.throttled - statsBefore.throttled;
  const pointsUsed = scheduler.stats.pointsUsed - statsBefore.pointsUsed;
  const callsApplied = requests - throttled;
  const costPerCall = pointsUsed / Math.max(1, callsApplied);
  // The best points-per-variant: one call carries all of a product's variants.
  const pointsPerVariantAtBest = costPerCall / variantsPerProduct;
  const maxVariants = (seconds: number, bucket: Bucket) => (bucket.currentlyAvailable + bucket.restoreRate * seconds) / pointsPerVariantAtBest;
  const efficiency = batch.summary.applied / maxVariants(smartSeconds, startBucket);
  const throttledFraction = throttled / Math.max(1, requests);
  console.log(
    `connector: ${batch.summary.applied}/${updates.length} variants applied (${batch.summary.failed} failed) in ${smartSeconds.toFixed(2)} s; ` +
      `${requests} calls (${costPerCall.toFixed(1)} points each), ${throttled} THROTTLED; bucket ${startBucket.maximumAvailable} points, ` +
      `restoring ${startBucket.restoreRate}/s (${startBucket.restoreRate / timeScale}/s × time scale ${timeScale})`,
  );
  console.log(`connector: ${(efficiency * 100).toFixed(1)}% of the bucket's theoretical maximum, ${(throttledFraction * 100).toFixed(2)}% of calls throttled`);

  // --- The naive client ------------------------------------------------------------------------------
  const naiveChanges = changes.slice(0, Math.min(naiveVariants, changes.length)).map((c, i) => ({ ...c, price: `${30 + (i % 50)}.49` }));
  const naiveBucket = await fullBucket(shop);
  t0 = performance.now();
  const naive = await naivePush({ shop, accessToken, apiVersion: SHOPIFY_API_VERSION, changes: naiveChanges, concurrency: CONCURRENCY, timeScale });
  const naiveSeconds = (performance.now() - t0) / 1000;
  const naiveEfficiency = naive.applied / maxVariants(naiveSeconds, naiveBucket);
  const naiveThrottledFraction = naive.throttled / Math.max(1, naive.requests);
  console.log(
    `naive: ${naive.applied}/${naiveChanges.length} variants applied in ${naiveSeconds.toFixed(2)} s; ${naive.requests} calls, ${naive.throttled} THROTTLED; ` +
      `${(naiveEfficiency * 100).toFixed(1)}% of the theoretical maximum, ${(naiveThrottledFraction * 100).toFixed(2)}% throttled`,
  );

  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  console.log(
    JSON.stringify({
      variants: batch.summary.applied,
      efficiency: round(efficiency),
      throttled_fraction: round(throttledFraction),
      naive_efficiency: round(naiveEfficiency),
      naive_throttled_fraction: round(naiveThrottledFraction),
      seconds: round((performance.now() - started) / 1000),
    }),
  );
} finally {
  await sandbox.stop();
}
