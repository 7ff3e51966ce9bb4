// Shopify rules of 2026-10 the sandbox plays (issue 17): the version it says it plays, duplicate webhook
// deliveries of one event (same X-Shopify-Event-Id under a new webhook id; seeded, or forced), the
// merchant's grant of a newly configured scope (Shopify-managed installation: nothing granted silently,
// ACCESS_DENIED until approved, app/scopes_update after), and products/create and products/delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, control, installToken, rawGraphql, SHOP, startTestContext, TEST_APP, type ReceivedRequest, type TestContext } from './helpers';

let t: TestContext;
let token: string;

beforeAll(async () => {
  t = await startTestContext({
    timeScale: 200,
    appConfig: {
      webhooks: [
        { topics: ['products/create'], uri: '/webhooks/products/create' },
        { topics: ['products/update'], uri: '/webhooks/products/update' },
        { topics: ['products/delete'], uri: '/webhooks/products/delete' },
        { topics: ['app/scopes_update'], uri: '/webhooks/app/scopes_update' },
      ],
    },
  });
  token = await installToken(t.sandbox);
});
afterAll(() => t?.close());

const hooks = (topic: string) => t.app.received.filter((r) => r.headers['x-shopify-topic'] === topic);
const header = (r: ReceivedRequest, name: string) => String(r.headers[name]);

/** Wait until the sandbox has sent every delivery it has scheduled so far (no sleeps: its own list). */
async function deliveredCount(min: number, topic: string): Promise<ReceivedRequest[]> {
  await t.app.waitFor(() => hooks(topic).length >= min);
  return hooks(topic);
}

describe('the version it plays', () => {
  it('answers every Admin GraphQL request as 2026-10, whatever version the path names', async () => {
    for (const version of ['2025-01', '2026-10', 'unstable']) {
      const res = await fetch(`https://${SHOP}/admin/api/${version}/graphql.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
        body: JSON.stringify({ query: '{ shop { name } }' }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-shopify-api-version')).toBe('2026-10');
    }
  });
});

describe('duplicate webhooks', () => {
  it('a forced duplicate repeats the event: same event id, body and Triggered-At, new webhook id', async () => {
    expect((await control(t.sandbox, 'POST', 'shopify/webhooks/duplicates', { next: 1 })).body).toMatchObject({ forced: 1 });
    const before = hooks('products/update').length;
    await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/prices`, { sku: 'CAL-VIST-BINO', price: '188.00' });
    const [original, copy] = (await deliveredCount(before + 2, 'products/update')).slice(before);
    expect(header(copy!, 'x-shopify-event-id')).toBe(header(original!, 'x-shopify-event-id'));
    expect(header(copy!, 'x-shopify-webhook-id')).not.toBe(header(original!, 'x-shopify-webhook-id'));
    expect(header(copy!, 'x-shopify-triggered-at')).toBe(header(original!, 'x-shopify-triggered-at'));
    expect(header(copy!, 'x-shopify-hmac-sha256')).toBe(header(original!, 'x-shopify-hmac-sha256'));
    expect(copy!.rawBody).toBe(original!.rawBody);
    const { deliveries } = (await control<{ deliveries: Array<{ webhookId: string; duplicateOf?: string }> }>(t.sandbox, 'GET', `shopify/webhooks/deliveries?topic=products/update&shop=${SHOP}`)).body;
    expect(deliveries.find((d) => d.webhookId === header(copy!, 'x-shopify-webhook-id'))?.duplicateOf).toBe(header(original!, 'x-shopify-webhook-id'));
    // Forced once: the next event goes once.
    await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/prices`, { sku: 'CAL-VIST-BINO', price: '187.00' });
    await t.app.waitFor((r) => r.rawBody.includes('"187.00"'));
    expect((await control<{ forced: number }>(t.sandbox, 'GET', 'shopify/webhooks/duplicates')).body.forced).toBe(0);
  });

  it('at a seeded rate: some deliveries get a duplicate, and the same seed picks the same ones again', async () => {
    const run = async (price: (i: number) => string) => {
      await control(t.sandbox, 'POST', 'shopify/webhooks/duplicates', { rate: 0.5, seed: 99 });
      const picked: boolean[] = [];
      for (let i = 0; i < 12; i++) {
        const events = new Map<string, number>();
        const marker = `"${price(i)}"`;
        await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/prices`, { sku: 'CAL-EMBE-CAMP', price: price(i) });
        await t.app.waitFor((r) => r.rawBody.includes(marker));
        const { deliveries } = (await control<{ deliveries: Array<{ body: string; duplicateOf?: string; eventId: string }> }>(t.sandbox, 'GET', `shopify/webhooks/deliveries?topic=products/update&shop=${SHOP}`)).body;
        // A picked duplicate is listed at once (and sent a little later).
        for (const d of deliveries.filter((x) => x.body.includes(marker))) events.set(d.eventId, (events.get(d.eventId) ?? 0) + 1);
        picked.push([...events.values()].some((n) => n > 1));
      }
      return picked;
    };
    // Naming the seed restarts the picks.
    const first = await run((i) => `${100 + i}.10`);
    const second = await run((i) => `${100 + i}.20`);
    expect(second).toEqual(first);
    expect(first.some(Boolean)).toBe(true);
    expect(first.every(Boolean)).toBe(false);
    await control(t.sandbox, 'POST', 'shopify/webhooks/duplicates', { rate: 0 });
  });

  it('refuses a rate outside 0..1', async () => {
    expect((await control(t.sandbox, 'POST', 'shopify/webhooks/duplicates', { rate: 2 })).status).toBe(400);
  });
});

