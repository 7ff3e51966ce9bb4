// A 2,000-variant catalog synced through the app (full, then incremental by updated_at), read back through
// the products API; then 1,000 variant prices pushed in one batch through the connector, a few invalid
// ones failing alone; and a large push through a bulk operation with a staged JSONL upload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PriceUpdate } from '@calibr/shared-contracts';
import { ShopifyConnector, ThrottleScheduler } from '../app/platforms/shopify/connector';
import { API_KEY, readJson, startShopifyWorld, waitFor, type ShopifyWorld } from './support/shopify-world';

let world: ShopifyWorld;
const SHOP = 'big-catalog.myshopify.com';

interface SandboxProduct {
  id: number;
  variants: Array<{ id: number; price: string; sku: string }>;
}

let products: SandboxProduct[];
let accessToken: string;

beforeAll(async () => {
  world = await startShopifyWorld({ timeScale: 20 });
  await world.createShop(SHOP, { products: 400, variantsPerProduct: 5 });
  products = (await world.control<{ products: SandboxProduct[] }>(`shopify/shops/${SHOP}/products`)).products;
  // A token of our own for the connector tests (the app keeps its own session).
  accessToken = (await world.control<{ token: { access_token: string } }>(`shopify/shops/${SHOP}/install`, { apiKey: API_KEY })).token.access_token;
});
afterAll(() => world?.close());

async function runSync(mode: 'full' | 'incremental', strategy?: 'paginated' | 'bulk') {
  const start = await world.api(SHOP, '/api/integrations/shopify/sync', { json: { mode, ...(strategy ? { strategy } : {}) } });
  expect(start.status).toBe(202);
  const { syncId } = await readJson<{ syncId: string }>(start);
  return waitFor(
    `the ${mode} sync`,
    async () => {
      const body = await readJson<{ status: string; itemsSynced: number; type: string }>(await world.api(SHOP, `/api/integrations/shopify/sync?id=${syncId}`));
      if (body.status === 'failed') throw new Error(`sync failed: ${JSON.stringify(body)}`);
      return body.status === 'completed' ? body : undefined;
    },
    120_000,
    250,
  );
}

const gid = (kind: 'Product' | 'ProductVariant', id: number) => `gid://shopify/${kind}/${id}`;

describe('catalog sync', () => {
  it('syncs a 2,000-variant catalog into listings', async () => {
    const done = await runSync('full');
    expect(done.itemsSynced).toBe(2000);
    const projectId = (await world.database.db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } })).id;
    expect(await world.database.db.listing.count({ where: { projectId, platform: 'shopify', status: 'active' } })).toBe(2000);
    const sample = products[123]!.variants[4]!;
    const listing = await world.database.db.listing.findFirstOrThrow({ where: { projectId, externalId: gid('ProductVariant', sample.id) } });
    expect(listing).toMatchObject({ priceAmount: sample.price, currency: 'USD', sku: sample.sku, productExternalId: gid('Product', products[123]!.id) });
  });

  it('reads a large catalog in one bulk query (bulkOperationRunQuery) when asked', async () => {
    const done = await runSync('full', 'bulk');
    expect(done.itemsSynced).toBe(2000);
    const integration = await world.database.db.platformIntegration.findFirstOrThrow({ where: { platform: 'shopify', externalId: SHOP } });
    expect(integration.metadata).toMatchObject({ lastSync: { strategy: 'bulk', products: 400, variants: 2000, deleted: 0 } });
  });

  it('serves the synced products with their variant prices, paginated and searchable', async () => {
    const page = await readJson<{ items: Array<{ variants: unknown[] }>; totalProducts: number; hasNext: boolean }>(
      await world.api(SHOP, '/api/integrations/shopify/products?page=2&pageSize=25'),
    );
    expect(page.totalProducts).toBe(400);
    expect(page.items).toHaveLength(25);
    expect(page.hasNext).toBe(true);
    expect(page.items.every((p) => p.variants.length === 5)).toBe(true);
    const sku = products[77]!.variants[2]!.sku;
    const found = await readJson<{ items: Array<{ productId: string }>; totalProducts: number }>(
      await world.api(SHOP, `/api/integrations/shopify/products?q=${encodeURIComponent(sku)}`),
    );
    expect(found.items.map((p) => p.productId)).toContain(gid('Product', products[77]!.id));
  });

  it('an incremental sync reads only what changed since the last one', async () => {
    const v = products[5]!.variants[0]!;
    await world.control(`shopify/shops/${SHOP}/prices`, { changes: [{ variantId: gid('ProductVariant', v.id), price: '88.80' }] });
    const done = await runSync('incremental');
    expect(done.type).toBe('incremental');
    expect(done.itemsSynced).toBeLessThan(50);
    expect(done.itemsSynced).toBeGreaterThanOrEqual(5);
    const listing = await world.database.db.listing.findFirstOrThrow({ where: { externalId: gid('ProductVariant', v.id) } });
    expect(listing.priceAmount).toBe('88.80');
  });
});

