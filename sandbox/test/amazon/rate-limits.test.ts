// Usage plans from the models' "Usage Plan" tables as token buckets: burst, restore at the rate (on the
// sandbox clock), 429 QuotaExceeded, and x-amzn-RateLimit-Limit on what succeeds.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { table } from './conformance';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
const sku = amazonCatalog()[0]!.variant.sku;

beforeAll(async () => {
  sb = await startAmazonSandbox({ timeScale: 1 });
  sp = sb.client();
  await sp.refreshAccessToken();
});
afterAll(() => sb.close());

const QUOTA = { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }] };

describe('usage plans', () => {
  test('the plans come from the models', () => {
    expect(table.byId('getMarketplaceParticipations')).toMatchObject({ rate: 0.016, burst: 15 });
    expect(table.byId('getListingsItem')).toMatchObject({ rate: 5, burst: 10 });
    expect(table.byId('createFeed')).toMatchObject({ rate: 0.0083, burst: 15 });
  });

  test('under load, the burst passes, the rest is 429 QuotaExceeded; successes carry x-amzn-RateLimit-Limit', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => raw(sp, { operation: 'sellers.getMarketplaceParticipations' })));
    const ok = results.filter((r) => r.status === 200);
    const throttled = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(15);
    expect(throttled).toHaveLength(10);
    for (const r of ok) expect(r.headers['x-amzn-ratelimit-limit']).toBe('0.016');
    for (const r of throttled) {
      expect(r.body).toEqual(QUOTA);
      expect(r.headers['x-amzn-requestid']).toBeTruthy();
      expect(r.headers['x-amzn-ratelimit-limit']).toBe('0.016');
    }
    // Buckets are per operation: another operation still has its own burst.
    const other = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US] }, options: { version: '2021-08-01' } });
    expect(other.status).toBe(200);
  });

  test('tokens come back at the plan rate', async () => {
    const call = () => raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US] }, options: { version: '2021-08-01' } });
    const burst = await Promise.all(Array.from({ length: 30 }, call));
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 250)); // 5 tokens a second
    expect((await call()).status).toBe(200);
  });

  test('JSON_LISTINGS_FEED allows 5 submissions per 5 minutes on top of createFeed\'s plan', async () => {
    const feeds = sb.client({ sp: {} });
    const doc = await feeds.callAPI({ operation: 'feeds.createFeedDocument', body: { contentType: 'application/json' }, options: { version: '2021-06-30' } });
    await feeds.upload(doc, { content: JSON.stringify({ header: { sellerId: NA_SELLER, version: '2.0' }, messages: [{ messageId: 1, sku: 'X', operationType: 'DELETE' }] }), contentType: 'application/json' });
    const create = (feedType: string) =>
      raw(feeds, { operation: 'feeds.createFeed', body: { feedType, marketplaceIds: [US], inputFeedDocumentId: doc.feedDocumentId }, options: { version: '2021-06-30' } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await create('JSON_LISTINGS_FEED')).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    // Other feed types only count against createFeed's own plan (burst 15).
    expect((await create('POST_PRODUCT_PRICING_DATA')).status).toBe(202);
  });

  test('forced throttling from the control API and from the core\'s throttle fault', async () => {
    await sb.control('POST', 'throttle', { operation: 'getFeeds', count: 1 });
    const forced = await raw(sp, { operation: 'feeds.getFeeds', query: { feedTypes: ['JSON_LISTINGS_FEED'] }, options: { version: '2021-06-30' } });
    expect(forced.status).toBe(429);
    expect(forced.body).toEqual(QUOTA);
    expect((await raw(sp, { operation: 'feeds.getFeeds', query: { feedTypes: ['JSON_LISTINGS_FEED'] }, options: { version: '2021-06-30' } })).status).toBe(200);

    const fault = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'amazon', kind: 'throttle', path: '/catalog/*', count: 1 }),
    });
    expect(fault.status).toBe(201);
    const viaFault = await raw(sp, { operation: 'catalogItems.getCatalogItem', path: { asin: amazonCatalog()[0]!.variant.asin }, query: { marketplaceIds: [US] }, options: { version: '2022-04-01' } });
    expect(viaFault.status).toBe(429);
    expect(viaFault.body).toEqual(QUOTA);
    expect(viaFault.headers['x-amzn-ratelimit-limit']).toBe('2.0');
  });
});

describe('authentication', () => {
  test('403 Unauthorized without a token or with a bad one; x-amzn-RequestId on every response', async () => {
    const none = await sb.request({ host: 'sellingpartnerapi-na.amazon.com', path: '/sellers/v1/marketplaceParticipations' });
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body.toString())).toEqual({ errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }] });
    expect(none.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await sb.request({ host: 'sellingpartnerapi-na.amazon.com', path: '/sellers/v1/marketplaceParticipations', headers: { 'x-amz-access-token': 'Atza|forged' } });
    expect(bad.status).toBe(403);
    const unknownPath = await sb.request({ host: 'sellingpartnerapi-na.amazon.com', path: '/orders/v0/orders' });
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.headers['x-amzn-requestid']).toBeTruthy();
    // The NA seller's token doesn't open the EU endpoint.
    const eu = await sb.request({ host: 'sellingpartnerapi-eu.amazon.com', path: '/sellers/v1/marketplaceParticipations', headers: { 'x-amz-access-token': sp.access_token } });
    expect(eu.status).toBe(403);
  });
});
