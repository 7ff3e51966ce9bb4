// Webhooks against the sandbox and the app over HTTP: HMAC checked (forged → 401, nothing changed),
// deliveries recorded by id (a duplicate acknowledged and ignored), out-of-order products/update never
// overwriting newer state, merchant price edits recorded as changed outside Calibrate, scopes updates,
// uninstall, and shop/redact erasing every row of the shop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, BROWSER_UA, readJson, startShopifyWorld, syncShopify, waitFor, type ShopifyWorld } from './support/shopify-world';

let world: ShopifyWorld;
const SHOP = 'webhook-shop.myshopify.com';
const OTHER = 'webhook-other.myshopify.com';

interface SandboxProduct {
  id: number;
  title: string;
  updatedAt: string;
  variants: Array<{ id: number; price: string; sku: string; title: string }>;
}

async function projectId(shop: string) {
  return (await world.database.db.project.findUniqueOrThrow({ where: { shopDomain: shop } })).id;
}

/** The products/update payload Shopify sends (REST shape), for a product as the sandbox holds it. */
function productPayload(p: SandboxProduct, updatedAt: string, price: string) {
  return {
    id: p.id,
    admin_graphql_api_id: `gid://shopify/Product/${p.id}`,
    title: p.title,
    status: 'active',
    updated_at: updatedAt,
    variants: p.variants.map((v) => ({
      id: v.id,
      admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`,
      title: v.title,
      sku: v.sku,
      price,
      updated_at: updatedAt,
    })),
  };
}

let products: SandboxProduct[];

beforeAll(async () => {
  world = await startShopifyWorld();
  await world.createShop(SHOP, { products: 4, variantsPerProduct: 2 });
  await world.createShop(OTHER, { products: 2, variantsPerProduct: 1 });
  await syncShopify(world, SHOP);
  await syncShopify(world, OTHER);
  products = (await world.control<{ products: SandboxProduct[] }>(`shopify/shops/${SHOP}/products`)).products;
});
afterAll(() => world?.close());

describe('products/update', () => {
  it('a forged HMAC gets 401 and changes nothing', async () => {
    const p = products[0]!;
    const before = await world.database.db.listing.findMany({ where: { productExternalId: `gid://shopify/Product/${p.id}` } });
    const deliveries = await world.database.db.processedWebhook.count();
    const res = await world.webhook('/webhooks/products/update', 'products/update', SHOP, productPayload(p, new Date().toISOString(), '1.00'), {
      forge: true,
    });
    expect(res.status).toBe(401);
    expect(await world.database.db.processedWebhook.count()).toBe(deliveries);
    const after = await world.database.db.listing.findMany({ where: { productExternalId: `gid://shopify/Product/${p.id}` } });
    expect(after.map((l) => l.priceAmount)).toEqual(before.map((l) => l.priceAmount));
  });

  it('a duplicate delivery is acknowledged and ignored', async () => {
    const p = products[1]!;
    const webhookId = `dup-${Date.now()}`;
    const payload = productPayload(p, new Date(Date.now() + 1000).toISOString(), '41.00');
    const first = await world.webhook('/webhooks/products/update', 'products/update', SHOP, payload, { webhookId });
    expect(first.status).toBe(200);
    await waitFor('the first delivery processed', async () => {
      const row = await world.database.db.processedWebhook.findUnique({ where: { webhookId } });
      return row?.status === 'processed';
    });
    // Meanwhile the merchant's state moved on; the replay of the old delivery must not bring 41.00 back.
    await world.database.db.listing.updateMany({ where: { productExternalId: `gid://shopify/Product/${p.id}` }, data: { priceAmount: '43.00' } });
    const again = await world.webhook('/webhooks/products/update', 'products/update', SHOP, payload, { webhookId });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-calibr-webhook')).toBe('duplicate');
    expect(await world.database.db.processedWebhook.count({ where: { webhookId } })).toBe(1);
    const listings = await world.database.db.listing.findMany({ where: { productExternalId: `gid://shopify/Product/${p.id}` } });
    expect(listings.map((l) => l.priceAmount)).toEqual(['43.00', '43.00']);
    // Delivery counts are written a few times a second (not in the reply path): wait for the next write.
    const id = await projectId(SHOP);
    await waitFor('the duplicate counted', async () => {
      const sub = await world.database.db.shopifyWebhookSubscription.findFirstOrThrow({ where: { projectId: id, topic: 'products/update' } });
      return sub.duplicatesIgnored >= 1;
    });
  });

  it('an out-of-order delivery never overwrites newer state', async () => {
    const p = products[2]!;
    const newer = new Date(Date.now() + 60_000).toISOString();
    const older = new Date(Date.now() + 30_000).toISOString();
    expect((await world.webhook('/webhooks/products/update', 'products/update', SHOP, productPayload(p, newer, '55.00'))).status).toBe(200);
    expect((await world.webhook('/webhooks/products/update', 'products/update', SHOP, productPayload(p, older, '50.00'))).status).toBe(200);
    await waitFor('both deliveries processed', async () => (await world.database.db.processedWebhook.count({ where: { shop: SHOP, status: { not: 'processed' } } })) === 0);
    const listings = await world.database.db.listing.findMany({ where: { productExternalId: `gid://shopify/Product/${p.id}` } });
    expect(listings.map((l) => l.priceAmount)).toEqual(['55.00', '55.00']);
    expect(listings[0]!.platformUpdatedAt?.toISOString()).toBe(newer);
  });

  it('a price the merchant changes in Shopify is delivered by Shopify, refreshed, and recorded as outside Calibrate', async () => {
    const v = products[3]!.variants[0]!;
    await world.control(`shopify/shops/${SHOP}/prices`, { changes: [{ variantId: `gid://shopify/ProductVariant/${v.id}`, price: '77.70' }] });
    const listing = await waitFor('the listing refreshed from the webhook', async () => {
      const row = await world.database.db.listing.findFirst({ where: { externalId: `gid://shopify/ProductVariant/${v.id}` } });
      return row?.priceAmount === '77.70' ? row : undefined;
    });
    const audit = await world.database.db.auditLog.findFirst({
      where: { projectId: await projectId(SHOP), action: 'listing.price_changed_outside_calibrate', entityId: listing.id },
    });
    expect(audit?.data).toMatchObject({ from: v.price, to: '77.70' });
    const status = await readJson<{ outsideChanges: Array<{ to: string }>; webhooks: Array<{ topic: string; health: string }> }>(
      await world.api(SHOP, '/api/integrations/shopify/status'),
    );
    expect(status.outsideChanges.some((c) => c.to === '77.70')).toBe(true);
    expect(status.webhooks.find((w) => w.topic === 'products/update')?.health).toBe('healthy');
  });
});

describe('app lifecycle and compliance', () => {
  it('app/scopes_update updates the stored scope', async () => {
    await world.control(`shopify/shops/${SHOP}/scopes`, { apiKey: API_KEY, scopes: ['read_products', 'write_products'] });
    await waitFor('the scope updated', async () => {
      const row = await world.database.db.shopifyIntegration.findUnique({ where: { shopDomain: SHOP } });
      return row?.scope === 'read_products,write_products';
    });
  });

  it('customers/data_request and customers/redact are answered; no customer data is kept', async () => {
    for (const topic of ['customers/data_request', 'customers/redact']) {
      await world.control(`shopify/shops/${SHOP}/compliance`, { apiKey: API_KEY, topic });
    }
    const rows = await waitFor('both compliance deliveries processed', async () => {
      const found = await world.database.db.processedWebhook.findMany({ where: { shop: SHOP, topic: { startsWith: 'customers/' } } });
      return found.length === 2 && found.every((r) => r.status === 'processed') ? found : undefined;
    });
    expect(rows.every((r) => r.payload === null)).toBe(true);
  });

  it('app/uninstalled deactivates the integration and removes sessions; shop/redact then leaves no row of the shop', async () => {
    await world.control(`shopify/shops/${SHOP}/uninstall`, { apiKey: API_KEY });
    await waitFor('the uninstall processed', async () => {
      const row = await world.database.db.shopifyIntegration.findUnique({ where: { shopDomain: SHOP } });
      return row?.isActive === false;
    });
    expect(await world.database.db.session.count({ where: { shop: SHOP } })).toBe(0);
    // The app's API refuses the uninstalled shop's old session tokens? Its data is still here until redact.
    const id = await projectId(SHOP);
    expect(await world.database.db.listing.count({ where: { projectId: id } })).toBe(8);

    await world.control(`shopify/shops/${SHOP}/compliance`, { apiKey: API_KEY, topic: 'shop/redact' });
    await waitFor('the shop erased', async () => (await world.database.db.project.count({ where: { shopDomain: SHOP } })) === 0);
    const db = world.database.db;
    const counts = {
      projects: await db.project.count({ where: { shopDomain: SHOP } }),
      sessions: await db.session.count({ where: { shop: SHOP } }),
      integrations: await db.shopifyIntegration.count({ where: { shopDomain: SHOP } }),
      subscriptions: await db.shopifyWebhookSubscription.count({ where: { projectId: id } }),
      listings: await db.listing.count({ where: { projectId: id } }),
      syncLogs: await db.platformSyncLog.count({ where: { projectId: id } }),
      platformIntegrations: await db.platformIntegration.count({ where: { projectId: id } }),
      audit: await db.auditLog.count({ where: { projectId: id } }),
      webhooks: await db.processedWebhook.count({ where: { OR: [{ shop: SHOP }, { projectId: id }] } }),
    };
    expect(counts).toEqual({
      projects: 0,
      sessions: 0,
      integrations: 0,
      subscriptions: 0,
      listings: 0,
      syncLogs: 0,
      platformIntegrations: 0,
      audit: 0,
      webhooks: 0,
    });
    // The other shop is untouched.
    expect(await db.listing.count({ where: { projectId: await projectId(OTHER) } })).toBe(2);
    const other = await world.api(OTHER, '/api/integrations/shopify/status', { headers: { 'user-agent': BROWSER_UA } });
    expect(other.status).toBe(200);
  });
});