describe('price pushes', () => {
  function connector(options: { bulkMutationThreshold?: number; staleLocation?: [string, string] } = {}) {
    const known = new Map<string, { productId: string }>();
    for (const p of products) for (const v of p.variants) known.set(gid('ProductVariant', v.id), { productId: gid('Product', p.id) });
    if (options.staleLocation) known.set(options.staleLocation[0], { productId: options.staleLocation[1] });
    return new ShopifyConnector({
      shop: SHOP,
      token: { getAccessToken: async () => accessToken },
      scheduler: new ThrottleScheduler(),
      locator: { locate: async (ids) => new Map(ids.flatMap((id) => (known.has(id) ? [[id, known.get(id)!] as const] : []))) },
      ...(options.bulkMutationThreshold !== undefined ? { bulkMutationThreshold: options.bulkMutationThreshold } : {}),
      bulkPollIntervalMs: 100,
    });
  }

  async function livePrices(): Promise<Map<string, string>> {
    const live = (await world.control<{ products: SandboxProduct[] }>(`shopify/shops/${SHOP}/products`)).products;
    return new Map(live.flatMap((p) => p.variants.map((v) => [gid('ProductVariant', v.id), v.price] as const)));
  }

  it('updates 1,000 variant prices in one batch; the invalid ones fail alone', async () => {
    const targets = products.slice(200, 400).flatMap((p) => p.variants.map((v) => gid('ProductVariant', v.id)));
    expect(targets).toHaveLength(1000);
    const updates: PriceUpdate[] = targets.map((externalId, i) => ({
      idempotencyKey: `batch-1000-${i}`,
      externalId,
      price: { amount: `${30 + (i % 60)}.25`, currency: 'USD' },
    }));
    // A few bad ones among them.
    updates[10] = { ...updates[10]!, price: { amount: '12.345', currency: 'USD' } }; // too many decimals for USD
    updates[20] = { ...updates[20]!, price: { amount: '12.00', currency: 'EUR' } }; // not the shop's currency
    updates[30] = { ...updates[30]!, externalId: 'gid://shopify/ProductVariant/999999999999' }; // no such variant
    // Our listing says variant 40 belongs to another product: Shopify's userError fails that one only.
    const stale: [string, string] = [updates[40]!.externalId, gid('Product', products[0]!.id)];
    const c = connector({ staleLocation: stale });

    const result = await c.pricing.batchUpdatePrices(updates);
    expect(result.summary).toEqual({ total: 1000, applied: 996, pending: 0, failed: 4 });
    const failures = result.results.flatMap((r, i) => (r.status === 'failed' ? [[i, r.reason]] : []));
    expect(failures).toEqual([
      [10, 'validation'],
      [20, 'validation'],
      [30, 'not_found'],
      [40, 'not_found'],
    ]);
    const variant40 = result.results[40]!;
    expect(variant40.status === 'failed' && variant40.platformError?.code).toBe('MUST_BE_FOR_THIS_PRODUCT');

    const live = await livePrices();
    updates.forEach((u, i) => {
      if ([10, 20, 30, 40].includes(i)) return;
      expect(live.get(u.externalId), `variant ${i}`).toBe(u.price.amount);
    });
    expect(live.get(updates[10]!.externalId)).not.toBe('12.345');

    // Retrying the same batch (same keys, same content) sends nothing again and returns the same results.
    const stats = { ...c.client.scheduler.stats };
    const retry = await c.pricing.batchUpdatePrices(updates);
    expect(retry.results.filter((r) => r.status === 'applied')).toEqual(result.results.filter((r) => r.status === 'applied'));
    expect(c.client.scheduler.stats.requests - stats.requests).toBeLessThanOrEqual(2); // only the unknown ones are looked up again
  });

  it('pushes a large batch through bulkOperationRunMutation with a staged JSONL upload', async () => {
    const targets = products.slice(0, 60).flatMap((p) => p.variants.map((v) => gid('ProductVariant', v.id)));
    const updates: PriceUpdate[] = targets.map((externalId, i) => ({
      idempotencyKey: `bulk-${i}`,
      externalId,
      price: { amount: `${10 + (i % 40)}.75`, currency: 'USD' },
    }));
    const c = connector({ bulkMutationThreshold: 100 });
    const result = await c.pricing.batchUpdatePrices(updates);
    expect(result.summary.applied).toBe(300);
    const first = result.results[0]!;
    expect(first.status === 'applied' && first.platformReference?.kind).toBe('bulk_operation');
    const live = await livePrices();
    for (const u of updates) expect(live.get(u.externalId)).toBe(u.price.amount);
  });
});
