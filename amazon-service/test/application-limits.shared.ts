// Amazon's two levels of rate limits against the sandbox, which plays both: many sellers served by one
// application share the application's limit (across sellers) besides each seller's own usage plan. The
// service paces all its sellers together under the application's limit (no 429 in steady state), and
// tells an application-level 429 from a seller-level one by Amazon's message.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_SELLER, US, control, json, sandboxLog, signedFetch, startHarness, type Harness } from './support/harness';

const APP_QUOTA_MESSAGE = 'The frequency of requests was greater than what is allowed for the application.';

export function applicationLimitsSuite(provider: 'sqlite' | 'postgresql'): void {
  let h: Harness;
  let sku = '';
  const shops: string[] = [];
  // 4 requests a second for the whole application (Amazon's getListingsItem allows 100): six sellers at
  // 5 a second each would need 30.
  const LIMIT = { rate: 4, burst: 4 };

  beforeAll(async () => {
    h = await startHarness({ provider, service: { applicationLimits: { getListingsItem: LIMIT } } });
    sku = (await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`)).listings[0]!.sku;
    for (let i = 0; i < 6; i++) {
      const sellerId = `A8MANY${provider === 'sqlite' ? 'S' : 'P'}${i}`;
      const made = await control<{ refreshToken: string }>(h.sandbox, 'sellers', { sellerId, copyListingsFrom: DEMO_SELLER });
      const shop = `app-limit-${i}.myshopify.com`;
      const res = await signedFetch(h.service.url, shop, 'POST', '/api/integrations/amazon/auth/self', {
        sellingPartnerId: sellerId,
        region: 'na',
        marketplaceIds: [US],
        lwaClientId: h.app.clientId,
        lwaClientSecret: h.app.clientSecret,
        refreshToken: made.refreshToken,
      });
      expect(res.status, await res.clone().text()).toBe(201);
      shops.push(shop);
    }
    await control(h.sandbox, 'rate-limits', { operation: 'getListingsItem', application: LIMIT });
  }, 60_000);
  afterAll(async () => h?.close());

  const getPrice = (shop: string) => signedFetch(h.service.url, shop, 'GET', `/connector/pricing/price?externalId=${encodeURIComponent(sku)}&marketplaceId=${US}`);
  const listingCalls = async (since: number) =>
    (await sandboxLog(h.sandbox, { since, kind: 'request', path: '/listings/2021-08-01/items/', limit: 1000 })).entries.filter((e) => e.method === 'GET');

  it('six sellers at once stay under the application limit: every call answered, no 429 from Amazon', async () => {
    const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
    const answers = await Promise.all(shops.flatMap((shop) => Array.from({ length: 4 }, () => getPrice(shop))));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    const calls = await listingCalls(mark);
    expect(calls).toHaveLength(24);
    expect(calls.filter((c) => c.status === 429)).toEqual([]);
  }, 60_000);

  it("an application-level 429 is recognized: its bucket, Amazon's words, bounded retries", async () => {
    // A service that doesn't know the lowered limit (it plans for Amazon's 100 a second) meets the sandbox's.
    await control(h.sandbox, 'rate-limits', { operation: 'getListingsItem', application: { rate: 0.01, burst: 1 } });
    await h.restart({ applicationLimits: undefined, retry: { throttledAttempts: 4, transientAttempts: 3, baseDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 10_000 } });
    const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
    expect((await getPrice(shops[0]!)).status).toBe(200); // the application's one token
    const res = await getPrice(shops[1]!); // another seller: its own bucket is full, the application's is not
    expect(res.status).toBe(429);
    const problem = await json<{ code: string; detail: string; platformError: { code: string; message: string } }>(res);
    expect(problem).toMatchObject({ code: 'rate_limited', platformError: { code: 'QuotaExceeded', message: APP_QUOTA_MESSAGE } });
    expect(problem.detail).toMatch(/kept throttling getListingsItem for this application \(all its sellers together\)/);
    const calls = await listingCalls(mark);
    expect(calls.map((c) => c.status)).toEqual([200, 429, 429, 429, 429]);
    const events = (await sandboxLog(h.sandbox, { since: mark, kind: 'event', limit: 100 })).entries.filter((e) => (e.detail as { applicationThrottled?: string }).applicationThrottled);
    expect(events).toHaveLength(4);
    await control(h.sandbox, 'rate-limits', undefined, 'DELETE');
  }, 60_000);
}
