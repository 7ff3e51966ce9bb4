// Installation and auth against the sandbox: token exchange (embedded), the authorization-code grant
// (install from outside Admin) with its HMAC/state/timestamp checks, session tokens on API routes, and the
// refresh of an expired expiring offline token.
import { createHmac } from 'node:crypto';
import { decryptSecret, isCiphertext } from '@calibr/db';
import { createSandboxFetch } from '@calibr/sandbox/routing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOPIFY_API_VERSION } from '../app/platforms/shopify/connector/api-version';
import { API_KEY, API_SECRET, BROWSER_UA, readJson, startShopifyWorld, waitFor, type ShopifyWorld } from './support/shopify-world';

let world: ShopifyWorld;
const EMBEDDED = 'embedded-install.myshopify.com';
const CODE_FLOW = 'code-flow.myshopify.com';

beforeAll(async () => {
  world = await startShopifyWorld();
  await world.createShop(EMBEDDED, { products: 3, variantsPerProduct: 2 });
  await world.createShop(CODE_FLOW, { products: 2, install: false, ianaTimezone: 'America/Los_Angeles' });
});
afterAll(() => world?.close());

const host = (shop: string) => Buffer.from(`admin.shopify.com/store/${shop.replace('.myshopify.com', '')}`).toString('base64url');

