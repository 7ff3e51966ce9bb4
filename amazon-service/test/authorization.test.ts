// Both ways a seller connects, against the sandbox over HTTP: the website authorization workflow
// (consent → callback → LWA authorization_code grant) and self-authorization; a replayed, forged or
// foreign state refused; an expired consent code refused; secrets never returned and stored encrypted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA, DEMO_SELLER, US, approveConsent as consent, control, json, openSettingsSession, sandboxLog, signedFetch, startConsentIn, startHarness, type Harness } from './support/harness';

let h: Harness;
const SHOP = 'auth-shop.myshopify.com';

beforeAll(async () => {
  h = await startHarness({ amazon: { authorizationCodeTtlSeconds: 5 } });
});
afterAll(async () => h?.close());

/** Starts consent in a new settings session of `shop`: the browser that must finish it (its cookie). */
async function startConsent(shop: string): Promise<{ url: string; cookie: string }> {
  const session = await openSettingsSession(h.service.url, shop);
  return { url: await startConsentIn(h.service.url, session), cookie: session.cookie };
}

describe('website authorization workflow', () => {
  it('consent → callback exchanges the code once and connects the seller', async () => {
    const { url: consentUrl, cookie } = await startConsent(SHOP);
    expect(consentUrl).toContain('/apps/authorize/consent?');
    expect(new URL(consentUrl).searchParams.get('version')).toBe('beta');
    const callback = await consent(consentUrl);
    expect(callback.pathname).toBe('/api/integrations/amazon/auth/callback');
    expect(callback.searchParams.get('selling_partner_id')).toBe(DEMO_SELLER);
    expect(callback.searchParams.get('spapi_oauth_code')).toBeTruthy();

    const done = await fetch(callback, { redirect: 'manual', headers: { cookie } });
    expect(done.status, await done.clone().text()).toBe(303);
    expect(done.headers.get('location')).toBe('/settings/amazon?notice=connected');

    const status = await json<Record<string, unknown>>(await signedFetch(h.service.url, SHOP, 'GET', '/api/integrations/amazon/auth'));
    expect(status).toMatchObject({ connected: true, status: 'connected', sellingPartnerId: DEMO_SELLER, region: 'na', marketplaceIds: [US], authMode: 'website_authorization' });
    expect(JSON.stringify(status)).not.toMatch(/Atzr|refresh|secret/i);

    // The refresh token is stored encrypted: no plaintext LWA token in the row.
    const row = await h.database.db.amazonIntegration.findFirstOrThrow({ where: { sellingPartnerId: DEMO_SELLER, tenant: { shopDomain: SHOP } } });
    expect(row.refreshTokenCiphertext).toMatch(/^enc:/);
    expect(row.refreshTokenCiphertext).not.toContain('Atzr|');

    // Replaying Amazon's redirect (same state, same code), even in the same browser, is refused.
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie } });
    expect(replay.status).toBe(400);
    expect(await json<{ errors: { code: string }[] }>(replay)).toMatchObject({ errors: [{ code: 'state_replayed' }] });
  });

  it('refuses a forged state and a state from another shop’s settings session', async () => {
    const forged = await fetch(`${h.service.url}/api/integrations/amazon/auth/callback?state=eyJ4IjoxfQ.AAAA&selling_partner_id=${DEMO_SELLER}&spapi_oauth_code=x`);
    expect(forged.status).toBe(400);
    expect((await json<{ type: string }>(forged)).type).toContain('validation');

    // A state issued for shop A, arriving in a browser whose settings session is shop B.
    const { url: consentUrl } = await startConsent('shop-a.myshopify.com');
    const callback = await consent(consentUrl);
    const { cookie } = await openSettingsSession(h.service.url, 'shop-b.myshopify.com');
    const foreign = await fetch(callback, { redirect: 'manual', headers: { cookie } });
    expect(foreign.status).toBe(403);
    const stillDisconnected = await json<{ connected: boolean }>(await signedFetch(h.service.url, 'shop-a.myshopify.com', 'GET', '/api/integrations/amazon/auth'));
    expect(stillDisconnected.connected).toBe(false);
  });

  it('refuses a consent code that expired before the callback', async () => {
    const { url: consentUrl, cookie } = await startConsent('slow-shop.myshopify.com');
    const callback = await consent(consentUrl);
    await new Promise((r) => setTimeout(r, 5500)); // the sandbox's code lives 5 s here (Amazon: 5 minutes)
    const late = await fetch(callback, { redirect: 'manual', headers: { cookie } });
    expect(late.status).toBe(400);
    const problem = await json<{ errors: { path: string; message: string }[]; platformError?: { code: string } }>(late);
    expect(problem.errors[0]).toMatchObject({ path: 'spapi_oauth_code' });
    expect(problem.errors[0]!.message).toMatch(/expired/);
  });
});

