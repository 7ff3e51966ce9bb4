// Product Fees API v0 over HTTP through amazon-sp-api: estimates from the sandbox's fee formula (referral
// 15 % with a minimum, FBA fee for AFN), shaped as the model says, per-item errors, faults and the usage plan.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { amazonCatalog } from '../../src/seed/catalog';
import { expectConforms } from './conformance';
import { raw, startAmazonSandbox, NA_SELLER, MX, US, UK, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;
let afnSku: string;
let mfnSku: string;

const usd = (Amount: number) => ({ CurrencyCode: 'USD', Amount });
const byId = (IdType: 'SellerSKU' | 'ASIN', IdValue: string, amount: number, extra: Record<string, unknown> = {}) => ({
  IdType,
  IdValue,
  FeesEstimateRequest: { MarketplaceId: US, PriceToEstimateFees: { ListingPrice: usd(amount) }, Identifier: `${IdValue}@${amount}`, ...extra },
});
const finalFee = (result: { FeesEstimate: { FeeDetailList: { FeeType: string; FinalFee: { Amount: number } }[] } }, type: string) =>
  result.FeesEstimate.FeeDetailList.find((f) => f.FeeType === type)?.FinalFee.Amount;

beforeAll(async () => {
  // getMyFeesEstimates is 0.5/s burst 1: time scale 10000 keeps the test from waiting on it.
  sb = await startAmazonSandbox({ timeScale: 10_000 });
  sp = sb.client();
  // The seed makes every third SKU FBA; read which from the Listings API, as a client would.
  for (const { variant } of amazonCatalog().slice(0, 6)) {
    const res = await raw(sp, { operation: 'listingsItems.getListingsItem', path: { sellerId: NA_SELLER, sku: variant.sku }, query: { marketplaceIds: [US], includedData: ['fulfillmentAvailability'] } });
    const channel = res.body.fulfillmentAvailability?.[0]?.fulfillmentChannelCode as string | undefined;
    if (channel?.startsWith('AMAZON')) afnSku ??= variant.sku;
    else if (channel === 'DEFAULT') mfnSku ??= variant.sku;
  }
});
afterAll(() => sb.close());

describe('getMyFeesEstimates', () => {
  test('answers each item from the fee formula: referral 15 % (min 0.30 USD), FBA fee for the AFN listing, in request order', async () => {
    const res = await raw(sp, { operation: 'productFees.getMyFeesEstimates', body: [byId('SellerSKU', mfnSku, 20), byId('SellerSKU', afnSku, 20), byId('SellerSKU', mfnSku, 1)] });
    expect(res.status).toBe(200);
    expectConforms('getMyFeesEstimates', 200, res.body);
    expect(res.headers['x-amzn-ratelimit-limit']).toBe('5000.0');
    const [mfn, afn, cheap] = res.body;
    expect(res.body.map((r: { FeesEstimateIdentifier: { IdValue: string } }) => r.FeesEstimateIdentifier.IdValue)).toEqual([mfnSku, afnSku, mfnSku]);
    expect(mfn).toMatchObject({ Status: 'Success', FeesEstimateIdentifier: { MarketplaceId: US, IdType: 'SellerSKU', SellerId: NA_SELLER, IsAmazonFulfilled: false, SellerInputIdentifier: `${mfnSku}@20` } });
    expect(finalFee(mfn, 'ReferralFee')).toBe(3);
    expect(finalFee(mfn, 'FBAFees')).toBeUndefined();
    expect(mfn.FeesEstimate.TotalFeesEstimate).toEqual(usd(3));
    expect(afn.FeesEstimateIdentifier.IsAmazonFulfilled).toBe(true);
    expect(finalFee(afn, 'FBAFees')).toBe(3.22);
    expect(afn.FeesEstimate.TotalFeesEstimate).toEqual(usd(6.22));
    // 15 % of 1.00 is 0.15, under the 0.30 minimum.
    expect(cheap.FeesEstimate.TotalFeesEstimate).toEqual(usd(0.3));
  });

  test('IsAmazonFulfilled in the request overrides the listing, shipping counts in the referral fee, ASINs work too', async () => {
    const asin = amazonCatalog().find((e) => e.variant.sku === mfnSku)!.variant.asin;
    const res = await raw(sp, {
      operation: 'productFees.getMyFeesEstimates',
      body: [
        byId('SellerSKU', mfnSku, 20, { IsAmazonFulfilled: true }),
        { ...byId('SellerSKU', mfnSku, 10), FeesEstimateRequest: { ...byId('SellerSKU', mfnSku, 10).FeesEstimateRequest, PriceToEstimateFees: { ListingPrice: usd(10), Shipping: usd(10) } } },
        byId('ASIN', asin, 40),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body[0].FeesEstimate.TotalFeesEstimate).toEqual(usd(6.22));
    expect(res.body[1].FeesEstimate.TotalFeesEstimate).toEqual(usd(3));
    expect(res.body[2]).toMatchObject({ Status: 'Success', FeesEstimateIdentifier: { IdType: 'ASIN', IdValue: asin, IsAmazonFulfilled: false } });
    expect(res.body[2].FeesEstimate.TotalFeesEstimate).toEqual(usd(6));
  });

  test('an unknown SKU or a wrong currency is that item\'s ClientError; the others are estimated', async () => {
    const wrongCurrency = byId('SellerSKU', mfnSku, 20);
    wrongCurrency.FeesEstimateRequest.PriceToEstimateFees = { ListingPrice: { CurrencyCode: 'EUR', Amount: 20 } };
    const res = await raw(sp, { operation: 'productFees.getMyFeesEstimates', body: [byId('SellerSKU', 'NO-SUCH-SKU', 20), wrongCurrency, byId('SellerSKU', afnSku, 20)] });
    expect(res.status).toBe(200);
    expectConforms('getMyFeesEstimates', 200, res.body);
    expect(res.body.map((r: { Status: string }) => r.Status)).toEqual(['ClientError', 'ClientError', 'Success']);
    expect(res.body[0].Error).toMatchObject({ Type: 'Sender', Code: 'InvalidParameterValue' });
    expect(res.body[0].FeesEstimate.TotalFeesEstimate).toBeUndefined();
  });

  test('the whole call is refused for another region\'s marketplace and for more than 20 items', async () => {
    const uk = byId('SellerSKU', mfnSku, 20);
    uk.FeesEstimateRequest.MarketplaceId = UK;
    const wrong = await raw(sp, { operation: 'productFees.getMyFeesEstimates', body: [uk] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0]).toMatchObject({ code: 'InvalidInput', message: 'Incorrect Marketplace identifier.' });
    const tooMany = await raw(sp, { operation: 'productFees.getMyFeesEstimates', body: Array.from({ length: 21 }, (_, i) => byId('SellerSKU', mfnSku, 10 + i)) });
    expect(tooMany.status).toBe(400);
    // The body is checked against the model: IdType is ASIN or SellerSKU, PriceToEstimateFees is required.
    const badType = await raw(sp, { operation: 'productFees.getMyFeesEstimates', body: [{ ...byId('SellerSKU', mfnSku, 20), IdType: 'UPC' }] });
    expect(badType.status).toBe(400);
    expect(badType.body.errors[0].code).toBe('InvalidInput');
    const noPrice = await raw(sp, { operation: 'productFees.getMyFeesEstimates', body: [{ IdType: 'SellerSKU', IdValue: mfnSku, FeesEstimateRequest: { MarketplaceId: US, Identifier: 'x' } }] });
    expect(noPrice.status).toBe(400);
  });

  test('fees/fault fails one SKU\'s estimate (ClientError, ServiceError) or the whole call (500) until turned off', async () => {
    expect((await sb.control('POST', 'fees/fault', { id: afnSku, fault: 'ServiceError' })).status).toBe(201);
    let res = await raw(sp, { operation: 'productFees.getMyFeesEstimates', body: [byId('SellerSKU', afnSku, 20), byId('SellerSKU', mfnSku, 20)] });
    expect(res.body.map((r: { Status: string }) => r.Status)).toEqual(['ServiceError', 'Success']);
    expect(res.body[0].Error).toMatchObject({ Type: 'Receiver' });

    await sb.control('POST', 'fees/fault', { id: afnSku, fault: 'InternalFailure' });
    res = await raw(sp, { operation: 'productFees.getMyFeesEstimates', body: [byId('SellerSKU', afnSku, 20), byId('SellerSKU', mfnSku, 20)] });
    expect(res.status).toBe(500);
    expect(res.body.errors[0].code).toBe('InternalFailure');

    await sb.control('POST', 'fees/fault', { id: afnSku, fault: 'off' });
    res = await raw(sp, { operation: 'productFees.getMyFeesEstimates', body: [byId('SellerSKU', afnSku, 20)] });
    expect(res.body[0].Status).toBe('Success');
    expect((await sb.control('POST', 'fees/fault', { id: afnSku, fault: 'nonsense' })).status).toBe(400);
  });
});

describe('getMyFeesEstimateForSKU and getMyFeesEstimateForASIN', () => {
  test('one estimate in a payload, MXN in its own minimum and FBA fee', async () => {
    const res = await raw(sp, {
      operation: 'productFees.getMyFeesEstimateForSKU',
      path: { SellerSKU: mfnSku },
      body: { FeesEstimateRequest: { MarketplaceId: US, PriceToEstimateFees: { ListingPrice: usd(100) }, Identifier: 'one' } },
    });
    expect(res.status).toBe(200);
    expectConforms('getMyFeesEstimateForSKU', 200, res.body);
    expect(res.body.payload.FeesEstimateResult).toMatchObject({ Status: 'Success', FeesEstimate: { TotalFeesEstimate: usd(15) } });

    const asin = amazonCatalog().find((e) => e.variant.sku === afnSku)!.variant.asin;
    const mx = await raw(sp, {
      operation: 'productFees.getMyFeesEstimateForASIN',
      path: { Asin: asin },
      body: { FeesEstimateRequest: { MarketplaceId: MX, IsAmazonFulfilled: true, PriceToEstimateFees: { ListingPrice: { CurrencyCode: 'MXN', Amount: 10 } }, Identifier: 'mx' } },
    });
    expect(mx.status).toBe(200);
    expectConforms('getMyFeesEstimateForASIN', 200, mx.body);
    // 15 % of 10 MXN is 1.50, under the 5.00 minimum; FBA 60.00.
    expect(mx.body.payload.FeesEstimateResult.FeesEstimate.TotalFeesEstimate).toEqual({ CurrencyCode: 'MXN', Amount: 65 });
  });
});

describe('usage plan', () => {
  test('getMyFeesEstimates is 0.5/s burst 1 per seller and app: a second call at once is a 429', async () => {
    const slow = await startAmazonSandbox({ timeScale: 1 });
    try {
      const client = slow.client();
      const body = [byId('SellerSKU', mfnSku, 20)];
      const first = await raw(client, { operation: 'productFees.getMyFeesEstimates', body });
      expect(first.status).toBe(200);
      expect(first.headers['x-amzn-ratelimit-limit']).toBe('0.5');
      const second = await raw(client, { operation: 'productFees.getMyFeesEstimates', body });
      expect(second.status).toBe(429);
      expect(second.body.errors[0].code).toBe('QuotaExceeded');
    } finally {
      await slow.close();
    }
  });
});
