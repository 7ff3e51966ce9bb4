// LWA access tokens: cached until shortly before expiry, refreshed by one LWA call however many requests
// need a new one, and a revoked refresh token turning the integration into "reconnect".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, US, connectDemoSeller, control, json, lwaCalls, sandboxLog, signedFetch, startHarness, type Harness } from './support/harness';

let h: Harness;
const SHOP = 'tokens-shop.myshopify.com';
// Sandbox clocks run 10x (the service's limiter keeps pace): a token of Amazon's hour lives 6 minutes, far
// longer than the test. The service's token clock runs ahead when the test moves it: a token expires
// without a sleep, and a slow machine can't expire one early.
const TIME_SCALE = 10;
const TOKEN_TTL_SECONDS = 3600;
const TOKEN_LIFE_MS = (TOKEN_TTL_SECONDS * 1000) / TIME_SCALE;
const clock = { aheadMs: 0, now: () => Date.now() + clock.aheadMs };

beforeAll(async () => {
  h = await startHarness({ sandbox: { timeScale: TIME_SCALE }, amazon: { accessTokenTtlSeconds: TOKEN_TTL_SECONDS }, service: { timeScale: TIME_SCALE, clock } });
  await connectDemoSeller(h, SHOP);
});
afterAll(async () => h?.close());

const priceOf = (sku: string) => signedFetch(h.service.url, SHOP, 'GET', `/connector/pricing/price?externalId=${encodeURIComponent(sku)}&marketplaceId=${US}`);

async function someSkus(n: number): Promise<string[]> {
  const seller = await control<{ listings: { sku: string; offers: { marketplaceId: string }[] }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
  const skus = seller.listings.filter((l) => l.offers.some((o) => o.marketplaceId === US)).map((l) => l.sku);
  return Array.from({ length: n }, (_, i) => skus[i % skus.length]!);
}

describe('LWA access tokens', () => {
  it('reuses a cached token, then refreshes once on expiry for 50 concurrent requests', async () => {
    const skus = await someSkus(50);
    const first = await priceOf(skus[0]!);
    expect(first.status, await first.clone().text()).toBe(200);
    const before = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
    // Within the token's life: no LWA call at all.
    expect((await priceOf(skus[1]!)).status).toBe(200);
    expect(await lwaCalls(h.sandbox, before)).toHaveLength(0);

    clock.aheadMs += TOKEN_LIFE_MS + 200; // the token has expired, as far as the service can tell
    const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
    const answers = await Promise.all(skus.map((sku) => priceOf(sku)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 200), JSON.stringify(await Promise.all(answers.filter((a) => a.status !== 200).map((a) => a.text())))).toEqual([]);
    const calls = await lwaCalls(h.sandbox, mark);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.status).toBe(200);
  });

  it('recovers in one refresh when Amazon expires the token early (403 Unauthorized)', async () => {
    const [sku] = await someSkus(1);
    expect((await priceOf(sku!)).status).toBe(200);
    await control(h.sandbox, 'lwa/expire', { sellerId: DEMO_SELLER });
    const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
    const answers = await Promise.all(Array.from({ length: 10 }, () => priceOf(sku!)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(await lwaCalls(h.sandbox, mark)).toHaveLength(1);
  });

  it('a revoked refresh token marks the integration "reconnect" and stops calling LWA', async () => {
    const [sku] = await someSkus(1);
    await control(h.sandbox, 'lwa/revoke', { sellerId: DEMO_SELLER });
    await control(h.sandbox, 'lwa/expire', { sellerId: DEMO_SELLER });
    const refused = await priceOf(sku!);
    expect(refused.status).toBe(401);
    const problem = await json<{ detail: string; platformError?: { code: string } }>(refused);
    expect(problem.detail).toMatch(/reconnect/i);

    const status = await json<{ connected: boolean; status: string }>(await signedFetch(h.service.url, SHOP, 'GET', '/api/integrations/amazon/auth'));
    expect(status).toMatchObject({ connected: false, status: 'needs_reconnect' });
    const health = await json<{ status: string; message: string }>(await signedFetch(h.service.url, SHOP, 'GET', '/connector/health'));
    expect(health.status).toBe('unavailable');
    expect(health.message).toMatch(/reconnect/i);

    // Further calls fail fast with the same answer, without hammering LWA.
    const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
    const again = await priceOf(sku!);
    expect(again.status).toBe(401);
    expect((await json<{ detail: string }>(again)).detail).toMatch(/reconnect/i);
    expect(await lwaCalls(h.sandbox, mark)).toHaveLength(0);
  });
});
