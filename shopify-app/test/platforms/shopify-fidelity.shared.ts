// Shopify as it is in 2026-10 (issue 17), against the sandbox over real HTTP, on one database:
// - a duplicate delivery of one event (same X-Shopify-Event-Id, new webhook id), sent by the sandbox as
//   Shopify does, is processed once;
// - a scope added to the configuration waits for the merchant's grant: the app notices it is missing (the
//   session's scope after token exchange), asks for it with shopify-app-remix's scopes API (Shopify's grant
//   screen), and takes the grant from Shopify when app/scopes_update arrives (never from the body);
// - products/create brings a new product in; products/delete retires the product's listings, its links,
//   its pending suggestions and its queued price attempts, and only once Shopify confirms it is gone.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseProvider } from '@calibr/db';
import { API_KEY, readJson, startShopifyWorld, syncShopify, waitFor, type ShopifyWorld } from '../support/shopify-world';

interface SandboxDelivery {
  webhookId: string;
  eventId: string;
  topic: string;
  state: string;
  duplicateOf?: string;
  body: string;
}

interface SandboxProduct {
  id: number;
  variants: Array<{ id: number; sku: string }>;
}

export function shopifyFidelitySuite(provider: DatabaseProvider): void {
  const SHOP = `fidelity-${provider}.myshopify.com`;
  const SCOPED = `fidelity-scopes-${provider}.myshopify.com`;
  let world: ShopifyWorld;
  let projectId: string;

  async function deliveries(topic: string, shop = SHOP): Promise<SandboxDelivery[]> {
    return (await world.control<{ deliveries: SandboxDelivery[] }>(`shopify/webhooks/deliveries?topic=${encodeURIComponent(topic)}&shop=${shop}`)).deliveries;
  }

  async function processed(webhookId: string) {
    return waitFor(`delivery ${webhookId} processed`, async () => {
      const row = await world.database.db.processedWebhook.findUnique({ where: { webhookId } });
      return row && row.status !== 'received' && row.status !== 'processing' ? row : undefined;
    });
  }

  async function products(shop = SHOP): Promise<SandboxProduct[]> {
    return (await world.control<{ products: SandboxProduct[] }>(`shopify/shops/${shop}/products`)).products;
  }

  beforeAll(async () => {
    world = await startShopifyWorld({ provider });
    await world.createShop(SHOP, { products: 3, variantsPerProduct: 1 });
    await syncShopify(world, SHOP);
    projectId = (await world.database.db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } })).id;
  }, 180_000);
  afterAll(() => world?.close());

  it('a duplicate of one event under a new webhook id (sent by the sandbox as Shopify does) is processed once', async () => {
    const [product] = await products();
    const variant = `gid://shopify/ProductVariant/${product!.variants[0]!.id}`;
    await world.control('shopify/webhooks/duplicates', { next: 1 });
    await world.control(`shopify/shops/${SHOP}/prices`, { changes: [{ variantId: variant, price: '61.23' }] });
    // Both the delivery and its duplicate answered (2xx) by the app.
    const [original, copy] = await waitFor('the delivery and its duplicate delivered', async () => {
      const list = (await deliveries('products/update')).filter((d) => d.body.includes('"61.23"'));
      return list.length === 2 && list.every((d) => d.state === 'delivered') ? list : undefined;
    });
    expect(copy!.duplicateOf).toBe(original!.webhookId);
    expect(copy!.eventId).toBe(original!.eventId);
    await processed(original!.webhookId);
    const rows = await world.database.db.processedWebhook.findMany({ where: { shop: SHOP, eventId: original!.eventId } });
    expect(rows.map((r) => r.webhookId)).toEqual([original!.webhookId]);
    expect((await world.database.db.listing.findFirstOrThrow({ where: { projectId, externalId: variant } })).priceAmount).toBe('61.23');
    const outside = await world.database.db.auditLog.findMany({ where: { projectId, action: 'listing.price_changed_outside_calibrate' } });
    expect(outside.filter((a) => (a.data as { to?: string }).to === '61.23')).toHaveLength(1);
    await waitFor('the duplicate counted', async () => {
      const sub = await world.database.db.shopifyWebhookSubscription.findFirstOrThrow({ where: { projectId, topic: 'products/update' } });
      return sub.duplicatesIgnored >= 1;
    });
  });

  it('a newly configured scope is noticed missing, requested from the merchant (Shopify’s grant screen), and the grant read back from Shopify updates the app', async () => {
    // Installed when the app asked only for read_products; shopify.app.toml now requires more.
    await world.control('shopify/shops', { domain: SCOPED, plan: 'standard', install: false, generate: { count: 1, variantsPerProduct: 1, prefix: 'SCOPED' } });
    await world.control(`shopify/shops/${SCOPED}/install`, { apiKey: API_KEY, scopes: ['read_products'], token: false });
    // The app opens: token exchange gives a token with what was granted, not what is configured.
    const status = await readJson<{ scopes: string[]; missingScopes: string[] }>(await world.api(SCOPED, '/api/integrations/shopify/status'));
    expect(status.scopes).toEqual(['read_products']);
    expect(status.missingScopes).toEqual(['write_products', 'read_inventory']);
    expect((await world.control<{ requested: string[] }>(`shopify/shops/${SCOPED}/scopes?apiKey=${API_KEY}`)).requested).toEqual(['write_products', 'read_inventory']);

    // Shopify's own answer (scopes.query()), then the request: App Bridge's reauthorize header to the grant screen.
    const query = await readJson<{ granted: string[]; missing: string[] }>(await world.api(SCOPED, '/api/integrations/shopify/scopes'));
    expect(query.missing).toEqual(['write_products', 'read_inventory']);
    const ask = await world.api(SCOPED, '/api/integrations/shopify/scopes', { method: 'POST' });
    expect(ask.status).toBe(401);
    const grantScreen = new URL(ask.headers.get('x-shopify-api-request-failure-reauthorize-url') ?? '');
    expect(`${grantScreen.origin}${grantScreen.pathname}`).toBe(`https://${SCOPED}/admin/oauth/install`);
    expect(grantScreen.searchParams.get('client_id')).toBe(API_KEY);
    expect(grantScreen.searchParams.get('optional_scopes')?.split(',')).toEqual(['write_products', 'read_inventory']);
    const screen = await fetch(grantScreen);
    expect(screen.status).toBe(200);
    expect(await screen.text()).toContain('<code>read_inventory</code>');

    // A validly signed app/scopes_update whose body claims a grant Shopify doesn't have changes nothing:
    // the grant is read from Shopify.
    const claimed = randomUUID();
    const forged = await world.webhook('/webhooks/app/scopes_update', 'app/scopes_update', SCOPED, { id: 1, previous: ['read_products'], current: ['read_products', 'write_products', 'read_inventory'], updated_at: new Date().toISOString() }, { webhookId: claimed });
    expect(forged.status).toBe(200);
    await processed(claimed);
    expect((await world.database.db.shopifyIntegration.findUniqueOrThrow({ where: { shopDomain: SCOPED } })).scope).toBe('read_products');

    // The merchant approves: Shopify sends app/scopes_update; the app's state follows Shopify's grant.
    const grant = await world.control<{ webhooks: Array<{ webhookId: string }> }>(`shopify/shops/${SCOPED}/scopes/grant`, { apiKey: API_KEY });
    expect(grant.webhooks).toHaveLength(1);
    expect((await processed(grant.webhooks[0]!.webhookId)).status).toBe('processed');
    const integration = await world.database.db.shopifyIntegration.findUniqueOrThrow({ where: { shopDomain: SCOPED } });
    expect(integration.scope.split(',').sort()).toEqual(['read_inventory', 'read_products', 'write_products']);
    const sessions = await world.database.db.session.findMany({ where: { shop: SCOPED } });
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.scope?.split(',').sort().join(',') === 'read_inventory,read_products,write_products')).toBe(true);
    const after = await readJson<{ missingScopes: string[] }>(await world.api(SCOPED, '/api/integrations/shopify/status'));
    expect(after.missingScopes).toEqual([]);
    const again = await world.api(SCOPED, '/api/integrations/shopify/scopes', { method: 'POST' });
    expect(again.status).toBe(200);
    expect((await readJson<{ missing: string[] }>(again)).missing).toEqual([]);
  });

  it('products/create brings a product added in Shopify into the catalog', async () => {
    const added = await world.control<{ products: Array<{ id: string; variants: Array<{ id: string }> }> }>(`shopify/shops/${SHOP}/products`, {
      products: [{ title: 'Created in Admin', variants: [{ sku: 'FIDELITY-NEW-1', price: '14.50' }] }],
    });
    const [created] = (await deliveries('products/create')).filter((d) => d.body.includes('FIDELITY-NEW-1'));
    expect(created).toBeDefined();
    expect((await processed(created!.webhookId)).status).toBe('processed');
    const listing = await world.database.db.listing.findFirstOrThrow({ where: { projectId, externalId: added.products[0]!.variants[0]!.id } });
    expect({ sku: listing.sku, price: listing.priceAmount, status: listing.status, product: listing.productExternalId }).toEqual({
      sku: 'FIDELITY-NEW-1',
      price: '14.50',
      status: 'active',
      product: added.products[0]!.id,
    });
  });

  it('products/delete retires the listings, the product link, pending suggestions and queued attempts; a product Shopify still has is left alone', async () => {
    const db = world.database.db;
    const [doomed, kept] = await products();
    const productGid = `gid://shopify/Product/${doomed!.id}`;
    const listing = await db.listing.findFirstOrThrow({ where: { projectId, productExternalId: productGid } });
    // Linked to an Amazon offer of the same SKU, with a pending suggestion and an approved change not sent yet.
    const link = await db.productLink.create({ data: { projectId, sku: listing.sku!, source: 'auto' } });
    const amazon = await db.listing.create({
      data: { projectId, platform: 'amazon', marketplaceId: 'ATVPDKIKX0DER', externalId: listing.sku!, sku: listing.sku, title: 'On Amazon', currency: 'USD', priceAmount: '30.00', productLinkId: link.id, linkSource: 'auto' },
    });
    await db.listing.update({ where: { id: listing.id }, data: { productLinkId: link.id, linkSource: 'auto' } });
    const suggestion = await db.priceSuggestion.create({
      data: { projectId, listingId: listing.id, productLinkId: link.id, currency: 'USD', currentAmount: listing.priceAmount, suggestedAmount: '29.00', explanation: { trigger: 'test' } },
    });
    // The change's first send fails (Shopify answers 503): its attempt waits, queued, for the next try.
    const fault = await world.control<{ id: string }>('faults', { platform: 'shopify', kind: 'status', status: 503, host: SHOP, bodyContains: 'productVariantsBulkUpdate' });
    const change = await db.priceChange.create({ data: { projectId, idempotencyKey: `fidelity-${randomUUID()}`, listingId: listing.id, currency: 'USD', fromAmount: listing.priceAmount, toAmount: '28.00', source: 'manual' } });
    const attempt = await db.priceChangeAttempt.create({ data: { projectId, priceChangeId: change.id, listingId: listing.id, platform: 'shopify', currency: 'USD', amount: '28.00' } });
    await waitFor('the first send refused and the attempt queued again', async () => {
      const a = await db.priceChangeAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
      return a.attemptCount >= 1 && a.status === 'queued';
    });
    const faultHits = async () => (await world.control<{ faults: Array<{ id: string; hits: number }> }>('faults')).faults.find((f) => f.id === fault.id)!.hits;
    const sendsBefore = await faultHits();
    expect(sendsBefore).toBeGreaterThan(0);

    // A signed products/delete for a product Shopify still has (a replay): nothing changes.
    const replayed = randomUUID();
    expect((await world.webhook('/webhooks/products/delete', 'products/delete', SHOP, { id: kept!.id }, { webhookId: replayed })).status).toBe(200);
    await processed(replayed);
    expect((await db.listing.findFirstOrThrow({ where: { projectId, productExternalId: `gid://shopify/Product/${kept!.id}` } })).status).toBe('active');

    const since = (await world.control<{ lastId: number }>('log?limit=1')).lastId;
    const deleted = await world.control<{ webhooks: Array<{ webhookId: string }> }>(`shopify/shops/${SHOP}/products/delete`, { id: productGid });
    expect((await processed(deleted.webhooks[0]!.webhookId)).status).toBe('processed');
    expect(await db.listing.findUniqueOrThrow({ where: { id: listing.id }, select: { status: true, productLinkId: true } })).toEqual({ status: 'deleted', productLinkId: null });
    // The link had only this Shopify listing beside the Amazon one: it links nothing any more.
    expect((await db.listing.findUniqueOrThrow({ where: { id: amazon.id } })).productLinkId).toBeNull();
    expect(await db.priceSuggestion.findUniqueOrThrow({ where: { id: suggestion.id }, select: { status: true, statusReason: true, decidedBy: true } })).toEqual({
      status: 'superseded',
      statusReason: 'product_deleted',
      decidedBy: 'system:shopify',
    });
    expect(await db.priceChangeAttempt.findUniqueOrThrow({ where: { id: attempt.id }, select: { status: true, platformCode: true } })).toEqual({ status: 'failed', platformCode: 'PRODUCT_DELETED' });
    // The push settles the change at its next round without sending it again.
    await waitFor('the change settled', async () => (await db.priceChange.findUniqueOrThrow({ where: { id: change.id } })).status === 'failed');
    expect(await faultHits()).toBe(sendsBefore);
    await fetch(`${world.sandbox.url}/_sandbox/faults/${fault.id}`, { method: 'DELETE' });
    expect(await db.auditLog.count({ where: { projectId, action: 'product.deleted_in_shopify', entityId: productGid } })).toBe(1);
    // The app asked Shopify whether the product is gone before retiring it.
    const { entries } = await world.control<{ entries: Array<{ host?: string }> }>(`log?platform=shopify&path=graphql.json&since=${since}`);
    expect(entries.filter((e) => e.host === SHOP).length).toBeGreaterThan(0);
    const status = await readJson<{ listings: { total: number } }>(await world.api(SHOP, '/api/integrations/shopify/status'));
    expect(status.listings.total).toBe(await db.listing.count({ where: { projectId, platform: 'shopify', status: { not: 'deleted' } } }));
  });
}
