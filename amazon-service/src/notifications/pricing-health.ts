// PRICING_HEALTH's payload as the contract's PricingHealthChange: Amazon says the seller's offer on an ASIN
// is not Featured Offer (Buy Box) eligible because its price is not competitive with a reference price.
// The payload names the offer (merchantOffer: listing price, shipping, landed price) and the reference
// prices it was judged against (summary.referencePrice); it names no SKU, so the app finds its listings
// by ASIN and marketplace. Amounts are JSON numbers: each becomes a decimal string through the shared
// parser, and one that can't (an exponent, too many digits) is left out rather than rounded.
import { compareMoney, type Money, type PricingHealthChange, type ReferencePrice, type ReferencePriceKind } from '@calibr/shared-contracts';
import { moneyFromAmazon } from '../money/amazon-money';

type AmazonMoney = { amount?: number; currencyCode?: string };

export interface PricingHealthPayload {
  issueType: string;
  sellerId: string;
  offerChangeTrigger: { marketplaceId: string; asin: string; itemCondition?: string; timeOfOfferChange: string };
  merchantOffer: { condition?: string; fulfillmentType?: string; listingPrice: AmazonMoney; shipping: AmazonMoney; landedPrice: AmazonMoney };
  summary: {
    referencePrice?: { competitivePriceThreshold?: AmazonMoney; averageSellingPrice?: AmazonMoney; retailOfferPrice?: AmazonMoney; msrpPrice?: AmazonMoney };
  };
}

/** Amazon's reference prices by our names, in the order they are named as the one exceeded: the competitive price first. */
const REFERENCES: readonly [ReferencePriceKind, keyof NonNullable<PricingHealthPayload['summary']['referencePrice']>][] = [
  ['competitivePrice', 'competitivePriceThreshold'],
  ['retailOfferPrice', 'retailOfferPrice'],
  ['averageSellingPrice', 'averageSellingPrice'],
  ['msrp', 'msrpPrice'],
];

const money = (m: AmazonMoney | undefined): Money | null => moneyFromAmazon(m?.amount, m?.currencyCode);

/** What is stored and served (without the cursor and receivedAt, the store's); null when our price can't be read. */
export function pricingHealthFromNotification(notificationId: string, payload: PricingHealthPayload): Omit<PricingHealthChange, 'cursor' | 'receivedAt'> | null {
  const trigger = payload.offerChangeTrigger;
  // Amazon judges the landed price (price + shipping); the listing price alone when no landed price is readable.
  const ourPrice = money(payload.merchantOffer.landedPrice) ?? money(payload.merchantOffer.listingPrice);
  if (!ourPrice) return null;
  const referencePrices: ReferencePrice[] = [];
  for (const [kind, field] of REFERENCES) {
    const price = money(payload.summary.referencePrice?.[field]);
    // One marketplace, one currency: a reference in another can't be compared with our price.
    if (price && price.currency === ourPrice.currency) referencePrices.push({ kind, price });
  }
  return {
    notificationId,
    itemId: trigger.asin,
    marketplaceId: trigger.marketplaceId,
    issue: payload.issueType,
    ourPrice,
    referencePrices,
    exceeded: referencePrices.find((r) => compareMoney(ourPrice, r.price) > 0) ?? null,
    observedAt: new Date(trigger.timeOfOfferChange).toISOString(),
  };
}
