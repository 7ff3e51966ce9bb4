// ANY_OFFER_CHANGED's payload as the contract's CompetitiveListing (the shape getCompetitiveOffers answers).
// Its shape is not getItemOffers': Summary.BuyBoxPrices carries the Buy Box (new condition), each offer has
// SellerId, IsFeaturedMerchant (may win the Buy Box), PrimeInformation.IsOfferPrime, SellerFeedbackRating,
// ListingPrice and Shipping; Points carry a number of points, no money, so the landed price is
// ListingPrice + Shipping. The notification names no Buy Box winner: the offer marked is the first
// featured-merchant offer at the Buy Box's landed price (the one Amazon shows there).
import { addMoney, compareMoney, type CompetitiveListing, type CompetitiveOffer, type Money } from '@calibr/shared-contracts';
import { moneyFromAmazon } from '../money/amazon-money';

type AmazonMoney = { CurrencyCode?: string; Amount?: number };

export interface AnyOfferChangedPayload {
  SellerId: string;
  OfferChangeTrigger: { MarketplaceId: string; ASIN: string; ItemCondition?: string; TimeOfOfferChange: string; OfferChangeType?: string };
  Summary: {
    NumberOfOffers?: { Condition?: string; FulfillmentChannel?: string; OfferCount?: number }[];
    BuyBoxPrices?: { Condition?: string; LandedPrice?: AmazonMoney }[];
  };
  Offers: {
    SellerId?: string;
    SubCondition?: string;
    SellerFeedbackRating?: { SellerPositiveFeedbackRating?: number; FeedbackCount?: number };
    ListingPrice?: AmazonMoney;
    Shipping?: AmazonMoney;
    IsFulfilledByAmazon?: boolean;
    IsFeaturedMerchant?: boolean;
    PrimeInformation?: { IsOfferPrime?: boolean };
  }[];
}

const money = (m: AmazonMoney | undefined) => moneyFromAmazon(m?.Amount, m?.CurrencyCode);
const percentage = (value: unknown) => (typeof value === 'number' && value >= 0 && value <= 100 ? value : null);
const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);

/**
 * Whose move it was. The notification doesn't say (OfferChangeType tells an external price, a change among
 * the offers and a Buy Box change apart, not whose offer moved), so the snapshot is compared with the
 * shop's previous one of the item: a competitor's offer added, gone or repriced → `competitor`; only ours
 * → `ours`; nothing to compare with, or no offer moved (the Buy Box alone) → `unknown`.
 */
export function changeCause(previous: CompetitiveListing | undefined, next: CompetitiveListing): 'competitor' | 'ours' | 'unknown' {
  if (!previous) return 'unknown';
  const key = (o: CompetitiveOffer) => `${o.sellerId ?? ''}|${o.fulfillment}|${o.condition ?? ''}`;
  const prices = (listing: CompetitiveListing, ours: boolean) =>
    new Map(listing.offers.filter((o) => o.isOurs === ours).map((o) => [key(o), `${o.landed.amount} ${o.landed.currency}`]));
  const differ = (a: Map<string, string>, b: Map<string, string>) => a.size !== b.size || [...a].some(([k, v]) => b.get(k) !== v);
  if (differ(prices(previous, false), prices(next, false))) return 'competitor';
  if (differ(prices(previous, true), prices(next, true))) return 'ours';
  return 'unknown';
}

export function listingFromAnyOfferChanged(payload: AnyOfferChangedPayload, ownSellerIds: ReadonlySet<string>): CompetitiveListing {
  const trigger = payload.OfferChangeTrigger;
  const buyBox = money(payload.Summary.BuyBoxPrices?.find((b) => !b.Condition || b.Condition.toLowerCase() === 'new')?.LandedPrice);
  const condition = (trigger.ItemCondition ?? 'new').toLowerCase();
  const offers: CompetitiveOffer[] = [];
  let winnerMarked = false;
  for (const o of payload.Offers) {
    const listing = money(o.ListingPrice);
    if (!listing) continue;
    const shipping = money(o.Shipping);
    const landed: Money = shipping && shipping.currency === listing.currency ? addMoney(listing, shipping) : listing;
    // One marketplace, one currency: an offer priced otherwise can't be compared.
    if (buyBox && landed.currency !== buyBox.currency) continue;
    const sellerId = o.SellerId ?? null;
    const winner: boolean = !winnerMarked && buyBox !== null && o.IsFeaturedMerchant === true && compareMoney(landed, buyBox) === 0;
    winnerMarked ||= winner;
    const rating = o.SellerFeedbackRating;
    offers.push({
      sellerId,
      isOurs: sellerId !== null && ownSellerIds.has(sellerId),
      fulfillment: o.IsFulfilledByAmazon ? 'AFN' : 'MFN',
      landed,
      isBuyBoxWinner: winner,
      ...(typeof o.IsFeaturedMerchant === 'boolean' ? { isBuyBoxEligible: o.IsFeaturedMerchant } : {}),
      ...(typeof o.PrimeInformation?.IsOfferPrime === 'boolean' ? { isPrime: o.PrimeInformation.IsOfferPrime } : {}),
      condition,
      ...(rating ? { feedback: { percentage: percentage(rating.SellerPositiveFeedbackRating), count: count(rating.FeedbackCount) } } : {}),
    });
  }
  const currency = buyBox?.currency ?? offers[0]?.landed.currency ?? null;
  const counted = payload.Summary.NumberOfOffers?.reduce((sum, n) => sum + (count(n.OfferCount) ?? 0), 0);
  return {
    itemId: trigger.ASIN,
    marketplaceId: trigger.MarketplaceId,
    currency,
    buyBox,
    offerCount: counted ?? null,
    offers: offers.filter((o) => o.landed.currency === currency),
    observedAt: new Date(trigger.TimeOfOfferChange).toISOString(),
  };
}
