// Who competes. A reading lists every offer on the product page, ours among them (Amazon counts the
// seller's own offer in its lowest price and may give it the Buy Box): our own offers are never the
// lowest offer to beat nor the Buy Box to match, or each approved cut would be undercut again by the next.
//
// The rule's filters (CompetitorFilters) then set aside the offers it doesn't follow (used, merchant-
// fulfilled, low feedback, excluded sellers, below our floor…), each with its reason for the explanation.
// A reading without its offers (only Amazon's summary prices) can't be filtered: its figures are taken
// as they are, as before filters existed.
import { buyBoxOffer, compareMoney, type CompetitiveOffer, type Money } from '@calibr/shared-contracts';
import { readMinor } from './minor-units';
import { minorText, moneyText } from './money-text';
import type { CompetitiveSnapshot, CompiledFilters } from './types';

/** Amazon itself sells under this seller id and reports no seller feedback for it. */
export const AMAZON_RETAIL_SELLER_ID = 'ATVPDKIKX0DER';

export const DEFAULT_FILTERS: CompiledFilters = Object.freeze({
  condition: 'new',
  fulfillment: 'any',
  primeOnly: false,
  minFeedbackPercent: null,
  minFeedbackCount: null,
  buyBoxEligibleOnly: false,
  excludedSellerIds: new Set<string>(),
  ignoreBelowFloor: false,
});

export interface IgnoredOffer {
  readonly offer: CompetitiveOffer;
  readonly reason: string;
}

export interface Competition {
  /** The Buy Box's landed price, whoever holds it; null when nobody does. */
  readonly buyBox: Money | null;
  readonly buyBoxIsOurs: boolean | null;
  /** The offer holding the Buy Box, when the reading lists offers. */
  readonly buyBoxOffer: CompetitiveOffer | null;
  /** Why the rule doesn't follow the Buy Box holder (a competitor its filters set aside), or null. */
  readonly buyBoxIgnored: string | null;
  /** The lowest competing offer's landed price that the rule follows (ours and filtered offers excluded). */
  readonly lowestOffer: Money | null;
  /** The competitor behind it, when the reading lists offers. */
  readonly lowestOfferBy: CompetitiveOffer | null;
  /** The reading lists offers and every one of them is ours. */
  readonly onlyOurs: boolean;
  /** The reading lists its offers (so "no eligible competitor" is known, not guessed). */
  readonly listed: boolean;
  /** Competitors the rule follows, cheapest first. */
  readonly eligible: readonly CompetitiveOffer[];
  /** Every other offer (ours included), with the reason it is not followed. */
  readonly ignored: readonly IgnoredOffer[];
  /**
   * The cheapest competitor that could take the Buy Box from us if we raised past it: one the rule
   * follows, or a new offer Amazon says may win it (or doesn't say) even if the rule's filters set it
   * aside. Raising when winning stays under it.
   */
  readonly contender: CompetitiveOffer | null;
}

const EMPTY: readonly never[] = Object.freeze([]);
const NONE: Competition = Object.freeze({
  buyBox: null, buyBoxIsOurs: null, buyBoxOffer: null, buyBoxIgnored: null, lowestOffer: null, lowestOfferBy: null,
  onlyOurs: false, listed: false, eligible: EMPTY, ignored: EMPTY, contender: null,
});

/**
 * The competition as a rule sees it. `lowerLimit` (minor units, in `scale`): offers below it are not
 * followed down (filters.ignoreBelowFloor). `buyBoxRule` (win_buy_box): an offer Amazon says can't win
 * the Buy Box is never the one to beat.
 */
export function competitionOf(
  c: CompetitiveSnapshot | null | undefined,
  filters: CompiledFilters = DEFAULT_FILTERS,
  lowerLimit: bigint | null = null,
  scale = 0,
  buyBoxRule = false,
): Competition {
  if (!c) return NONE;
  const buyBox = c.buyBox ?? null;
  const offers = c.offers;
  // Offers in several currencies can't be compared: decide() refuses the listing (currency_mismatch).
  if (!offers || offers.some((o) => o.landed.currency !== offers[0]!.landed.currency)) {
    // A reading without its offers: its lowest offer is a competitor's by contract (see CompetitiveSnapshot).
    return {
      buyBox, buyBoxIsOurs: c.buyBoxIsOurs ?? null, buyBoxOffer: null, buyBoxIgnored: null, lowestOffer: c.lowestOffer ?? null, lowestOfferBy: null,
      onlyOurs: false, listed: false, eligible: EMPTY, ignored: EMPTY, contender: null,
    };
  }
  const holder = buyBoxOffer(offers, buyBox);
  const eligible: CompetitiveOffer[] = [];
  const ignored: IgnoredOffer[] = [];
  let anyCompetitor = false;
  let contender: CompetitiveOffer | null = null;
  let holderIgnored: string | null = null;
  const below = filters.ignoreBelowFloor ? lowerLimit : null;
  for (const offer of offers) {
    if (offer.isOurs) {
      ignored.push({ offer, reason: 'your own offer' });
      continue;
    }
    anyCompetitor = true;
    let reason = screen(offer, filters, buyBoxRule);
    if (reason === null && below !== null && readMinor(offer.landed, scale) < below) {
      reason = `its price with shipping, ${moneyText(offer.landed.amount, offer.landed.currency)}, is below your floor of ${minorText(below, scale, offer.landed.currency)}, and the rule does not follow prices down past the floor`;
    }
    if (reason === null) eligible.push(offer);
    else ignored.push({ offer, reason });
    if (offer === holder && reason !== null) holderIgnored = reason;
    if ((reason === null || mayWinBuyBox(offer)) && (contender === null || cheaper(offer, contender))) contender = offer;
  }
  // Cheapest first (stable: on a tie the first listed, as Amazon orders them).
  eligible.sort((a, b) => (cheaper(a, b) ? -1 : cheaper(b, a) ? 1 : 0));
  const lowestOfferBy = eligible[0] ?? null;
  // Either source saying the Buy Box is ours is enough: matching ourselves is the one move never to make.
  const buyBoxIsOurs = c.buyBoxIsOurs === true || holder?.isOurs === true ? true : (c.buyBoxIsOurs ?? (holder ? false : null));
  return {
    buyBox,
    buyBoxIsOurs,
    buyBoxOffer: holder,
    buyBoxIgnored: holderIgnored,
    lowestOffer: lowestOfferBy ? lowestOfferBy.landed : null,
    lowestOfferBy,
    onlyOurs: offers.length > 0 && !anyCompetitor,
    listed: true,
    eligible,
    ignored,
    contender,
  };
}