describe('scopes the merchant grants', () => {
  const shop = 'scope-grant.myshopify.com';
  const mutation = `mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $p, variants: $v) { userErrors { message } } }`;

  it('a newly configured scope is requested, not granted: the token keeps the old grant and write calls are ACCESS_DENIED until the merchant approves', async () => {
    await control(t.sandbox, 'POST', 'shopify/shops', { domain: shop, install: false, generate: { count: 1, variantsPerProduct: 1, prefix: 'SCOPE' } });
    // Installed when the app asked only for read_products; the configuration now also wants write_products.
    const readOnly = await installToken(t.sandbox, shop, { scopes: ['read_products'] });
    const { token: sessionToken } = (await control<{ token: string }>(t.sandbox, 'POST', `shopify/shops/${shop}/session-token`, {})).body;
    const exchanged = await fetch(`https://${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: TEST_APP.apiKey,
        client_secret: TEST_APP.apiSecret,
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: sessionToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
      }),
    });
    const issued = (await exchanged.json()) as { access_token: string; scope: string };
    expect(issued.scope).toBe('read_products');
    expect(hooks('app/scopes_update').filter((r) => header(r, 'x-shopify-shop-domain') === shop)).toEqual([]);
    expect((await control(t.sandbox, 'GET', `shopify/shops/${shop}/scopes`)).body).toEqual({ granted: ['read_products'], requested: ['write_products'], configured: ['read_products', 'write_products'] });

    const read = await adminClient(issued.access_token, shop).request('{ products(first: 1) { nodes { id variants(first: 1) { nodes { id } } } } }');
    const product = read.data.products.nodes[0];
    const denied = await rawGraphql(readOnly, { query: mutation, variables: { p: product.id, v: [{ id: product.variants.nodes[0].id, price: '9.99' }] } }, shop);
    expect(denied.json.errors[0]).toMatchObject({ extensions: { code: 'ACCESS_DENIED' } });

    // What shopify-app-remix's scopes.query() reads, and its scopes.request() grant screen.
    const detail = await adminClient(issued.access_token, shop).request('{ app { requestedAccessScopes { handle } optionalAccessScopes { handle } installation { accessScopes { handle } } } }');
    expect(detail.data.app).toEqual({ requestedAccessScopes: [{ handle: 'read_products' }, { handle: 'write_products' }], optionalAccessScopes: [], installation: { accessScopes: [{ handle: 'read_products' }] } });
    const screen = await fetch(`https://${shop}/admin/oauth/install?client_id=${TEST_APP.apiKey}&scope=read_products,write_products&optional_scopes=write_products`);
    expect(screen.status).toBe(200);
    expect(await screen.text()).toContain('<li><code>write_products</code></li>');

    // The merchant approves: granted, the same token can write, and app/scopes_update goes out.
    const granted = await control<{ previous: string[]; current: string[]; requested: string[] }>(t.sandbox, 'POST', `shopify/shops/${shop}/scopes/grant`, {});
    expect(granted.body).toMatchObject({ previous: ['read_products'], current: ['read_products', 'write_products'], requested: [] });
    const update = await t.app.waitFor((r) => r.headers['x-shopify-topic'] === 'app/scopes_update' && header(r, 'x-shopify-shop-domain') === shop);
    expect(JSON.parse(update.rawBody)).toMatchObject({ previous: ['read_products'], current: ['read_products', 'write_products'] });
    const allowed = await rawGraphql(readOnly, { query: mutation, variables: { p: product.id, v: [{ id: product.variants.nodes[0].id, price: '9.99' }] } }, shop);
    expect(allowed.json.errors).toBeUndefined();
    expect(allowed.json.data.productVariantsBulkUpdate.userErrors).toEqual([]);
    // Nothing left to approve.
    expect((await control(t.sandbox, 'POST', `shopify/shops/${shop}/scopes/grant`, {})).status).toBe(409);
  });
});

describe('products/create and products/delete', () => {
  it('a product the merchant adds is delivered as products/create; one deleted is gone from the Admin API and delivered as products/delete ({ id })', async () => {
    const added = await control<{ products: Array<{ id: string }> }>(t.sandbox, 'POST', `shopify/shops/${SHOP}/products`, { products: [{ title: 'Created Lantern', variants: [{ sku: 'CAL-NEW-LANT', price: '21.00' }] }] });
    const productId = added.body.products[0]!.id;
    const created = await t.app.waitFor((r) => r.headers['x-shopify-topic'] === 'products/create' && r.rawBody.includes('CAL-NEW-LANT'));
    expect(created.path).toBe('/webhooks/products/create');
    expect(JSON.parse(created.rawBody)).toMatchObject({ admin_graphql_api_id: productId, title: 'Created Lantern' });
    expect((await t.shopify.webhooks.validate({ rawBody: created.rawBody, rawRequest: created.req })).valid).toBe(true);

    const deleted = await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/products/delete`, { id: productId });
    expect(deleted.status).toBe(200);
    const numeric = Number(productId.split('/').pop());
    const hook = await t.app.waitFor((r) => r.headers['x-shopify-topic'] === 'products/delete' && JSON.parse(r.rawBody).id === numeric);
    expect(JSON.parse(hook.rawBody)).toEqual({ id: numeric });
    const gone = await adminClient(token).request('query($id: ID!) { product(id: $id) { id } }', { variables: { id: productId } });
    expect(gone.data.product).toBeNull();
    const variants = await adminClient(token).request('{ productVariants(first: 5, query: "sku:CAL-NEW-LANT") { nodes { id } } }');
    expect(variants.data.productVariants.nodes).toEqual([]);
    expect((await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/products/delete`, { id: productId })).status).toBe(404);
  });
});
