// Expiring offline tokens under Shopify's rules since 2026-08-28, through the app over real HTTP: the answer
// to a refresh is lost after Shopify issued the new pair (the sandbox's drop_answer), and the app recovers
// by retrying with the refresh token it still holds (Shopify keeps it valid until its replacement is used),
// so the work that needed the token completes; once the app has used the new refresh token, the old one is
// refused. The app keeps one database client per process: one file per database (token-refresh.test.ts,
// token-refresh.postgres.test.ts).
import type { DatabaseProvider } from '@calibr/db';
import { decryptSecret } from '@calibr/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_KEY, API_SECRET, BROWSER_UA, readJson, startShopifyWorld, waitFor, type ShopifyWorld } from './support/shopify-world';

export function tokenRefreshSuite(provider: DatabaseProvider): void {
  const shop = `calibr-refresh-${provider}.myshopify.com`;
  let world: ShopifyWorld;

  beforeAll(async () => {
    world = await startShopifyWorld({ provider });
    await world.createShop(shop, { products: 2, variantsPerProduct: 2 });
    // Opening the app in Admin: token exchange stores an expiring offline session.
    const host = Buffer.from(`admin.shopify.com/store/${shop.replace('.myshopify.com', '')}`).toString('base64url');
    const res = await fetch(`${world.app.url}/app?embedded=1&shop=${shop}&host=${host}&id_token=${await world.sessionToken(shop)}`, { headers: { 'user-agent': BROWSER_UA } });
    expect(res.status).toBe(200);
  }, 180_000);
  afterAll(() => world?.close());

  const offlineSession = () => world.database.db.session.findFirstOrThrow({ where: { shop, isOnline: false } });

  /**
   * Shopify's token expires before our copy says it does (clocks differ, or Shopify ends it early): the app's
   * API routes still find a valid session (no token exchange there), and the background work meets Shopify's
   * 401, marks the session expired and refreshes it with the refresh token.
   */
  async function expireTokens() {
    await world.control(`shopify/shops/${shop}/tokens/expire`, { apiKey: API_KEY });
  }

  async function syncOnce() {
    const start = await world.api(shop, '/api/integrations/shopify/sync', { json: { mode: 'full' } });
    expect(start.status).toBe(202);
    const { syncId } = await readJson<{ syncId: string }>(start);
    // Read from the database, not the app's routes: a route would exchange a fresh session token for a new
    // offline token, and the background work must recover by itself.
    return waitFor('the sync to finish', async () => {
      const run = await world.database.db.platformSyncLog.findUnique({ where: { id: syncId } });
      return run && run.status !== 'started' ? run : undefined;
    }, 120_000, 100);
  }

  const refreshWith = (refreshToken: string) =>
    fetch(`https://${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: API_KEY, client_secret: API_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
    });

  it('a lost refresh answer: the app refreshes again with the refresh token it holds, and the work completes', async () => {
    const before = await offlineSession();
    const oldAccess = decryptSecret(before.accessToken);
    const oldRefresh = decryptSecret(before.refreshToken!);
    const since = (await world.control<{ lastId: number }>('log?limit=1')).lastId;
    // Shopify issues the new pair, then the connection drops before any byte of the answer. Set before the
    // token expires: whatever refreshes first (the sync, or background work) meets it.
    const fault = await world.control<{ id: string }>('faults', { platform: 'shopify', path: '/admin/oauth/access_token', kind: 'drop_answer', bodyContains: 'refresh_token', count: 1 });
    await expireTokens();

    const done = await syncOnce();
    expect(done).toMatchObject({ status: 'completed', itemsSynced: 4 });

    const log = await world.control<{ entries: Array<{ kind: string; path?: string; status?: number; detail?: { answerDropped?: boolean; event?: string } }> }>(`log?since=${since}&platform=shopify&limit=5000`);
    const refreshes = log.entries.filter((e) => e.kind === 'request' && e.path === '/admin/oauth/access_token');
    expect(refreshes.length, 'the refresh, then its retry').toBeGreaterThanOrEqual(2);
    expect(refreshes[0]!.detail?.answerDropped, 'the first answer was lost').toBe(true);
    expect(refreshes.slice(1).every((e) => e.status === 200 && !e.detail?.answerDropped)).toBe(true);
    expect(log.entries.some((e) => e.detail?.event === 'refresh token used again'), 'the retry used the same refresh token').toBe(true);
    expect((await world.control<{ faults: Array<{ id: string }> }>('faults')).faults.some((x) => x.id === fault.id), 'the fault was used').toBe(false);

    const after = await offlineSession();
    expect(decryptSecret(after.accessToken)).not.toBe(oldAccess);
    expect(decryptSecret(after.refreshToken!)).not.toBe(oldRefresh);
    expect(after.expires!.getTime()).toBeGreaterThan(Date.now());
  }, 240_000);

  it('once the app has used the new refresh token, the old one is refused', async () => {
    const held = decryptSecret((await offlineSession()).refreshToken!);
    // Before its replacement is used, the refresh token the app holds still works (it is the app's to use).
    await expireTokens();
    expect((await syncOnce()).status).toBe('completed');
    const replacement = decryptSecret((await offlineSession()).refreshToken!);
    expect(replacement).not.toBe(held);
    // The app used `held` and got `replacement`; using `replacement` retires `held`.
    await expireTokens();
    expect((await syncOnce()).status).toBe('completed');
    const refused = await refreshWith(held);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  }, 240_000);
}
