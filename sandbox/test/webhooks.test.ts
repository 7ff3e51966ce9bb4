// Webhooks as Shopify delivers them, checked with shopify-api's own webhooks.validate: products/update on a
// price change through the API or by the merchant, shop/update on a change of the shop's time zone, app/uninstalled, app/scopes_update, the compliance
// topics, retries with backoff (scaled), and every attempt recorded.
import { createHmac } from 'node:crypto';
import { DeliveryMethod, Session } from '@shopify/shopify-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, control, installToken, rawGraphql, SHOP, startTestContext, TEST_APP, type ReceivedRequest, type TestContext } from './helpers';

let t: TestContext;
let token: string;

beforeAll(async () => {
  t = await startTestContext({ timeScale: 200 });
  token = await installToken(t.sandbox);
});
afterAll(() => t?.close());

async function validate(ctx: TestContext, r: ReceivedRequest) {
  return ctx.shopify.webhooks.validate({ rawBody: r.rawBody, rawRequest: r.req });
}

async function firstVariant(sku: string) {
  const { data } = await adminClient(token).request(`query($q: String) { productVariants(first: 1, query: $q) { nodes { id product { id } } } }`, { variables: { q: `sku:${sku}` } });
  return data.productVariants.nodes[0] as { id: string; product: { id: string } };
}

