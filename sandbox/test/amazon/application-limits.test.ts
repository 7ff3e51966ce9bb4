// Two levels of rate limits, as Amazon applies them: each selling partner + application pair's usage plan
// (the models' tables) and the application's own limit across all its sellers (Amazon's rate-limit pages).
// Each level answers its 429 in its own words; x-amzn-RateLimit-Limit reports the pair's rate on both.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { APPLICATION_RATE_LIMITS } from '../../src/amazon/spapi/application-limits';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
const sku = amazonCatalog()[0]!.variant.sku;
const SELLER_QUOTA = { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }] };
const APP_QUOTA = { errors: [{ code: 'QuotaExceeded', message: 'The frequency of requests was greater than what is allowed for the application.', details: '' }] };

beforeAll(async () => {
  sb = await startAmazonSandbox({ timeScale: 1 });
});
afterAll(() => sb.close());

/** N more sellers on the demo app, each a copy of the NA demo seller's listings, with its own client. */
async function moreSellers(prefix: string, n: number): Promise<{ sellerId: string; sp: SpClient }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const sellerId = `${prefix}${String(i).padStart(2, '0')}`;
    const created = await sb.control('POST', 'sellers', { sellerId, copyListingsFrom: NA_SELLER });
    expect(created.status).toBe(201);
    const sp = sb.client({ refreshToken: created.body.refreshToken });
    await sp.refreshAccessToken();
    out.push({ sellerId, sp });
  }
  return out;
}

const getListing = (sp: SpClient, sellerId: string) =>
  raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId, sku }, query: { marketplaceIds: [US] }, options: { version: '2021-08-01' } });

describe('application-level limits', () => {
  test("Amazon's published per-application figures are the defaults", async () => {
    expect(APPLICATION_RATE_LIMITS.patchListingsItem).toEqual({ rate: 500, burst: 500 });
    expect(APPLICATION_RATE_LIMITS.getListingsItem!.rate).toBe(100);
    const { body } = await sb.control('GET', 'rate-limits');
    expect(body.application.patchListingsItem).toEqual({ rate: 500, burst: 500 });
    expect(body.application.getFeed).toBeUndefined(); // Feeds: "Not applicable"
  });

  test('many sellers together hit the application level, answered in its own words', async () => {
    // 4 a second for the whole app (Amazon's is 100): 3 sellers x 4 calls stay inside each pair's burst of 10.
    expect((await sb.control('POST', 'rate-limits', { operation: 'getListingsItem', application: { rate: 4, burst: 4 } })).status).toBe(200);
    const sellers = await moreSellers('A9APPLIMIT', 3);
    const results = (await Promise.all(sellers.map(({ sellerId, sp }) => Promise.all(Array.from({ length: 4 }, () => getListing(sp, sellerId)))))).flat();
    const ok = results.filter((r) => r.status === 200);
    const throttled = results.filter((r) => r.status === 429);
    expect(ok.length).toBeGreaterThanOrEqual(4);
    expect(ok.length).toBeLessThanOrEqual(6); // 4 in the bucket, one or two more refilled meanwhile on a busy machine
    expect(throttled.length).toBe(12 - ok.length);
    for (const r of throttled) {
      expect(r.body).toEqual(APP_QUOTA);
      expect(r.headers['x-amzn-ratelimit-limit']).toBe('5.0'); // the pair's rate: the header never names the app's
      expect(r.headers['x-amzn-requestid']).toBeTruthy();
    }
    // A refused call did not spend its seller's pair token: the pair bucket (10) is still mostly there.
    await sb.control('POST', 'rate-limits', { operation: 'getListingsItem', application: null });
    const again = await Promise.all(Array.from({ length: 8 }, () => getListing(sellers[0]!.sp, sellers[0]!.sellerId)));
    expect(again.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(8 - 2);
    await sb.control('DELETE', 'rate-limits');
  });

  test("one seller alone hits its pair's usage plan first, with the seller-level message", async () => {
    const [{ sellerId, sp }] = await moreSellers('A9PAIRLIMIT', 1) as [{ sellerId: string; sp: SpClient }];
    const results = await Promise.all(Array.from({ length: 14 }, () => getListing(sp, sellerId)));
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(3);
    for (const r of throttled) {
      expect(r.body).toEqual(SELLER_QUOTA);
      expect(r.headers['x-amzn-ratelimit-limit']).toBe('5.0');
    }
  });

  test('the control API refuses nonsense', async () => {
    expect((await sb.control('POST', 'rate-limits', { operation: 'noSuchOperation', application: { rate: 1 } })).status).toBe(400);
    expect((await sb.control('POST', 'rate-limits', { operation: 'getListingsItem', application: { rate: 0 } })).status).toBe(400);
    expect((await sb.control('POST', 'sellers', { sellerId: NA_SELLER, copyListingsFrom: NA_SELLER })).status).toBe(409);
  });
});
