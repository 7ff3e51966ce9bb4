// The offers shoppers see on an ASIN in a marketplace (sandbox sellers' listings plus competitors) and
// who holds the Buy Box: the lowest landed price among eligible new offers, unless a test forced it.
import { addPrices, comparePrices, price as makePrice, type Price } from './money';
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

/** Sellers below this positive-feedback share don't win the Buy Box. */
const BUY_BOX_MIN_FEEDBACK = 90;

export function marketOffers(world: AmazonWorld, asin: string, marketplaceId: string): MarketOffer[] {
  const mp = marketplace(marketplaceId);
  const offers: MarketOffer[] = [];
  for (const seller of Object.values(world.state.sellers)) {
    for (const listing of Object.values(seller.listings)) {
      const offer = listing.offers[marketplaceId];
      if (listing.asin !== asin || !offer || !offer.status.includes('BUYABLE')) continue;
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
  }
  for (const c of world.state.competitors[offerKey(asin, marketplaceId)] ?? []) {
    offers.push(competitorToMarket(c));
  }
  return offers.sort((a, b) => comparePrices(a.landed, b.landed) || a.sellerId.localeCompare(b.sellerId));
}

function competitorToMarket(c: CompetitorOffer): MarketOffer {
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
  const eligible = offers.filter((o) => o.condition === 'New' && o.feedbackPercent >= BUY_BOX_MIN_FEEDBACK);
  return [...eligible].sort(
    (a, b) =>
      comparePrices(a.landed, b.landed) ||
      Number(b.fulfillment === 'AFN') - Number(a.fulfillment === 'AFN') ||
      b.feedbackCount - a.feedbackCount ||
      a.sellerId.localeCompare(b.sellerId),
  )[0];
}

export function lowestOffer(offers: MarketOffer[], condition: 'New' | 'Used', fulfillment?: 'AFN' | 'MFN'): MarketOffer | undefined {
  return offers.find((o) => o.condition === condition && (!fulfillment || o.fulfillment === fulfillment));
}