describe('products/update', () => {
  it('is delivered after a price change through the Admin API, with headers and HMAC shopify-api accepts', async () => {
    const v = await firstVariant('CAL-EMBE-CAMP');
    const triggeredAfter = Date.now();
    const { data } = await adminClient(token).request(
      `mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $p, variants: $v) { userErrors { message } } }`,
      { variables: { p: v.product.id, v: [{ id: v.id, price: '84.50' }] } },
    );
    expect(data.productVariantsBulkUpdate.userErrors).toEqual([]);
    const hook = await t.app.waitFor((r) => r.headers['x-shopify-topic'] === 'products/update' && r.rawBody.includes('"84.50"'));
    expect(hook.path).toBe('/webhooks/products/update');
    const result = await validate(t, hook);
    expect(result).toMatchObject({ valid: true, topic: 'PRODUCTS_UPDATE', domain: SHOP, apiVersion: '2025-01' });
    expect(hook.headers['x-shopify-hmac-sha256']).toBe(createHmac('sha256', TEST_APP.apiSecret).update(hook.rawBody).digest('base64'));
    expect(hook.headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(hook.headers['x-shopify-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(String(hook.headers['x-shopify-triggered-at']))).toBeGreaterThanOrEqual(triggeredAfter - 1000);
    const body = JSON.parse(hook.rawBody);
    expect(body.admin_graphql_api_id).toBe(v.product.id);
    expect(body.title).toBe('Ember Camp Stove');
    expect(body.variants[0]).toMatchObject({ admin_graphql_api_id: v.id, price: '84.50', sku: 'CAL-EMBE-CAMP' });
    expect(body.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);

    // A tampered body no longer validates.
    const tampered = await t.shopify.webhooks.validate({ rawBody: hook.rawBody.replace('84.50', '1.00'), rawRequest: hook.req });
    expect(tampered.valid).toBe(false);
  });

  it('is delivered when the merchant edits a price in Admin', async () => {
    const r = await control<{ variants: Array<{ price: string }> }>(t.sandbox, 'POST', `shopify/shops/${SHOP}/prices`, { sku: 'CAL-VIST-BINO', price: '189.00' });
    expect(r.body.variants[0]!.price).toBe('189.00');
    const hook = await t.app.waitFor((h) => h.headers['x-shopify-topic'] === 'products/update' && h.rawBody.includes('CAL-VIST-BINO'));
    expect((await validate(t, hook)).valid).toBe(true);
    expect(JSON.parse(hook.rawBody).variants[0].price).toBe('189.00');
  });
});

describe('subscriptions made through the API', () => {
  it('shopify-api registers a handler with webhookSubscriptionCreate, and deliveries go to it', async () => {
    t.shopify.webhooks.addHandlers({ PRODUCTS_UPDATE: { deliveryMethod: DeliveryMethod.Http, callbackUrl: '/api-hooks/products' } });
    const session = new Session({ id: 'offline_test', shop: SHOP, state: '', isOnline: false, accessToken: token });
    const result = await t.shopify.webhooks.register({ session });
    expect(result.PRODUCTS_UPDATE?.[0]).toMatchObject({ success: true });
    // Registering again finds it (webhookSubscriptions query) and leaves it alone.
    const again = await t.shopify.webhooks.register({ session });
    expect(again.PRODUCTS_UPDATE).toEqual([]);
    const { data } = await adminClient(token).request('{ webhookSubscriptions(first: 10, topics: [PRODUCTS_UPDATE]) { nodes { topic endpoint { ... on WebhookHttpEndpoint { callbackUrl } } } } }');
    expect(data.webhookSubscriptions.nodes).toEqual([{ topic: 'PRODUCTS_UPDATE', endpoint: { callbackUrl: `${t.app.url}/api-hooks/products` } }]);

    await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/prices`, { sku: 'CAL-GRAN-CAMP', price: '70.00' });
    const viaApi = await t.app.waitFor((r) => r.path === '/api-hooks/products' && r.rawBody.includes('CAL-GRAN-CAMP'));
    const viaToml = await t.app.waitFor((r) => r.path === '/webhooks/products/update' && r.rawBody.includes('CAL-GRAN-CAMP'));
    expect((await validate(t, viaApi)).valid).toBe(true);
    // One event, two subscriptions: the same event id, different webhook ids.
    expect(viaApi.headers['x-shopify-event-id']).toBe(viaToml.headers['x-shopify-event-id']);
    expect(viaApi.headers['x-shopify-webhook-id']).not.toBe(viaToml.headers['x-shopify-webhook-id']);
  });
});

describe('retries', () => {
  it('retries a failed delivery with backoff, keeping the webhook id, and records each attempt', async () => {
    let failures = 0;
    t.app.respond = (r) => (r.path === '/webhooks/products/update' && r.rawBody.includes('CAL-COMP-NAVI') && failures++ < 2 ? 500 : 200);
    try {
      await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/prices`, { sku: 'CAL-COMP-NAVI', price: '33.00' });
      const attempts = () => t.app.received.filter((r) => r.path === '/webhooks/products/update' && r.rawBody.includes('CAL-COMP-NAVI'));
      for (let i = 0; i < 100 && attempts().length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      const got = attempts();
      expect(got).toHaveLength(3);
      expect(new Set(got.map((r) => r.headers['x-shopify-webhook-id'])).size).toBe(1);
      expect(new Set(got.map((r) => r.rawBody)).size).toBe(1);
      const deliveries = await control<{ deliveries: Array<{ state: string; url: string; attempts: Array<{ status: number }>; body: string }> }>(t.sandbox, 'GET', `shopify/webhooks/deliveries?topic=products/update`);
      const d = deliveries.body.deliveries.find((x) => x.body.includes('CAL-COMP-NAVI') && x.url.endsWith('/webhooks/products/update'))!;
      expect(d.state).toBe('delivered');
      expect(d.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      const log = await control<{ entries: Array<{ kind: string; detail: { state: string } }> }>(t.sandbox, 'GET', 'log?kind=webhook');
      expect(log.body.entries.filter((e) => e.detail.state === 'retrying').length).toBeGreaterThanOrEqual(2);
    } finally {
      t.app.respond = () => 200;
    }
  });
});

describe('shop/update', () => {
  it("is delivered with the REST shop when the merchant changes the shop's time zone, which the Admin API then answers", async () => {
    const before = await adminClient(token).request('{ shop { ianaTimezone } }');
    expect(before.data.shop.ianaTimezone).not.toBe('Asia/Tokyo');
    const r = await control<{ shop: { ianaTimezone: string }; webhooks: Array<{ webhookId: string }> }>(t.sandbox, 'POST', `shopify/shops/${SHOP}/timezone`, { ianaTimezone: 'Asia/Tokyo' });
    expect(r.status).toBe(200);
    expect(r.body.shop.ianaTimezone).toBe('Asia/Tokyo');
    const hook = await t.app.waitFor((h) => h.headers['x-shopify-topic'] === 'shop/update' && h.rawBody.includes('Asia/Tokyo'));
    expect(hook.path).toBe('/webhooks/shop/update');
    expect(hook.headers['x-shopify-webhook-id']).toBe(r.body.webhooks[0]!.webhookId);
    expect(await validate(t, hook)).toMatchObject({ valid: true, topic: 'SHOP_UPDATE', domain: SHOP });
    const body = JSON.parse(hook.rawBody);
    expect(body).toMatchObject({ myshopify_domain: SHOP, iana_timezone: 'Asia/Tokyo', timezone: '(GMT+09:00) Asia/Tokyo' });
    expect(body.updated_at).toMatch(/\+09:00$/); // written in the shop's (new) offset
    const after = await adminClient(token).request('{ shop { ianaTimezone timezoneAbbreviation } }');
    expect(after.data.shop).toEqual({ ianaTimezone: 'Asia/Tokyo', timezoneAbbreviation: 'GMT+9' });
  });

  it('refuses a time zone Shopify does not offer, and sends nothing', async () => {
    const sent = t.app.received.filter((h) => h.headers['x-shopify-topic'] === 'shop/update').length;
    for (const ianaTimezone of ['Mars/Olympus_Mons', '+09:00', '', 42]) {
      const r = await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/timezone`, { ianaTimezone });
      expect(r.status, String(ianaTimezone)).toBe(400);
    }
    expect((await control(t.sandbox, 'POST', 'shopify/shops', { domain: 'bad-zone', ianaTimezone: 'Not/AZone' })).status).toBe(400);
    const { data } = await adminClient(token).request('{ shop { ianaTimezone } }');
    expect(data.shop.ianaTimezone).toBe('Asia/Tokyo');
    const deliveries = await control<{ deliveries: unknown[] }>(t.sandbox, 'GET', `shopify/webhooks/deliveries?topic=shop/update&shop=${SHOP}`);
    expect(deliveries.body.deliveries).toHaveLength(sent);
  });
});

describe('app lifecycle and compliance', () => {
  it('app/scopes_update carries the previous and current scopes', async () => {
    await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/scopes`, { scopes: ['read_products', 'write_products', 'read_inventory'] });
    const hook = await t.app.waitFor((r) => r.headers['x-shopify-topic'] === 'app/scopes_update');
    expect((await validate(t, hook)).valid).toBe(true);
    expect(JSON.parse(hook.rawBody)).toMatchObject({ previous: ['read_products', 'write_products'], current: ['read_products', 'write_products', 'read_inventory'] });
  });

  it('delivers each compliance topic', async () => {
    for (const topic of ['customers/data_request', 'customers/redact', 'shop/redact']) {
      await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/compliance`, { topic });
      const hook = await t.app.waitFor((r) => r.headers['x-shopify-topic'] === topic);
      expect(hook.path).toBe('/webhooks/compliance');
      expect((await validate(t, hook)).valid).toBe(true);
      expect(JSON.parse(hook.rawBody)).toMatchObject({ shop_domain: SHOP });
    }
  });

  it('app/uninstalled revokes the tokens and is delivered with the shop', async () => {
    await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/uninstall`, {});
    const hook = await t.app.waitFor((r) => r.headers['x-shopify-topic'] === 'app/uninstalled');
    expect((await validate(t, hook)).valid).toBe(true);
    expect(JSON.parse(hook.rawBody)).toMatchObject({ myshopify_domain: SHOP, domain: SHOP });
    expect((await rawGraphql(token, { query: '{ shop { name } }' })).status).toBe(401);
  });
});

describe('scaled clocks', () => {
  it('sends shop/redact 48 hours after an uninstall, and gives up after 8 retries', async () => {
    const fast = await startTestContext({ timeScale: 400_000 });
    try {
      fast.app.respond = (r) => (r.headers['x-shopify-topic'] === 'app/uninstalled' ? 503 : 200);
      await control(fast.sandbox, 'POST', `shopify/shops/${SHOP}/uninstall`, {});
      const redact = await fast.app.waitFor((r) => r.headers['x-shopify-topic'] === 'shop/redact', 5_000);
      expect(JSON.parse(redact.rawBody)).toEqual({ shop_id: expect.any(Number), shop_domain: SHOP });
      for (let i = 0; i < 100; i++) {
        const d = await control<{ deliveries: Array<{ topic: string; state: string; attempts: unknown[] }> }>(fast.sandbox, 'GET', 'shopify/webhooks/deliveries?topic=app/uninstalled');
        if (d.body.deliveries[0]?.state === 'failed') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const d = await control<{ deliveries: Array<{ state: string; attempts: unknown[] }> }>(fast.sandbox, 'GET', 'shopify/webhooks/deliveries?topic=app/uninstalled');
      expect(d.body.deliveries[0]).toMatchObject({ state: 'failed' });
      expect(d.body.deliveries[0]!.attempts).toHaveLength(9);
      expect(fast.app.received.filter((r) => r.headers['x-shopify-topic'] === 'app/uninstalled')).toHaveLength(9);
    } finally {
      await fast.close();
    }
  });
});
