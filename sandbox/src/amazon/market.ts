// The offers shoppers see on an ASIN in a marketplace (sandbox sellers' listings plus competitors) and
// who holds the Buy Box: the model in buy-box.ts (eligibility, then landed price, fulfilment, feedback),
// unless a test forced it.
import { buyBoxWinner as modelWinner, isBuyBoxEligible, type BuyBoxCandidate } from './buy-box';
import { addPrices, comparePrices, minorOf, price as makePrice, type Price } from './money';
import { marketplace } from './marketplaces';
import { offerKey, type CompetitorOffer } from './state';
import type { AmazonWorld } from './world';

export interface MarketOffer {
  sellerId: string;
  sellerName: string;
  /** The SKU when the offer is a sandbox seller's listing. */
  sku?: string;
  condition: 'New' | 'Used';
  subCondition: string;
  fulfillment: 'AFN' | 'MFN';
  price: Price;
  shipping: Price;
  landed: Price;
  feedbackPercent: number;
  feedbackCount: number;
  shipsFromCountry: string;
  prime: boolean;
}

/** The sandbox sellers' buyable offers on an ASIN in a marketplace. */
export function sellerOffers(world: AmazonWorld, asin: string, marketplaceId: string): MarketOffer[] {
  const mp = marketplace(marketplaceId);
  const offers: MarketOffer[] = [];
  for (const { seller, listing } of world.listingsOfAsin(asin)) {
    const offer = listing.offers[marketplaceId];
    if (!offer || !offer.status.includes('BUYABLE')) continue;
    const fba = listing.fulfillmentChannelCode.startsWith('AMAZON');
    const shipping = makePrice('0', offer.price.currency);
    offers.push({
      sellerId: seller.sellerId,
      sellerName: seller.storeName,
      sku: listing.sku,
      condition: listing.conditionType.startsWith('new') ? 'New' : 'Used',
      subCondition: listing.conditionType.startsWith('new') ? 'new' : 'good',
      fulfillment: fba ? 'AFN' : 'MFN',
      price: offer.price,
      shipping,
      landed: offer.price,
      feedbackPercent: 98,
      feedbackCount: 1250,
      shipsFromCountry: mp?.countryCode ?? 'US',
      prime: fba,
    });
  }
  return offers;
}

export function marketOffers(world: AmazonWorld, asin: string, marketplaceId: string): MarketOffer[] {
  const offers = sellerOffers(world, asin, marketplaceId);
  for (const c of world.state.competitors[offerKey(asin, marketplaceId)] ?? []) {
    offers.push(competitorToMarket(c));
  }
  return offers.sort((a, b) => comparePrices(a.landed, b.landed) || a.sellerId.localeCompare(b.sellerId));
}

export function competitorToMarket(c: CompetitorOffer): MarketOffer {
  return {
    sellerId: c.sellerId,
    sellerName: c.sellerName,
    condition: c.condition,
    subCondition: c.subCondition,
    fulfillment: c.fulfillment,
    price: c.price,
    shipping: c.shipping,
    landed: addPrices(c.price, c.shipping),
    feedbackPercent: c.feedbackPercent,
    feedbackCount: c.feedbackCount,
    shipsFromCountry: c.shipsFromCountry,
    prime: c.prime,
  };
}

/** The Buy Box (featured offer) holder among `offers`, or undefined when suppressed or nobody qualifies. */
export function buyBoxWinner(world: AmazonWorld, asin: string, marketplaceId: string, offers: MarketOffer[]): MarketOffer | undefined {
  const forced = world.state.buyBoxOverrides[offerKey(asin, marketplaceId)];
  if (forced === 'none') return undefined;
  if (forced) {
    const winner = offers.find((o) => o.sellerId === forced && o.condition === 'New');
    if (winner) return winner;
  }
  return modelWinner(offers.map(candidate))?.offer;
}

/** A market offer as the Buy Box model reads it (marketOffers lists only buyable offers). */
export function candidate(o: MarketOffer): BuyBoxCandidate & { offer: MarketOffer } {
  return {
    offer: o,
    sellerId: o.sellerId,
    condition: o.condition,
    landedMinor: minorOf(o.landed),
    fba: o.fulfillment === 'AFN',
    prime: o.prime,
    feedbackPercent: o.feedbackPercent,
    feedbackCount: o.feedbackCount,
  };
}

/** Amazon's IsFeaturedMerchant for an offer: eligible for the Buy Box under the model. */
export function isFeaturedMerchant(o: MarketOffer): boolean {
  return isBuyBoxEligible(candidate(o));
}

export function lowestOffer(offers: MarketOffer[], condition: 'New' | 'Used', fulfillment?: 'AFN' | 'MFN'): MarketOffer | undefined {
  return offers.find((o) => o.condition === condition && (!fulfillment || o.fulfillment === fulfillment));
}
