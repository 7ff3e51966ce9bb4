// Auth with Shopify's own library: the install flow (auth.begin -> /admin/oauth/authorize -> the app's
// callback, HMAC checked by utils.validateHmac and auth.callback), token exchange (offline, expiring,
// online), refresh of expiring tokens, migration to expiring tokens, and session tokens decoded by
// shopify-api.
import { RequestedTokenType } from '@shopify/shopify-api';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, BROWSER_UA, control, rawGraphql, SHOP, startTestContext, TEST_APP, type TestContext } from './helpers';

let t: TestContext;

beforeAll(async () => {
  t = await startTestContext();
  t.app.route = async (req, res) => {
    const url = new URL(req.url ?? '/', t.app.url);
    if (url.pathname === '/auth') {
      await t.shopify.auth.begin({ shop: url.searchParams.get('shop')!, callbackPath: '/auth/callback', isOnline: url.searchParams.get('online') === '1', rawRequest: req, rawResponse: res });
      return true;
    }
    if (url.pathname === '/auth/callback') {
      try {
        const { session } = await t.shopify.auth.callback({ rawRequest: req, rawResponse: res });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accessToken: session.accessToken, isOnline: session.isOnline, scope: session.scope, shop: session.shop }));
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
      return true;
    }
    return false;
  };
});
afterAll(() => t?.close());

async function sessionToken(extra: Record<string, unknown> = {}): Promise<string> {
  const r = await control<{ token: string }>(t.sandbox, 'POST', `shopify/shops/${SHOP}/session-token`, extra);
  return r.body.token;
}

