// ANY_OFFER_CHANGED's payload as the contract's CompetitiveListing, PRICING_HEALTH's as its PricingHealthChange
// (on Amazon's own example), the queue's address from its ARN, and the offer-change cursor: the parts of the
// notification path that need no sandbox.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { money } from '@calibr/shared-contracts';
import { describe, expect, it } from 'vitest';
import { changeCause, listingFromAnyOfferChanged, type AnyOfferChangedPayload } from '../src/notifications/any-offer-changed';
import { parseQueueArn, queueUrl } from '../src/notifications/sqs-queue';
import { pricingHealthFromNotification, type PricingHealthPayload } from '../src/notifications/pricing-health';
import { notificationValidator, SCHEMA_DIR } from '../src/notifications/notification-schemas';

const usd = (Amount: number) => ({ Amount, CurrencyCode: 'USD' });
function payload(offers: AnyOfferChangedPayload['Offers'], buyBox: number | null = 20): AnyOfferChangedPayload {
  return {
    SellerId: 'A1OURS',
    OfferChangeTrigger: { MarketplaceId: 'ATVPDKIKX0DER', ASIN: 'B0TEST0001', ItemCondition: 'new', TimeOfOfferChange: '2026-12-07T10:00:00.123Z', OfferChangeType: 'External' },
    Summary: {
      NumberOfOffers: [
        { Condition: 'new', FulfillmentChannel: 'Amazon', OfferCount: 2 },
        { Condition: 'new', FulfillmentChannel: 'Merchant', OfferCount: 2 },
      ],
      BuyBoxPrices: buyBox === null ? [] : [{ Condition: 'used', LandedPrice: usd(5) }, { Condition: 'new', LandedPrice: usd(buyBox) }],
    },
    Offers: offers,
  };
}

describe('listingFromAnyOfferChanged', () => {
  it('landed = listing + shipping; the Buy Box winner is the first featured offer at the Buy Box price; ours by seller id; counts summed', () => {
    const listing = listingFromAnyOfferChanged(
      payload([
        { SellerId: 'A1RIVAL', ListingPrice: usd(15), Shipping: usd(5), IsFeaturedMerchant: false, IsFulfilledByAmazon: false, SellerFeedbackRating: { SellerPositiveFeedbackRating: 91, FeedbackCount: 120 } },
        { SellerId: 'A1OURS', ListingPrice: usd(20), Shipping: usd(0), IsFeaturedMerchant: true, IsFulfilledByAmazon: true, PrimeInformation: { IsOfferPrime: true } },
        { SellerId: 'A1OTHER', ListingPrice: usd(19), Shipping: usd(1), IsFeaturedMerchant: true, SellerFeedbackRating: { SellerPositiveFeedbackRating: 140, FeedbackCount: -1 } },
        { SellerId: 'A1NOPRICE' },
      ]),
      new Set(['A1OURS']),
    );
    expect(listing).toMatchObject({ itemId: 'B0TEST0001', marketplaceId: 'ATVPDKIKX0DER', currency: 'USD', buyBox: money('20.00', 'USD'), offerCount: 4, observedAt: '2026-12-07T10:00:00.123Z' });
    expect(listing.offers.map((o) => [o.sellerId, o.landed.amount, o.isOurs, o.isBuyBoxWinner, o.fulfillment])).toEqual([
      ['A1RIVAL', '20.00', false, false, 'MFN'],
      ['A1OURS', '20.00', true, true, 'AFN'],
      ['A1OTHER', '20.00', false, false, 'MFN'],
    ]);
    expect(listing.offers[0]).toMatchObject({ isBuyBoxEligible: false, condition: 'new', feedback: { percentage: 91, count: 120 } });
    expect(listing.offers[1]).toMatchObject({ isPrime: true });
    expect(listing.offers[2]!.feedback).toEqual({ percentage: null, count: null });
  });

  it('drops offers in another currency; with no Buy Box the first offer sets the currency and nobody wins', () => {
    const listing = listingFromAnyOfferChanged(
      payload([
        { SellerId: 'A1CAD', ListingPrice: { Amount: 25, CurrencyCode: 'CAD' }, IsFeaturedMerchant: true },
        { SellerId: 'A1USD', ListingPrice: usd(18), Shipping: { Amount: 2, CurrencyCode: 'CAD' }, IsFeaturedMerchant: true },
      ], null),
      new Set(),
    );
    expect(listing.buyBox).toBeNull();
    expect(listing.currency).toBe('CAD');
    expect(listing.offers.map((o) => [o.sellerId, o.landed.amount, o.isBuyBoxWinner])).toEqual([['A1CAD', '25.00', false]]);
    const withBox = listingFromAnyOfferChanged(payload([{ SellerId: 'A1CAD', ListingPrice: { Amount: 25, CurrencyCode: 'CAD' } }, { SellerId: 'A1USD', ListingPrice: usd(20) }]), new Set());
    expect(withBox.offers.map((o) => o.sellerId)).toEqual(['A1USD']);
  });

  it('tells whose move it was from the previous snapshot: a competitor repriced, added or gone; only ours; nothing to compare', () => {
    const offers = (rival: number, ours: number, extra: AnyOfferChangedPayload['Offers'] = []) =>
      listingFromAnyOfferChanged(
        payload([{ SellerId: 'A1RIVAL', ListingPrice: usd(rival), IsFeaturedMerchant: true }, { SellerId: 'A1OURS', ListingPrice: usd(ours), IsFeaturedMerchant: true }, ...extra]),
        new Set(['A1OURS']),
      );
    const before = offers(21, 20);
    expect(changeCause(undefined, before)).toBe('unknown');
    expect(changeCause(before, offers(19, 20))).toBe('competitor');
    expect(changeCause(before, offers(21, 20, [{ SellerId: 'A1NEW', ListingPrice: usd(25) }]))).toBe('competitor');
    expect(changeCause(before, offers(21, 22))).toBe('ours');
    expect(changeCause(before, offers(21, 20))).toBe('unknown');
  });
});

