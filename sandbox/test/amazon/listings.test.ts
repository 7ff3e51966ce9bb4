// Listings Items API 2021-08-01 against the demo seller, through amazon-sp-api.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { expectConforms } from './conformance';
import { raw, startAmazonSandbox, CA, NA_SELLER, UK, US, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
const entries = amazonCatalog();
const first = entries[0]!.variant;

beforeAll(async () => {
  sb = await startAmazonSandbox({ timeScale: 1000 });
  sp = sb.client();
});
afterAll(() => sb.close());

const getItem = (sku: string, marketplaceIds = [US], includedData = ['summaries', 'offers', 'attributes', 'fulfillmentAvailability', 'issues', 'productTypes']) =>
  raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds, includedData } });

const pricePatch = (value: Record<string, unknown>, op = 'replace') => ({
  productType: 'SHOES',
  patches: [{ op, path: '/attributes/purchasable_offer', value: [{ marketplace_id: US, currency: 'USD', audience: 'ALL', ...value }] }],
});
const schedule = (v: number) => [{ schedule: [{ value_with_tax: v }] }];

describe('getListingsItem', () => {
  test('returns the listing with its offer at the catalog price, as the model says', async () => {
    const res = await getItem(first.sku, [US, CA]);
    expect(res.status).toBe(200);
    expect(res.headers['x-amzn-requestid']).toBeTruthy();
    // The usage plan's rate (5/s) on the sandbox clock, which runs 1000x here.
    expect(res.headers['x-amzn-ratelimit-limit']).toBe('5000.0');
    expectConforms('getListingsItem', 200, res.body);
    expect(res.body.sku).toBe(first.sku);
    expect(res.body.summaries[0]).toMatchObject({ marketplaceId: US, asin: first.asin, status: ['BUYABLE', 'DISCOVERABLE'] });
    expect(res.body.offers).toContainEqual(expect.objectContaining({ marketplaceId: US, price: { currencyCode: 'USD', amount: first.price.USD } }));
    expect(res.body.offers).toContainEqual(expect.objectContaining({ marketplaceId: CA, price: { currencyCode: 'CAD', amount: first.price.CAD } }));
    expect(res.body.attributes.purchasable_offer[0].our_price[0].schedule[0].value_with_tax).toBe(Number(first.price.USD));
  });

  test('an unknown SKU is 404; another seller id is 403; a marketplace of another region is 400', async () => {
    const missing = await getItem('NO-SUCH-SKU');
    expect(missing.status).toBe(404);
    expectConforms('getListingsItem', 404, missing.body);
    const other = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: 'A1OTHERSELLER1', sku: first.sku }, query: { marketplaceIds: [US] } });
    expect(other.status).toBe(403);
    const uk = await getItem(first.sku, [UK]);
    expect(uk.status).toBe(400);
    expect(uk.body.errors[0]).toEqual({ code: 'InvalidInput', message: "Invalid 'marketplaceIds' provided.", details: '' });
  });

  test('a request without the required marketplaceIds is rejected before anything else', async () => {
    const res = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku: first.sku } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ code: 'InvalidInput', message: 'Required parameter marketplaceIds not found', details: '' }] });
    const badEnum = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku: first.sku }, query: { marketplaceIds: [US], includedData: ['everything'] } });
    expect(badEnum.status).toBe(400);
    expect(badEnum.body.errors[0].message).toContain('includedData');
  });
});

describe('searchListingsItems', () => {
  test('pages through every listing of the marketplace with nextToken', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const res = await raw(sp, {
        operation: 'listingsItems.searchListingsItems',
        path: { sellerId: NA_SELLER },
        query: { marketplaceIds: [US], pageSize: 7, sortBy: 'sku', sortOrder: 'ASC', ...(pageToken ? { pageToken } : {}) },
      });
      expect(res.status).toBe(200);
      expectConforms('searchListingsItems', 200, res.body);
      expect(res.body.numberOfResults).toBe(entries.length);
      if (pages > 0) expect(res.body.pagination.previousToken).toBeTruthy();
      seen.push(...res.body.items.map((i: { sku: string }) => i.sku));
      pageToken = res.body.pagination?.nextToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(Math.ceil(entries.length / 7));
    expect(seen).toEqual(entries.map((e) => e.variant.sku).sort());
  });

  test('fewer listings in the second marketplace; identifiers filter; a foreign page token is refused', async () => {
    const ca = await raw(sp, { operation: 'listingsItems.searchListingsItems', path: { sellerId: NA_SELLER }, query: { marketplaceIds: [CA], pageSize: 1 } });
    expect(ca.body.numberOfResults).toBeGreaterThan(0);
    expect(ca.body.numberOfResults).toBeLessThan(entries.length);

    const skus = entries.slice(0, 3).map((e) => e.variant.sku);
    const byId = await raw(sp, { operation: 'listingsItems.searchListingsItems', path: { sellerId: NA_SELLER }, query: { marketplaceIds: [US], identifiers: skus, identifiersType: 'SKU' } });
    expect(byId.body.items.map((i: { sku: string }) => i.sku).sort()).toEqual([...skus].sort());

    const foreign = await raw(sp, {
      operation: 'listingsItems.searchListingsItems',
      path: { sellerId: NA_SELLER },
      query: { marketplaceIds: [US], sortBy: 'createdDate', pageToken: ca.body.pagination.nextToken },
    });
    expect(foreign.status).toBe(400);
  });
});