/** Why the rule's filters set an offer aside, or null when it is followed. */
function screen(offer: CompetitiveOffer, f: CompiledFilters, buyBoxRule: boolean): string | null {
  if (f.excludedSellerIds.size > 0 && offer.sellerId !== null && f.excludedSellerIds.has(offer.sellerId)) return 'the rule excludes this seller';
  // An offer whose condition isn't given is taken as new (Amazon always gives it; other platforms list new goods).
  if (f.condition === 'new' && offer.condition !== undefined && offer.condition.toLowerCase() !== 'new') {
    return `its condition is ${conditionText(offer.condition)}, and the rule follows new offers only`;
  }
  if (f.fulfillment !== 'any' && offer.fulfillment !== f.fulfillment) {
    return f.fulfillment === 'AFN' ? 'the seller ships it, and the rule follows offers fulfilled by Amazon only' : 'Amazon ships it, and the rule follows offers the seller ships only';
  }
  // Prime when Amazon says so; when it doesn't, an FBA offer is Prime.
  if (f.primeOnly && !(offer.isPrime ?? offer.fulfillment === 'AFN')) return 'it is not a Prime offer, and the rule follows Prime offers only';
  if (f.minFeedbackPercent !== null || f.minFeedbackCount !== null) {
    const feedback = offer.feedback;
    // Amazon reports no feedback for itself; any other seller without feedback fails a minimum.
    const amazon = offer.sellerId === AMAZON_RETAIL_SELLER_ID;
    if (f.minFeedbackPercent !== null) {
      const pct = feedback?.percentage ?? null;
      if (pct === null) {
        if (!amazon) return `Amazon reports no feedback for this seller, and the rule asks for at least ${f.minFeedbackPercent} % positive`;
      } else if (pct < f.minFeedbackPercent) {
        return `the seller’s feedback, ${pct} % positive, is below the rule’s minimum of ${f.minFeedbackPercent} %`;
      }
    }
    if (f.minFeedbackCount !== null) {
      const count = feedback?.count ?? null;
      if (count === null) {
        if (!amazon) return `Amazon reports no rating count for this seller, and the rule asks for at least ${f.minFeedbackCount} ratings`;
      } else if (count < f.minFeedbackCount) {
        return `the seller has ${count} rating${count === 1 ? '' : 's'}, fewer than the rule’s minimum of ${f.minFeedbackCount}`;
      }
    }
  }
  if ((f.buyBoxEligibleOnly || buyBoxRule) && offer.isBuyBoxEligible === false && !offer.isBuyBoxWinner) return 'Amazon says this offer can’t win the Buy Box';
  if (f.buyBoxEligibleOnly && offer.isBuyBoxEligible === undefined && !offer.isBuyBoxWinner) return 'Amazon doesn’t say this offer may win the Buy Box, and the rule follows only offers that may';
  return null;
}

/** A new offer Amazon says may win the Buy Box (or doesn't say either way); the holder always may. */
function mayWinBuyBox(offer: CompetitiveOffer): boolean {
  if (offer.isBuyBoxWinner) return true;
  return offer.isBuyBoxEligible !== false && (offer.condition === undefined || offer.condition.toLowerCase() === 'new');
}

/** Landed prices in one currency (checked above). */
function cheaper(a: CompetitiveOffer, b: CompetitiveOffer): boolean {
  return compareMoney(a.landed, b.landed) < 0;
}

/** "seller A3COMPETITOR, fulfilled by Amazon, $12.45 with shipping": how explanations name a competitor's offer. */
export function describeOffer(offer: CompetitiveOffer): string {
  return `seller ${offer.sellerId ?? 'unknown'}, ${offer.fulfillment === 'AFN' ? 'fulfilled by Amazon' : 'fulfilled by the seller'}, ${moneyText(offer.landed.amount, offer.landed.currency)} with shipping`;
}

/** Amazon's condition codes as words: "used_like_new" -> "used, like new". */
function conditionText(condition: string): string {
  const words = condition.toLowerCase().split(/[_\s]+/).filter(Boolean);
  return words.length > 1 ? `${words[0]}, ${words.slice(1).join(' ')}` : (words[0] ?? condition);
}