describe('self-authorization', () => {
  it('stores pasted credentials after proving them, and refuses a bad refresh token', async () => {
    const seller = h.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
    const bad = await signedFetch(h.service.url, 'self-shop.myshopify.com', 'POST', '/api/integrations/amazon/auth/self', {
      sellingPartnerId: DEMO_SELLER,
      region: 'na',
      marketplaceIds: [US],
      lwaClientId: seller.lwa.clientId,
      lwaClientSecret: seller.lwa.clientSecret,
      refreshToken: 'Atzr|not-a-real-token',
    });
    expect(bad.status).toBe(400);
    expect((await json<{ errors: { path: string }[] }>(bad)).errors[0]!.path).toBe('refreshToken');

    const { refreshToken } = await control<{ refreshToken: string }>(h.sandbox, 'authorize', { sellerId: DEMO_SELLER });
    const ok = await signedFetch(h.service.url, 'self-shop.myshopify.com', 'POST', '/api/integrations/amazon/auth/self', {
      sellingPartnerId: DEMO_SELLER,
      region: 'na',
      marketplaceIds: [US, CA],
      lwaClientId: seller.lwa.clientId,
      lwaClientSecret: seller.lwa.clientSecret,
      refreshToken,
    });
    expect(ok.status).toBe(201);
    const body = await ok.text();
    expect(body).not.toContain(refreshToken);
    expect(body).not.toContain(seller.lwa.clientSecret);
    expect(JSON.parse(body)).toMatchObject({ connected: true, authMode: 'self_authorization', marketplaceIds: [US, CA] });
    const row = await h.database.db.amazonIntegration.findFirstOrThrow({ where: { tenant: { shopDomain: 'self-shop.myshopify.com' } } });
    expect(row.lwaClientSecretCiphertext).toMatch(/^enc:/);
    expect(row.lwaClientSecretCiphertext).not.toContain(seller.lwa.clientSecret);
  });

  it('asks the Sellers API once for a seller re-authorized 30 times (it allows about one call a minute, burst 15)', async () => {
    const seller = h.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
    const { lastId } = await sandboxLog(h.sandbox, { limit: 1 });
    const authorize = (shop: string, refreshToken: string, marketplaceIds: string[]) =>
      signedFetch(h.service.url, shop, 'POST', '/api/integrations/amazon/auth/self', {
        sellingPartnerId: DEMO_SELLER,
        region: 'na',
        marketplaceIds,
        lwaClientId: seller.lwa.clientId,
        lwaClientSecret: seller.lwa.clientSecret,
        refreshToken,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await authorize(`reauth-${i % 3}.myshopify.com`, seller.lwa.refreshToken, [US])).status);
    expect(statuses).toEqual(Array<number>(30).fill(201));
    // The remembered answer still refuses a marketplace the seller does not sell in…
    const foreign = await authorize('reauth-0.myshopify.com', seller.lwa.refreshToken, ['A1PA6795UKMFR9']);
    expect(foreign.status).toBe(400);
    // …and a token LWA refuses is refused before any remembered answer is read.
    const revoked = await authorize('reauth-0.myshopify.com', 'Atzr|revoked-or-invented', [US]);
    expect(revoked.status).toBe(400);
    const { entries } = await sandboxLog(h.sandbox, { since: lastId, kind: 'request' });
    const sellersCalls = entries.filter((e) => e.path?.startsWith('/sellers/v1/marketplaceParticipations'));
    expect(sellersCalls.map((e) => e.status)).toEqual([200]);
  });

  it('refuses unsigned and forged service requests', async () => {
    const unsigned = await fetch(`${h.service.url}/api/integrations/amazon/auth`);
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('content-type')).toContain('application/problem+json');
    const res = await fetch(`${h.service.url}/api/integrations/amazon/auth`, {
      headers: { 'x-calibr-tenant': SHOP, 'x-calibr-timestamp': String(Math.floor(Date.now() / 1000)), 'x-calibr-signature': `v1=${'0'.repeat(64)}` },
    });
    expect(res.status).toBe(401);
  });
});