describe('patchListingsItem', () => {
  const sku = entries[1]!.variant.sku;
  const patch = (body: unknown, query: Record<string, unknown> = {}) =>
    raw(sp, { operation: 'listingsItems.patchListingsItem', path: { sellerId: NA_SELLER, sku }, query: { marketplaceIds: [US], ...query }, body });

  test('a purchasable_offer our_price patch changes the price', async () => {
    const res = await patch(pricePatch({ our_price: schedule(99.95) }));
    expect(res.status).toBe(200);
    expectConforms('patchListingsItem', 200, res.body);
    expect(res.body).toMatchObject({ sku, status: 'ACCEPTED', issues: [] });
    const after = await getItem(sku);
    expect(after.body.offers[0].price).toEqual({ currencyCode: 'USD', amount: '99.95' });
  });

  test("Amazon's generic PRODUCT type is accepted for an offer-only price patch", async () => {
    const res = await patch({ ...pricePatch({ our_price: schedule(99.95) }), productType: 'PRODUCT' });
    expect(res.body.status).toBe('ACCEPTED');
  });

  test('VALIDATION_PREVIEW validates without applying', async () => {
    const res = await patch(pricePatch({ our_price: schedule(12.34) }), { mode: 'VALIDATION_PREVIEW', includedData: ['identifiers', 'issues'] });
    expect(res.body).toMatchObject({ status: 'VALID', identifiers: [{ marketplaceId: US, asin: entries[1]!.variant.asin }] });
    expect((await getItem(sku)).body.offers[0].price.amount).toBe('99.95');
  });

  test('bad prices are INVALID with issues and change nothing', async () => {
    const wrongCurrency = await patch({ productType: 'SHOES', patches: [{ op: 'replace', path: '/attributes/purchasable_offer', value: [{ marketplace_id: US, currency: 'CAD', our_price: schedule(10) }] }] });
    expect(wrongCurrency.body.status).toBe('INVALID');
    expect(wrongCurrency.body.issues[0]).toMatchObject({ code: '99300', severity: 'ERROR', attributeNames: ['purchasable_offer'] });

    const tooPrecise = await patch(pricePatch({ our_price: schedule(10.999) }));
    expect(tooPrecise.body.issues[0].code).toBe('99010');

    const outside = await patch(pricePatch({ our_price: schedule(70), minimum_seller_allowed_price: schedule(50), maximum_seller_allowed_price: schedule(60) }));
    expect(outside.body.issues[0].code).toBe('99310');

    const typeMismatch = await patch({ ...pricePatch({ our_price: schedule(10) }), productType: 'LUGGAGE' });
    expect(typeMismatch.body.issues[0].code).toBe('90221');
    expect((await getItem(sku)).body.offers[0].price.amount).toBe('99.95');
  });

  test('merge keeps the bounds set earlier', async () => {
    await patch(pricePatch({ our_price: schedule(55), minimum_seller_allowed_price: schedule(50), maximum_seller_allowed_price: schedule(60) }));
    const merged = await patch(pricePatch({ our_price: schedule(58) }, 'merge'), {});
    expect(merged.body.status).toBe('ACCEPTED');
    const outside = await patch(pricePatch({ our_price: schedule(61) }, 'merge'));
    expect(outside.body.status).toBe('INVALID');
    const item = await getItem(sku);
    expect(item.body.attributes.purchasable_offer[0]).toMatchObject({
      our_price: schedule(58),
      minimum_seller_allowed_price: schedule(50),
      maximum_seller_allowed_price: schedule(60),
    });
  });

  test('a body that breaks the model is rejected as Amazon does', async () => {
    const noPatches = await patch({ productType: 'SHOES' });
    expect(noPatches.status).toBe(400);
    expect(noPatches.body.errors[0].code).toBe('InvalidInput');
    expect(noPatches.body.errors[0].details).toContain("must have required property 'patches'");
    const badOp = await patch({ productType: 'SHOES', patches: [{ op: 'upsert', path: '/attributes/x' }] });
    expect(badOp.status).toBe(400);
    expect(badOp.body.errors[0].details).toContain('must be equal to one of the allowed values');
    const notJson = await raw(sp, { api_path: `/listings/2021-08-01/items/${NA_SELLER}/${sku}`, method: 'PATCH', query: { marketplaceIds: US }, body: 'not json' as unknown as object });
    expect(notJson.status).toBe(400);
  });
});

describe('putListingsItem and deleteListingsItem', () => {
  test('creates an offer on a catalog ASIN, then deletes it', async () => {
    const asin = entries[2]!.variant.asin;
    const put = await raw(sp, {
      operation: 'listingsItems.putListingsItem',
      path: { sellerId: NA_SELLER, sku: 'NEW-SKU-1' },
      query: { marketplaceIds: [US] },
      body: {
        productType: 'SOCKS',
        requirements: 'LISTING_OFFER_ONLY',
        attributes: {
          merchant_suggested_asin: [{ value: asin, marketplace_id: US }],
          condition_type: [{ value: 'new_new', marketplace_id: US }],
          purchasable_offer: [{ marketplace_id: US, currency: 'USD', our_price: schedule(19.5) }],
        },
      },
    });
    expect(put.body).toMatchObject({ status: 'ACCEPTED', issues: [] });
    expect((await getItem('NEW-SKU-1')).body.offers[0].price.amount).toBe('19.50');
    const del = await raw(sp, { operation: 'listingsItems.deleteListingsItem', path: { sellerId: NA_SELLER, sku: 'NEW-SKU-1' }, query: { marketplaceIds: [US] } });
    expect(del.body.status).toBe('ACCEPTED');
    expect((await getItem('NEW-SKU-1')).status).toBe(404);
  });
});
