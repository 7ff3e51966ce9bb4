// Since API 2026-01 a Shopify product may have 2,048 variants. The sandbox seeds one such product (beside a
// few ordinary ones); the app's catalog sync stores every variant (the products page reads 50 per product,
// the rest page through product.variants 250 at a time); a price push to all 2,048 applies, through
// productVariantsBulkUpdate calls of at most 250 variants each (Shopify's input limit, which the sandbox
// enforces) and through one bulk mutation; the next sync reads the pushed prices back. The connector finds
// each variant's product from the listings the sync stored. The app keeps one database client per process:
// one file per database (catalog-2048-variants.test.ts, catalog-2048-variants.postgres.test.ts).
import type { DatabaseProvider } from '@calibr/db';
import type { PriceUpdate } from '@calibr/shared-contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ShopifyConnector, ThrottleScheduler } from '../app/platforms/shopify/connector';
import { API_KEY, readJson, startShopifyWorld, waitFor, type ShopifyWorld } from './support/shopify-world';

const VARIANTS = 2048;

interface SandboxProduct {
  id: number;
  variants: Array<{ id: number; price: string; sku: string }>;
}

export function productWith2048VariantsSuite(provider: DatabaseProvider): void {
  const shop = `calibr-2048-${provider}.myshopify.com`;
  let world: ShopifyWorld;
  let big: SandboxProduct;
  let projectId: string;
  let accessToken: string;

  beforeAll(async () => {
    world = await startShopifyWorld({ timeScale: 20, provider });
    await world.createShop(shop, { products: 3, variantsPerProduct: 2 });
    await world.control(`shopify/shops/${shop}/products`, { generate: { count: 1, variantsPerProduct: VARIANTS, prefix: 'HUGE' } });
    const products = (await world.control<{ products: SandboxProduct[] }>(`shopify/shops/${shop}/products`)).products;
    big = products.find((p) => p.variants.length === VARIANTS)!;
    expect(big, 'the sandbox seeded a product with 2,048 variants').toBeDefined();
    accessToken = (await world.control<{ token: { access_token: string } }>(`shopify/shops/${shop}/install`, { apiKey: API_KEY })).token.access_token;
  }, 180_000);
  afterAll(() => world?.close());

  async function runSync(mode: 'full' | 'incremental') {
    const start = await world.api(shop, '/api/integrations/shopify/sync', { json: { mode } });
    expect(start.status).toBe(202);
    const { syncId } = await readJson<{ syncId: string }>(start);
    return waitFor(
      `the ${mode} sync`,
      async () => {
        const body = await readJson<{ status: string; itemsSynced: number }>(await world.api(shop, `/api/integrations/shopify/sync?id=${syncId}`));
        if (body.status === 'failed') throw new Error(`sync failed: ${JSON.stringify(body)}`);
        return body.status === 'completed' ? body : undefined;
      },
      180_000,
      250,
    );
  }

  const variantGid = (id: number) => `gid://shopify/ProductVariant/${id}`;
  const productGid = `gid://shopify/Product/`;

  /** The stored listings of the big product: externalId → price. */
  async function storedPrices(): Promise<Map<string, string>> {
    const rows = await world.database.db.listing.findMany({
      where: { projectId, platform: 'shopify', productExternalId: `${productGid}${big.id}`, status: 'active' },
      select: { externalId: true, priceAmount: true },
    });
    return new Map(rows.map((r) => [r.externalId, r.priceAmount]));
  }

  async function livePrices(): Promise<Map<string, string>> {
    const live = (await world.control<{ products: SandboxProduct[] }>(`shopify/shops/${shop}/products`)).products.find((p) => p.id === big.id)!;
    return new Map(live.variants.map((v) => [variantGid(v.id), v.price]));
  }

  /** The app's connector for the shop, placing variants by the listings the sync stored. */
  function connector(bulkMutationThreshold?: number): ShopifyConnector {
    return new ShopifyConnector({
      shop,
      token: { getAccessToken: async () => accessToken },
      scheduler: new ThrottleScheduler(),
      locator: {
        // As the app's listingLocator reads them: 400 ids a query.
        locate: async (ids) => {
          const found = new Map<string, { productId: string }>();
          for (let i = 0; i < ids.length; i += 400) {
            const rows = await world.database.db.listing.findMany({
              where: { projectId, platform: 'shopify', externalId: { in: ids.slice(i, i + 400) } },
              select: { externalId: true, productExternalId: true },
            });
            for (const r of rows) if (r.productExternalId) found.set(r.externalId, { productId: r.productExternalId });
          }
          return found;
        },
      },
      ...(bulkMutationThreshold !== undefined ? { bulkMutationThreshold } : {}),
      bulkPollIntervalMs: 100,
    });
  }

  function updatesTo(cents: (i: number) => number, label: string): PriceUpdate[] {
    return big.variants.map((v, i) => {
      const c = cents(i);
      return { idempotencyKey: `${label}-${i}`, externalId: variantGid(v.id), price: { amount: `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`, currency: 'USD' } };
    });
  }

  it('the sync stores all 2,048 variants of the product', async () => {
    const done = await runSync('full');
    expect(done.itemsSynced).toBe(VARIANTS + 6);
    projectId = (await world.database.db.project.findUniqueOrThrow({ where: { shopDomain: shop } })).id;
    const stored = await storedPrices();
    expect(stored.size).toBe(VARIANTS);
    for (const v of big.variants) expect(stored.get(variantGid(v.id)), `variant ${v.sku}`).toBe(v.price);
  }, 300_000);

  it('a price push to all 2,048 variants applies, in calls of at most 250 variants', async () => {
    const updates = updatesTo((i) => 2000 + i, 'grouped');
    // A fault that changes nothing (1 ms) counts the productVariantsBulkUpdate calls among the GraphQL requests.
    const counter = await world.control<{ id: string }>('faults', { platform: 'shopify', kind: 'latency', latencyMs: 1, path: '/admin/api/*/graphql.json', bodyContains: 'CalibrVariantsBulkUpdate' });
    const c = connector();
    const result = await c.pricing.batchUpdatePrices(updates);
    expect(result.summary).toEqual({ total: VARIANTS, applied: VARIANTS, pending: 0, failed: 0 });
    const live = await livePrices();
    for (const u of updates) expect(live.get(u.externalId)).toBe(u.price.amount);
    // One product, 2,048 variants: nine productVariantsBulkUpdate calls (8 × 250 + 48).
    const faults = await world.control<{ faults: Array<{ id: string; hits: number }> }>('faults');
    expect(faults.faults.find((f) => f.id === counter.id)?.hits).toBe(9);
    await fetch(`${world.sandbox.url}/_sandbox/faults/${counter.id}`, { method: 'DELETE' });
  }, 300_000);

  it('a push through one bulk mutation applies to all 2,048 too, and the next sync reads the prices back', async () => {
    const updates = updatesTo((i) => 5000 + (i % 700), 'bulk');
    const result = await connector(0).pricing.batchUpdatePrices(updates);
    expect(result.summary).toEqual({ total: VARIANTS, applied: VARIANTS, pending: 0, failed: 0 });
    const references = new Set(result.results.map((r) => (r.status === 'applied' ? r.platformReference?.kind : 'none')));
    expect(references).toEqual(new Set(['bulk_operation']));
    const live = await livePrices();
    for (const u of updates) expect(live.get(u.externalId)).toBe(u.price.amount);

    await runSync('full');
    const stored = await storedPrices();
    expect(stored.size).toBe(VARIANTS);
    for (const u of updates) expect(stored.get(u.externalId)).toBe(u.price.amount);
  }, 300_000);
}
