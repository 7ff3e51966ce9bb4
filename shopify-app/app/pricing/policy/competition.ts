// Who competes. A reading lists every offer on the product page, ours among them (Amazon counts the
// seller's own offer in its lowest price and may give it the Buy Box): our own offers are never the
// lowest offer to beat nor the Buy Box to match, or each approved cut would be undercut again by the next.
import { buyBoxOffer, lowestCompetingOffer, type CompetitiveOffer, type Money } from '@calibr/shared-contracts';
import type { CompetitiveSnapshot } from './types';

export interface Competition {
  /** The Buy Box's landed price, whoever holds it; null when nobody does. */
  readonly buyBox: Money | null;
  readonly buyBoxIsOurs: boolean | null;
  /** The offer holding the Buy Box, when the reading lists offers. */
  readonly buyBoxOffer: CompetitiveOffer | null;
  /** The lowest competing offer's landed price (ours excluded). */
  readonly lowestOffer: Money | null;
  /** The competitor behind it, when the reading lists offers. */
  readonly lowestOfferBy: CompetitiveOffer | null;
  /** The reading lists offers and every one of them is ours. */
  readonly onlyOurs: boolean;
}

const NONE: Competition = Object.freeze({ buyBox: null, buyBoxIsOurs: null, buyBoxOffer: null, lowestOffer: null, lowestOfferBy: null, onlyOurs: false });

export function competitionOf(c: CompetitiveSnapshot | null | undefined): Competition {
  if (!c) return NONE;
  const buyBox = c.buyBox ?? null;
  const offers = c.offers;
  // Offers in several currencies can't be compared: decide() refuses the listing (currency_mismatch).
  if (!offers || offers.some((o) => o.landed.currency !== offers[0]!.landed.currency)) {
    // A reading without its offers: its lowest offer is a competitor's by contract (see CompetitiveSnapshot).
    return { buyBox, buyBoxIsOurs: c.buyBoxIsOurs ?? null, buyBoxOffer: null, lowestOffer: c.lowestOffer ?? null, lowestOfferBy: null, onlyOurs: false };
  }
  const lowestOfferBy = lowestCompetingOffer(offers);
  const holder = buyBoxOffer(offers, buyBox);
  // Either source saying the Buy Box is ours is enough: matching ourselves is the one move never to make.
  const buyBoxIsOurs = c.buyBoxIsOurs === true || holder?.isOurs === true ? true : (c.buyBoxIsOurs ?? (holder ? false : null));
  return {
    buyBox,
    buyBoxIsOurs,
    buyBoxOffer: holder,
    lowestOffer: lowestOfferBy ? lowestOfferBy.landed : null,
    lowestOfferBy,
    onlyOurs: offers.length > 0 && lowestOfferBy === null,
  };
}

/** "seller A3COMPETITOR, fulfilled by Amazon, landed 12.45": how explanations name a competitor's offer. */
export function describeOffer(offer: CompetitiveOffer): string {
  return `seller ${offer.sellerId ?? 'unknown'}, ${offer.fulfillment === 'AFN' ? 'fulfilled by Amazon' : 'fulfilled by the seller'}, landed ${offer.landed.amount}`;
}
