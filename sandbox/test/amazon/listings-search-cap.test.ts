// searchListingsItems stops paging at Amazon's 1,000 items per query (numberOfResults still counts every
// match), and the control API's bulk listing route that lets tests build such a catalog.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { expectConforms } from './conformance';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
const demoListings = amazonCatalog().length;
const BULK = 1_050;
const BULK_START = Date.parse('2031-03-01T00:00:00.000Z');

beforeAll(async () => {
  sb = await startAmazonSandbox({ timeScale: 1000 });
  sp = sb.client();
  const listings = Array.from({ length: BULK }, (_, i) => ({
    sku: `BULK-${String(i).padStart(5, '0')}`,
    price: '12.50',
    createdDate: new Date(BULK_START + i * 1000).toISOString(),
  }));
  const added = await sb.control('POST', 'listings', { sellerId: NA_SELLER, listings });
  expect(added.status).toBe(201);
  expect(added.body).toMatchObject({ added: BULK, listings: demoListings + BULK });
});
afterAll(() => sb.close());

const search = (query: Record<string, unknown>) =>
  raw(sp, { operation: 'listingsItems.searchListingsItems', path: { sellerId: NA_SELLER }, query: { marketplaceIds: [US], pageSize: 20, sortBy: 'sku', sortOrder: 'ASC', ...query } });

describe('searchListingsItems past 1,000 matches', () => {
  test('pages stop at the 1,000th item: the last page has no nextToken, numberOfResults counts them all', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let last: { pagination?: { nextToken?: string; previousToken?: string } } = {};
    do {
      const res = await search(pageToken ? { pageToken } : {});
      expect(res.status).toBe(200);
      expectConforms('searchListingsItems', 200, res.body);
      expect(res.body.numberOfResults).toBe(demoListings + BULK);
      seen.push(...res.body.items.map((i: { sku: string }) => i.sku));
      last = res.body;
      pageToken = res.body.pagination?.nextToken;
    } while (pageToken);
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(last.pagination?.nextToken).toBeUndefined();
    expect(last.pagination?.previousToken).toBeTruthy();
  });

  test('a token pointing past the cap is refused as Amazon refuses an invalid token', async () => {
    const first = await search({});
    const token = JSON.parse(Buffer.from(first.body.pagination.nextToken, 'base64url').toString('utf8')) as { o: number; q: string };
    const forged = Buffer.from(JSON.stringify({ ...token, o: 1000 })).toString('base64url');
    const res = await search({ pageToken: forged });
    expect(res.status).toBe(400);
    expectConforms('searchListingsItems', 400, res.body);
  });

  test('a createdDate window under the cap pages to its end; the bounds are inclusive', async () => {
    // The bulk listings are one second apart: [BULK_START + 100 s, BULK_START + 899 s] holds 800 of them.
    const window = { createdAfter: new Date(BULK_START + 100_000).toISOString(), createdBefore: new Date(BULK_START + 899_000).toISOString() };
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const res = await search({ ...window, ...(pageToken ? { pageToken } : {}) });
      expectConforms('searchListingsItems', 200, res.body);
      expect(res.body.numberOfResults).toBe(800);
      seen.push(...res.body.items.map((i: { sku: string }) => i.sku));
      pageToken = res.body.pagination?.nextToken;
    } while (pageToken);
    expect(seen).toEqual(Array.from({ length: 800 }, (_, i) => `BULK-${String(i + 100).padStart(5, '0')}`));
  });

  test('the bulk route refuses a listing without a valid price or date', async () => {
    const noPrice = await sb.control('POST', 'listings', { sellerId: NA_SELLER, listings: [{ sku: 'X-1' }] });
    expect(noPrice.status).toBe(400);
    const badDate = await sb.control('POST', 'listings', { sellerId: NA_SELLER, listings: [{ sku: 'X-1', price: '1.00', createdDate: 'yesterday' }] });
    expect(badDate.status).toBe(400);
  });
});
