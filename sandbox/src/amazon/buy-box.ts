// The sandbox's model of Amazon's Buy Box (the featured offer), as a pure function over plain offers, so
// the sandbox's SP-API, its market simulation and any test (`@calibr/sandbox/amazon/buy-box`) judge the
// same way. Amazon does not publish its algorithm; this model keeps the factors it documents (price,
// fulfilment, seller performance) in a fixed, explainable order. Its limits are in sandbox/README.md.

/** Sellers below this positive-feedback percentage are not eligible. */
export const BUY_BOX_MIN_FEEDBACK_PERCENT = 90;
/** Sellers with fewer ratings than this are not eligible (too new to be trusted with the Buy Box). */
export const BUY_BOX_MIN_FEEDBACK_COUNT = 10;

/** What the model reads of one offer. Prices are integer minor units in one currency. */
export interface BuyBoxCandidate {
  readonly sellerId: string;
  readonly condition: 'New' | 'Used';
  /** Landed price: listing price + shipping, minor units. */
  readonly landedMinor: bigint;
  /** Fulfilled by Amazon. */
  readonly fba: boolean;
  /** Prime badge (FBA, or seller-fulfilled Prime). */
  readonly prime: boolean;
  readonly feedbackPercent: number;
  readonly feedbackCount: number;
  /** The offer can be bought now (Amazon's BUYABLE). Default true. */
  readonly buyable?: boolean;
}

/** Amazon's `IsFeaturedMerchant`: the offer may win the Buy Box. */
export function isBuyBoxEligible(o: BuyBoxCandidate): boolean {
  return (
    o.condition === 'New' &&
    o.buyable !== false &&
    o.feedbackPercent >= BUY_BOX_MIN_FEEDBACK_PERCENT &&
    o.feedbackCount >= BUY_BOX_MIN_FEEDBACK_COUNT
  );
}

/** Fulfilment's weight in the ranking: FBA first, then seller-fulfilled Prime, then the rest. */
function fulfilmentRank(o: BuyBoxCandidate): number {
  return o.fba ? 2 : o.prime ? 1 : 0;
}

/**
 * Orders eligible offers as the Buy Box ranks them: lowest landed price first (so a seller strictly below
 * every other eligible offer holds it), then FBA / Prime, then more ratings, then seller id (a stable,
 * arbitrary last key so the answer never depends on the order offers were listed in).
 */
export function compareForBuyBox(a: BuyBoxCandidate, b: BuyBoxCandidate): number {
  if (a.landedMinor !== b.landedMinor) return a.landedMinor < b.landedMinor ? -1 : 1;
  const f = fulfilmentRank(b) - fulfilmentRank(a);
  if (f !== 0) return f;
  if (a.feedbackCount !== b.feedbackCount) return b.feedbackCount - a.feedbackCount;
  return a.sellerId < b.sellerId ? -1 : a.sellerId > b.sellerId ? 1 : 0;
}

/** The offer that holds the Buy Box among `offers`, or undefined when none is eligible. */
export function buyBoxWinner<T extends BuyBoxCandidate>(offers: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const o of offers) {
    if (!isBuyBoxEligible(o)) continue;
    if (best === undefined || compareForBuyBox(o, best) < 0) best = o;
  }
  return best;
}
