// Responses of the operations not already checked elsewhere, and the error bodies, held against the
// response schemas of Amazon's models.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { expectConforms } from './conformance';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
const entries = amazonCatalog();
beforeAll(async () => {
  sb = await startAmazonSandbox({ timeScale: 10_000 });
  sp = sb.client();
});
afterAll(() => sb.close());

test('sellers, listing offers and listings writes conform', async () => {
  const participations = await raw(sp, { operation: 'sellers.getMarketplaceParticipations' });
  expectConforms('getMarketplaceParticipations', 200, participations.body);
  const account = await raw(sp, { api_path: '/sellers/v1/account', method: 'GET' });
  expect(account.status).toBe(200);
  expectConforms('getAccount', 200, account.body);

  const sku = entries[0]!.variant.sku;
  const offers = await raw(sp, { operation: 'productPricing.getListingOffers', path: { SellerSKU: sku }, query: { MarketplaceId: US, ItemCondition: 'New' } });
  expect(offers.status).toBe(200);
  expectConforms('getListingOffers', 200, offers.body);
  expect(offers.body.payload.Offers.some((o: { MyOffer: boolean }) => o.MyOffer)).toBe(true);
  const batch = await raw(sp, {
    operation: 'productPricing.getListingOffersBatch',
    body: { requests: [{ uri: `/products/pricing/v0/listings/${encodeURIComponent(sku)}/offers`, method: 'GET', MarketplaceId: US, ItemCondition: 'New' }] },
  });
  expectConforms('getListingOffersBatch', 200, batch.body);
  expect(batch.body.responses[0].status.statusCode).toBe(200);

  const put = await raw(sp, {
    operation: 'listingsItems.putListingsItem',
    path: { sellerId: NA_SELLER, sku: 'CONFORM-1' },
    query: { marketplaceIds: [US] },
    body: { productType: 'PRODUCT', attributes: { merchant_suggested_asin: [{ value: entries[1]!.variant.asin, marketplace_id: US }] } },
    options: { version: '2021-08-01' },
  });
  expectConforms('putListingsItem', 200, put.body);
  expect(put.body).toMatchObject({ status: 'INVALID', issues: [expect.objectContaining({ code: '90220' })] });
  const del = await raw(sp, { operation: 'listingsItems.deleteListingsItem', path: { sellerId: NA_SELLER, sku: 'CONFORM-1' }, query: { marketplaceIds: [US] }, options: { version: '2021-08-01' } });
  expectConforms('deleteListingsItem', 200, del.body);
});

test('error bodies conform: 400, 403, 404, 429', async () => {
  const bad = await raw(sp, { operation: 'listingsItems.searchListingsItems', path: { sellerId: NA_SELLER }, query: { marketplaceIds: ['NOPE'] } });
  expect(bad.status).toBe(400);
  expectConforms('searchListingsItems', 400, bad.body);
  const forbidden = await raw(sb.client({ sp: {} }), { operation: 'feeds.getFeed', path: { feedId: '1' }, options: { version: '2021-06-30' }, restricted_data_token: 'Atza|nope' });
  expect(forbidden.status).toBe(403);
  expectConforms('getFeed', 403, forbidden.body);
  const missing = await raw(sp, { operation: 'catalogItems.getCatalogItem', path: { asin: 'B000000000' }, query: { marketplaceIds: [US] } });
  expectConforms('getCatalogItem', 404, missing.body);
  await sb.control('POST', 'throttle', { operation: 'getItemOffers', count: 1 });
  const throttled = await raw(sp, { operation: 'productPricing.getItemOffers', path: { Asin: entries[0]!.variant.asin }, query: { MarketplaceId: US, ItemCondition: 'New' } });
  expect(throttled.status).toBe(429);
  expectConforms('getItemOffers', 429, throttled.body);
});