describe('install flow (authorization code grant)', () => {
  it('redirects back with code, hmac, host, shop, state, timestamp that shopify-api accepts', async () => {
    const begin = await fetch(`${t.app.url}/auth?shop=${SHOP}`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
    expect(begin.status).toBe(302);
    const authorize = new URL(begin.headers.get('location')!);
    expect(authorize.origin).toBe(`https://${SHOP}`);
    expect(authorize.pathname).toBe('/admin/oauth/authorize');
    const cookies = begin.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

    // The browser follows to the shop (routed to the sandbox), which sends it back to the app.
    const approved = await fetch(authorize, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
    expect(approved.status).toBe(302);
    const callback = new URL(approved.headers.get('location')!);
    expect(callback.origin + callback.pathname).toBe(`${t.app.url}/auth/callback`);
    const params = Object.fromEntries(callback.searchParams);
    expect(Object.keys(params).sort()).toEqual(['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
    expect(params.state).toBe(authorize.searchParams.get('state'));
    expect(Buffer.from(params.host!, 'base64').toString()).toBe('admin.shopify.com/store/calibr-demo');
    expect(t.shopify.utils.sanitizeHost(params.host!)).toBe(params.host);
    expect(await t.shopify.utils.validateHmac(params)).toBe(true);
    expect(await t.shopify.utils.validateHmac({ ...params, shop: 'evil.myshopify.com' })).toBe(false);

    // auth.callback validates HMAC + state and exchanges the code for a token at /admin/oauth/access_token.
    const done = await fetch(callback, { headers: { cookie: cookies, 'user-agent': BROWSER_UA } });
    expect(done.status).toBe(200);
    const session = (await done.json()) as { accessToken: string; isOnline: boolean; scope: string };
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.isOnline).toBe(false);
    expect(session.scope).toBe(TEST_APP.scopes.join(','));
    const { data } = await adminClient(session.accessToken).request('{ shop { myshopifyDomain } }');
    expect(data.shop.myshopifyDomain).toBe(SHOP);

    // A code works once.
    const again = await fetch(`https://${SHOP}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: TEST_APP.apiKey, client_secret: TEST_APP.apiSecret, code: params.code }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a redirect_uri that is not allowed and a wrong client secret', async () => {
    const bad = await fetch(`https://${SHOP}/admin/oauth/authorize?client_id=${TEST_APP.apiKey}&scope=read_products&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&state=x`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('redirect_uri is not whitelisted');
    const secret = await fetch(`https://${SHOP}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: TEST_APP.apiKey, client_secret: 'wrong', code: 'x' }),
    });
    expect(secret.status).toBe(401);
  });
});

describe('session tokens and token exchange', () => {
  it('issues session tokens that shopify-api decodes', async () => {
    const payload = await t.shopify.session.decodeSessionToken(await sessionToken());
    expect(payload).toMatchObject({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: TEST_APP.apiKey });
    expect(payload.exp - payload.iat).toBe(60);
    expect(typeof payload.jti).toBe('string');
    expect(typeof payload.sid).toBe('string');
    expect(Number(payload.sub)).toBeGreaterThan(0);
  });

  it('exchanges a session token for an expiring offline token, and refreshes it when it expires', async () => {
    const { session } = await t.shopify.auth.tokenExchange({ shop: SHOP, sessionToken: await sessionToken(), requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true });
    expect(session.isOnline).toBe(false);
    expect(session.refreshToken).toBeTruthy();
    const ttl = session.expires!.getTime() - Date.now();
    expect(ttl).toBeGreaterThan(3590_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    expect(session.refreshTokenExpires!.getTime() - Date.now()).toBeGreaterThan(89 * 24 * 3600_000);
    expect((await rawGraphql(session.accessToken!, { query: '{ shop { name } }' })).status).toBe(200);

    await control(t.sandbox, 'POST', `shopify/shops/${SHOP}/tokens/expire`, {});
    expect((await rawGraphql(session.accessToken!, { query: '{ shop { name } }' })).status).toBe(401);

    const refreshed = await t.shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! });
    expect(refreshed.session.accessToken).not.toBe(session.accessToken);
    expect(refreshed.session.refreshToken).not.toBe(session.refreshToken);
    expect((await rawGraphql(refreshed.session.accessToken!, { query: '{ shop { name } }' })).status).toBe(200);
    // Since 2026-08-28 the used refresh token still works until its replacement is used (a lost refresh
    // answer is recoverable): used again, it gives another pair.
    const retried = await t.shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! });
    expect(retried.session.accessToken).not.toBe(refreshed.session.accessToken);
    expect((await rawGraphql(retried.session.accessToken!, { query: '{ shop { name } }' })).status).toBe(200);
    // The replacement is used: the old refresh token is retired.
    const next = await t.shopify.auth.refreshToken({ shop: SHOP, refreshToken: retried.session.refreshToken! });
    expect((await rawGraphql(next.session.accessToken!, { query: '{ shop { name } }' })).status).toBe(200);
    await expect(t.shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! })).rejects.toThrow(/invalid_grant|400/);
    // A replacement that was never used stays valid meanwhile (the app may hold it).
    const sibling = await t.shopify.auth.refreshToken({ shop: SHOP, refreshToken: refreshed.session.refreshToken! });
    expect(sibling.session.refreshToken).toBeTruthy();
  });

  it('exchanges for an online token with the associated user', async () => {
    const { session } = await t.shopify.auth.tokenExchange({ shop: SHOP, sessionToken: await sessionToken(), requestedTokenType: RequestedTokenType.OnlineAccessToken });
    expect(session.isOnline).toBe(true);
    expect(session.accessToken).toMatch(/^shpua_/);
    expect(session.onlineAccessInfo?.associated_user.account_owner).toBe(true);
    expect(session.onlineAccessInfo?.associated_user.email).toMatch(/@/);
  });

  it('answers an online token with the staff member of the session token, and refuses one for nobody on the staff', async () => {
    const { staff } = (await control<{ staff: { id: number } }>(t.sandbox, 'POST', `shopify/shops/${SHOP}/staff`, { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' })).body;
    const { session } = await t.shopify.auth.tokenExchange({ shop: SHOP, sessionToken: await sessionToken({ userId: staff.id }), requestedTokenType: RequestedTokenType.OnlineAccessToken });
    expect(session.onlineAccessInfo?.associated_user).toMatchObject({ id: staff.id, first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', account_owner: false });
    await expect(t.shopify.auth.tokenExchange({ shop: SHOP, sessionToken: await sessionToken({ userId: 12345 }), requestedTokenType: RequestedTokenType.OnlineAccessToken })).rejects.toThrow(/invalid_subject_token|400/);
  });

  it('issues non-expiring offline tokens, and migrates one to an expiring token', async () => {
    const { session } = await t.shopify.auth.tokenExchange({ shop: SHOP, sessionToken: await sessionToken(), requestedTokenType: RequestedTokenType.OfflineAccessToken });
    expect(session.expires).toBeUndefined();
    const migrated = await t.shopify.auth.migrateToExpiringToken({ shop: SHOP, nonExpiringOfflineAccessToken: session.accessToken! });
    expect(migrated.session.refreshToken).toBeTruthy();
    expect((await rawGraphql(session.accessToken!, { query: '{ shop { name } }' })).status).toBe(401);
    expect((await rawGraphql(migrated.session.accessToken!, { query: '{ shop { name } }' })).status).toBe(200);
    // Retried with the same non-expiring token (the first answer lost), the migration answers the same pair.
    const again = await t.shopify.auth.migrateToExpiringToken({ shop: SHOP, nonExpiringOfflineAccessToken: session.accessToken! });
    expect(again.session.accessToken).toBe(migrated.session.accessToken);
    expect(again.session.refreshToken).toBe(migrated.session.refreshToken);
  });

  it('refuses session tokens that are forged, expired or for another shop', async () => {
    const exchange = (subject: string, shop = SHOP) =>
      fetch(`https://${shop}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: TEST_APP.apiKey,
          client_secret: TEST_APP.apiSecret,
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: subject,
          subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
          requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
        }),
      });
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ dest: `https://${SHOP}` })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(`https://${SHOP}/admin`)
      .setAudience(TEST_APP.apiKey)
      .setSubject('1')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode('not-the-secret'));
    const r1 = await exchange(forged);
    expect(r1.status).toBe(400);
    expect(await r1.json()).toMatchObject({ error: 'invalid_subject_token' });
    const expired = await sessionToken({ lifetimeSeconds: -30 });
    expect((await exchange(expired)).status).toBe(400);
    const other = await exchange(await sessionToken(), 'calibr-demo-eu.myshopify.com');
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ error: 'invalid_subject_token' });
  });
});