describe('embedded install by token exchange', () => {
  it('opens the app with an id_token and stores an encrypted expiring offline session', async () => {
    const token = await world.sessionToken(EMBEDDED);
    const url = `${world.app.url}/app?embedded=1&shop=${EMBEDDED}&host=${host(EMBEDDED)}&id_token=${token}`;
    const res = await fetch(url, { headers: { 'user-agent': BROWSER_UA } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(EMBEDDED);

    const sessions = await world.database.db.session.findMany({ where: { shop: EMBEDDED } });
    expect(sessions).toHaveLength(1);
    const session = sessions[0]!;
    expect(session.isOnline).toBe(false);
    expect(session.expires).not.toBeNull(); // expiring offline token
    expect(isCiphertext(session.accessToken)).toBe(true);
    expect(decryptSecret(session.accessToken)).toMatch(/^shpat_/);
    expect(session.refreshToken && isCiphertext(session.refreshToken)).toBe(true);

    const integration = await world.database.db.shopifyIntegration.findUnique({ where: { shopDomain: EMBEDDED } });
    expect(integration?.isActive).toBe(true);
    expect(integration?.scope.split(',')).toEqual(expect.arrayContaining(['read_products', 'write_products', 'read_inventory']));
    const subs = await world.database.db.shopifyWebhookSubscription.findMany({ where: { integrationId: integration!.id } });
    expect(subs.map((s) => s.topic).sort()).toEqual(
      ['app/scopes_update', 'app/uninstalled', 'customers/data_request', 'customers/redact', 'products/create', 'products/delete', 'products/update', 'shop/redact', 'shop/update'].sort(),
    );
  });

  it('API routes need a valid session token and answer for its shop only', async () => {
    const none = await fetch(`${world.app.url}/api/integrations/shopify/status`, { headers: { 'user-agent': BROWSER_UA } });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');

    const forged = await fetch(`${world.app.url}/api/integrations/shopify/status`, {
      headers: { 'user-agent': BROWSER_UA, authorization: `Bearer ${(await world.sessionToken(EMBEDDED)).slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);

    const ok = await world.api(EMBEDDED, '/api/integrations/shopify/status');
    expect(ok.status).toBe(200);
    const status = await readJson<{ shop: string; connected: boolean; webhooks: unknown[] }>(ok);
    expect(status.shop).toBe(EMBEDDED);
    expect(status.connected).toBe(true);
    expect(status.webhooks).toHaveLength(9);
  });

  it('refreshes an expired expiring offline token before calling the Admin API', async () => {
    const before = await world.database.db.session.findFirstOrThrow({ where: { shop: EMBEDDED, isOnline: false } });
    const oldToken = decryptSecret(before.accessToken);
    // Time passes: Shopify's token expires (the sandbox refuses it from now on) and our copy says so too.
    await world.control(`shopify/shops/${EMBEDDED}/tokens/expire`, { apiKey: API_KEY });
    await world.database.db.session.update({ where: { id: before.id }, data: { expires: new Date(Date.now() - 1000) } });

    const start = await world.api(EMBEDDED, '/api/integrations/shopify/sync', { json: { mode: 'full' } });
    expect(start.status).toBe(202);
    const { syncId } = await readJson<{ syncId: string }>(start);
    const done = await waitFor('the sync to finish', async () => {
      const res = await world.api(EMBEDDED, `/api/integrations/shopify/sync?id=${syncId}`);
      const body = await readJson<{ status: string; itemsSynced: number; errors: unknown[] }>(res);
      return body.status !== 'started' ? body : undefined;
    });
    expect(done).toMatchObject({ status: 'completed', itemsSynced: 6 });

    const after = await world.database.db.session.findFirstOrThrow({ where: { shop: EMBEDDED, isOnline: false } });
    expect(decryptSecret(after.accessToken)).not.toBe(oldToken);
    expect(after.expires!.getTime()).toBeGreaterThan(Date.now());
  });
});

describe('install from outside Admin (authorization-code grant)', () => {
  /** /auth/login → /auth → Shopify's authorize page → the callback URL Shopify sends the merchant to. */
  async function startCodeFlow(): Promise<{ callback: URL; cookie: string }> {
    const login = await fetch(`${world.app.url}/auth/login?shop=${CODE_FLOW}`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
    expect(login.status).toBe(302);
    const begin = await fetch(new URL(login.headers.get('location')!, world.app.url), { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
    expect(begin.status).toBe(302);
    const authorize = new URL(begin.headers.get('location')!);
    expect(authorize.host).toBe(CODE_FLOW);
    expect(authorize.pathname).toBe('/admin/oauth/authorize');
    expect(authorize.searchParams.get('client_id')).toBe(API_KEY);
    // Shopify's library drops scopes implied by others (write_products implies read_products).
    expect(authorize.searchParams.get('scope')?.split(',').sort()).toEqual(['read_inventory', 'write_products']);
    const cookie = begin.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).toContain('shopify_app_state');
    // The merchant approves on the shop's admin (the sandbox plays it), which sends them back to us.
    const approved = await fetch(authorize, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    return { callback: new URL(approved.headers.get('location')!), cookie };
  }

  function resign(url: URL, change: (params: URLSearchParams) => void, secret = API_SECRET): URL {
    const out = new URL(url);
    change(out.searchParams);
    out.searchParams.delete('hmac');
    const message = [...out.searchParams.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    out.searchParams.set('hmac', createHmac('sha256', secret).update(message).digest('hex'));
    return out;
  }

  const callbackWith = (url: URL, cookie: string) =>
    fetch(new URL(`${url.pathname}${url.search}`, world.app.url), { redirect: 'manual', headers: { cookie, 'user-agent': BROWSER_UA } });

  it('refuses a forged HMAC and a stale timestamp, and stores nothing', async () => {
    const { callback, cookie } = await startCodeFlow();
    expect(callback.searchParams.get('code')).toBeTruthy();

    const forged = new URL(callback);
    forged.searchParams.set('hmac', createHmac('sha256', 'not-the-secret').update('x').digest('hex'));
    expect((await callbackWith(forged, cookie)).status).toBe(400);

    const stale = resign(callback, (p) => p.set('timestamp', String(Math.floor(Date.now() / 1000) - 3600)));
    expect((await callbackWith(stale, cookie)).status).toBe(400);

    const wrongState = resign(callback, (p) => p.set('state', 'not-the-state-we-issued'));
    expect((await callbackWith(wrongState, cookie)).status).toBe(400);

    expect(await world.database.db.session.count({ where: { shop: CODE_FLOW } })).toBe(0);
    expect(await world.database.db.project.count({ where: { shopDomain: CODE_FLOW } })).toBe(0);
  });

  it('completes the install: code exchanged for an expiring offline token, shop recorded with its time zone', async () => {
    const { callback, cookie } = await startCodeFlow();
    const res = await callbackWith(callback, cookie);
    expect(res.status).toBe(302);
    const session = await world.database.db.session.findFirstOrThrow({ where: { shop: CODE_FLOW } });
    expect(session.expires).not.toBeNull();
    expect(isCiphertext(session.accessToken)).toBe(true);
    const integration = await world.database.db.shopifyIntegration.findUniqueOrThrow({ where: { shopDomain: CODE_FLOW } });
    expect(integration.isActive).toBe(true);
    // afterAuth read the shop (shop { ianaTimezone }): its day starts at midnight in Los Angeles.
    expect((await world.database.db.project.findUniqueOrThrow({ where: { shopDomain: CODE_FLOW } })).timezone).toBe('America/Los_Angeles');
    // The token works: the stored offline token reaches the shop's Admin API (and a wrong one does not).
    const shopFetch = createSandboxFetch(world.sandbox.url);
    const adminQuery = (token: string) =>
      shopFetch(`https://${CODE_FLOW}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
        body: JSON.stringify({ query: '{ shop { myshopifyDomain } }' }),
      });
    const admin = await adminQuery(decryptSecret(session.accessToken));
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as { data?: { shop?: { myshopifyDomain?: string } } }).data?.shop?.myshopifyDomain).toBe(CODE_FLOW);
    const forged = await adminQuery(`shpat_${'0'.repeat(32)}`);
    await forged.arrayBuffer();
    expect(forged.status).toBe(401);
  });
});