describe('the queue', () => {
  it("is addressed from its ARN: AWS's regional endpoint, or the one configured", () => {
    const queue = parseQueueArn('arn:aws:sqs:eu-west-1:123456789012:calibr-notifications');
    expect(queue).toMatchObject({ region: 'eu-west-1', accountId: '123456789012', name: 'calibr-notifications' });
    expect(queueUrl(queue)).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/calibr-notifications');
    expect(queueUrl(queue, 'http://127.0.0.1:4010/sqs/')).toBe('http://127.0.0.1:4010/sqs/123456789012/calibr-notifications');
    expect(() => parseQueueArn('https://sqs.eu-west-1.amazonaws.com/123456789012/q')).toThrow(/not an SQS queue ARN/);
  });
});

describe('pricingHealthFromNotification', () => {
  // Amazon's example in its published schema (vendored, kept equal to the reference copy).
  const example = (JSON.parse(readFileSync(join(SCHEMA_DIR, 'PricingHealthNotification.json'), 'utf8')) as { examples: Array<{ payload: PricingHealthPayload; notificationMetadata: { notificationId: string } }> }).examples[0]!;

  it("reads Amazon's example: our landed price, every reference price as decimal strings, the competitive price the one exceeded", () => {
    expect(notificationValidator('PRICING_HEALTH')!(example)).toBe(true);
    const health = pricingHealthFromNotification(example.notificationMetadata.notificationId, example.payload);
    expect(health).toEqual({
      notificationId: '23ae41cd-3537-4676-af46-6ee9abf8802e',
      itemId: 'B007IBIWZY',
      marketplaceId: 'ATVPDKIKX0DER',
      issue: 'BuyBoxDisqualification',
      ourPrice: money('8188.72', 'USD'),
      referencePrices: [
        { kind: 'competitivePrice', price: money('8000', 'USD') },
        { kind: 'retailOfferPrice', price: money('8000', 'USD') },
        { kind: 'averageSellingPrice', price: money('7500', 'USD') },
        { kind: 'msrp', price: money('7900', 'USD') },
      ],
      exceeded: { kind: 'competitivePrice', price: money('8000', 'USD') },
      observedAt: '2020-09-23T21:30:13.409Z',
    });
  });

  it('names the first reference exceeded, none when our price is under them all; leaves out a reference in another currency; no readable price, nothing', () => {
    const at = (landed: number, references: PricingHealthPayload['summary']['referencePrice']) =>
      pricingHealthFromNotification('n-1', { ...example.payload, merchantOffer: { ...example.payload.merchantOffer, landedPrice: { amount: landed, currencyCode: 'USD' } }, summary: { referencePrice: references } });
    expect(at(24.99, { competitivePriceThreshold: { amount: 25, currencyCode: 'USD' }, averageSellingPrice: { amount: 21.5, currencyCode: 'USD' } })?.exceeded).toEqual({ kind: 'averageSellingPrice', price: money('21.50', 'USD') });
    expect(at(20, { competitivePriceThreshold: { amount: 25, currencyCode: 'USD' } })?.exceeded).toBeNull();
    expect(at(24.99, { competitivePriceThreshold: { amount: 21.5, currencyCode: 'EUR' } })).toMatchObject({ referencePrices: [], exceeded: null });
    expect(at(24.99, {})).toMatchObject({ ourPrice: money('24.99', 'USD'), referencePrices: [], exceeded: null });
    const unreadable = { ...example.payload, merchantOffer: { ...example.payload.merchantOffer, landedPrice: { amount: 1e21, currencyCode: 'USD' }, listingPrice: { amount: 1e21, currencyCode: 'USD' } } };
    expect(pricingHealthFromNotification('n-2', unreadable)).toBeNull();
  });
});
