// Product Pricing v0 and 2022-05-01, and Catalog Items 2022-04-01, with competitors and a Buy Box that move.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { expectConforms } from './conformance';
import { raw, startAmazonSandbox, NA_SELLER, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
const entries = amazonCatalog();

beforeAll(async () => {
  // Pricing usage plans are 0.5/s burst 1; time scale 10000 keeps the test from waiting on them.
  sb = await startAmazonSandbox({ timeScale: 10_000 });
  sp = sb.client();
});
afterAll(() => sb.close());

describe('competitive pricing for a batch of ASINs', () => {
  test('getCompetitivePricing answers 20 ASINs at once with the Buy Box price and offer counts', async () => {
    const asins = entries.slice(0, 20).map((e) => e.variant.asin);
    const res = await raw(sp, { operation: 'productPricing.getCompetitivePricing', query: { MarketplaceId: US, ItemType: 'Asin', Asins: asins } });
    expect(res.status).toBe(200);
    expectConforms('getCompetitivePricing', 200, res.body);
    expect(res.body.payload.map((p: { ASIN: string }) => p.ASIN)).toEqual(asins);
    for (const item of res.body.payload) {
      expect(item.status).toBe('Success');
      const { CompetitivePrices, NumberOfOfferListings } = item.Product.CompetitivePricing;
      const offers = (await sb.control('GET', `offers?asin=${item.ASIN}&marketplaceId=${US}`)).body;
      const newOffers = offers.offers.filter((o: { condition: string }) => o.condition === 'New').length;
      expect(NumberOfOfferListings).toContainEqual({ condition: 'New', Count: newOffers });
      const buyBox = CompetitivePrices.find((p: { CompetitivePriceId: string }) => p.CompetitivePriceId === '1');
      expect(buyBox.Price.LandedPrice.Amount).toBe(Number(offers.buyBox.landedPrice));
      expect(buyBox.belongsToRequester).toBe(offers.buyBox.sellerId === NA_SELLER);
    }
    const tooMany = await raw(sp, { operation: 'productPricing.getCompetitivePricing', query: { MarketplaceId: US, ItemType: 'Asin', Asins: entries.slice(0, 21).map((e) => e.variant.asin) } });
    expect(tooMany.status).toBe(400);
  });

  test('getItemOffersBatch and getCompetitiveSummary report the same Buy Box; moving a competitor moves it', async () => {
    const asin = entries[3]!.variant.asin;
    const ours = Number(entries[3]!.variant.price.USD);
    const batch = await raw(sp, {
      operation: 'productPricing.getItemOffersBatch',
      body: {
        requests: [
          { uri: `/products/pricing/v0/items/${asin}/offers`, method: 'GET', MarketplaceId: US, ItemCondition: 'New', CustomerType: 'Consumer' },
          { uri: '/products/pricing/v0/items/B000000000/offers', method: 'GET', MarketplaceId: US, ItemCondition: 'New' },
        ],
      },
    });
    expect(batch.status).toBe(200);
    expectConforms('getItemOffersBatch', 200, batch.body);
    expect(batch.body.responses[1].status.statusCode).toBe(400);
    const offers = batch.body.responses[0].body.payload;
    expect(offers.Summary.TotalOfferCount).toBeGreaterThan(1);
    const mine = offers.Offers.find((o: { MyOffer: boolean }) => o.MyOffer);
    expect(mine.ListingPrice).toEqual({ CurrencyCode: 'USD', Amount: ours });

    // A competitor undercuts everyone: the Buy Box goes to them.
    const undercut = (ours - 5).toFixed(2);
    const moved = await sb.control('POST', 'competitors/price', { asin, marketplaceId: US, sellerId: 'A1TRAILSIDE7Q2', price: undercut, shipping: '0.00' });
    expect(moved.body.buyBox.sellerId).toBe('A1TRAILSIDE7Q2');
    const summary = await raw(sp, {
      operation: 'productPricing.getCompetitiveSummary',
      body: { requests: [{ asin, marketplaceId: US, includedData: ['featuredBuyingOptions', 'lowestPricedOffers', 'referencePrices'], method: 'GET', uri: '/products/pricing/2022-05-01/items/competitiveSummary' }] },
    });
    expect(summary.status).toBe(200);
    expectConforms('getCompetitiveSummary', 200, summary.body);
    const featured = summary.body.responses[0].body.featuredBuyingOptions[0].segmentedFeaturedOffers[0];
    expect(featured).toMatchObject({ sellerId: 'A1TRAILSIDE7Q2', listingPrice: { currencyCode: 'USD', amount: Number(undercut) } });

    // Forced to us, then suppressed, then back to the price rule.
    await sb.control('POST', 'buybox', { asin, marketplaceId: US, winner: NA_SELLER });
    const forced = await raw(sp, { operation: 'productPricing.getItemOffers', path: { Asin: asin }, query: { MarketplaceId: US, ItemCondition: 'New' } });
    expectConforms('getItemOffers', 200, forced.body);
    expect(forced.body.payload.Offers.find((o: { IsBuyBoxWinner: boolean }) => o.IsBuyBoxWinner).MyOffer).toBe(true);
    await sb.control('POST', 'buybox', { asin, marketplaceId: US, winner: 'none' });
    const none = await raw(sp, { operation: 'productPricing.getItemOffers', path: { Asin: asin }, query: { MarketplaceId: US, ItemCondition: 'New' } });
    expect(none.body.payload.Summary.BuyBoxPrices).toEqual([]);
    await sb.control('POST', 'buybox', { asin, marketplaceId: US, winner: 'auto' });

    // A removed competitor disappears; an added one appears.
    await sb.control('POST', 'competitors/remove', { asin, marketplaceId: US, sellerId: 'A1TRAILSIDE7Q2' });
    const added = await sb.control('POST', 'competitors', { asin, marketplaceId: US, sellerId: 'A5NEWRIVAL0001', sellerName: 'New Rival', price: '1.00', fulfillment: 'AFN' });
    expect(added.body.buyBox.sellerId).toBe('A5NEWRIVAL0001');
    expect(added.body.offers.some((o: { sellerId: string }) => o.sellerId === 'A1TRAILSIDE7Q2')).toBe(false);
  });

  test('getPricing by SKU shows our offer, and follows a price the merchant edits in Seller Central', async () => {
    const sku = entries[5]!.variant.sku;
    await sb.control('POST', 'listings/price', { sellerId: NA_SELLER, sku, marketplaceId: US, price: '42.00' });
    const res = await raw(sp, { operation: 'productPricing.getPricing', query: { MarketplaceId: US, ItemType: 'Sku', Skus: [sku, 'NOT-MINE'] } });
    expect(res.status).toBe(200);
    expectConforms('getPricing', 200, res.body);
    expect(res.body.payload[0]).toMatchObject({ status: 'Success', SellerSKU: sku });
    expect(res.body.payload[0].Product.Offers[0].BuyingPrice.ListingPrice).toEqual({ CurrencyCode: 'USD', Amount: 42 });
    expect(res.body.payload[1].status).toBe('ClientError');
    // getPricing's query is double-encoded by clients (as Amazon wants): SKUs with spaces and symbols work.
    const odd = 'CAL ODD/SKU&1+%';
    const put = await raw(sp, {
      operation: 'listingsItems.putListingsItem',
      path: { sellerId: NA_SELLER, sku: odd },
      query: { marketplaceIds: [US] },
      body: { productType: 'PRODUCT', attributes: { merchant_suggested_asin: [{ value: entries[6]!.variant.asin, marketplace_id: US }], purchasable_offer: [{ marketplace_id: US, currency: 'USD', our_price: [{ schedule: [{ value_with_tax: 12.5 }] }] }] } },
      options: { version: '2021-08-01' },
    });
    expect(put.body.status).toBe('ACCEPTED');
    const oddPrice = await raw(sp, { operation: 'productPricing.getPricing', query: { MarketplaceId: US, ItemType: 'Sku', Skus: [odd] } });
    expect(oddPrice.body.payload[0]).toMatchObject({ status: 'Success', SellerSKU: odd });
    expect(oddPrice.body.payload[0].Product.Offers[0].BuyingPrice.ListingPrice.Amount).toBe(12.5);

    const missing = await raw(sp, { operation: 'productPricing.getPricing', query: { MarketplaceId: US, Skus: [sku] } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].message).toBe('Required parameter ItemType not found');
  });
});

describe('usage plans at a large time scale', () => {
  test('back-to-back calls find the bucket refilled, however close together (the bucket’s clock is finer than a millisecond)', async () => {
    // 0.5/s burst 1 at time scale 10,000 refills in 0.2 real ms: a loopback call often takes less than 1 ms, so
    // a millisecond clock would throttle some of these calls.
    const sku = entries[5]!.variant.sku;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await raw(sp, { operation: 'productPricing.getPricing', query: { MarketplaceId: US, ItemType: 'Sku', Skus: [sku] } })).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});

describe('catalog items', () => {
  test('getCatalogItem and searchCatalogItems (keywords with pagination, identifiers)', async () => {
    const { product, variant } = entries[0]!;
    const item = await raw(sp, { operation: 'catalogItems.getCatalogItem', path: { asin: variant.asin }, query: { marketplaceIds: [US], includedData: ['summaries', 'identifiers', 'images', 'salesRanks', 'productTypes', 'attributes', 'classifications'] } });
    expect(item.status).toBe(200);
    expectConforms('getCatalogItem', 200, item.body);
    expect(item.body.summaries[0]).toMatchObject({ marketplaceId: US, brand: product.vendor });
    expect(item.body.identifiers[0].identifiers).toContainEqual({ identifierType: 'UPC', identifier: variant.barcode });

    const words = product.vendor;
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await raw(sp, { operation: 'catalogItems.searchCatalogItems', query: { marketplaceIds: [US], keywords: [words], pageSize: 2, ...(pageToken ? { pageToken } : {}) } });
      expect(page.status).toBe(200);
      expectConforms('searchCatalogItems', 200, page.body);
      seen.push(...page.body.items.map((i: { asin: string }) => i.asin));
      pageToken = page.body.pagination?.nextToken;
    } while (pageToken);
    const expected = entries.filter((e) => e.product.vendor === product.vendor).map((e) => e.variant.asin);
    expect(seen.sort()).toEqual(expected.sort());

    const byUpc = await raw(sp, { operation: 'catalogItems.searchCatalogItems', query: { marketplaceIds: [US], identifiers: [variant.barcode], identifiersType: 'UPC' } });
    expect(byUpc.body.items.map((i: { asin: string }) => i.asin)).toEqual([variant.asin]);
    const neither = await raw(sp, { operation: 'catalogItems.searchCatalogItems', query: { marketplaceIds: [US] } });
    expect(neither.status).toBe(400);
    const unknown = await raw(sp, { operation: 'catalogItems.getCatalogItem', path: { asin: 'B000000000' }, query: { marketplaceIds: [US] } });
    expect(unknown.status).toBe(404);
  });
});
