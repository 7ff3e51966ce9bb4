// The offers shoppers see on a marketplace product page (Amazon's getItemOffers lists its 20 lowest), as a
// connector with the `competitivePricing` capability reads them (`pricing.getCompetitiveOffers`). Our own
// offers are among them, as the platform reports them: each is marked, and only the others compete.
import { compareMoney, type Money } from '../money';

/** Who ships the order: the platform (Amazon FBA: `AFN`) or the seller (`MFN`). */
export type OfferFulfillment = 'AFN' | 'MFN';

export interface CompetitiveOffer {
  readonly sellerId: string | null;
  /** One of the seller accounts we hold in this marketplace: never a competitor. */
  readonly isOurs: boolean;
  /** AFN: fulfilled by the platform (Amazon FBA); MFN: by the seller. */
  readonly fulfillment: OfferFulfillment;
  /** What a buyer pays: listing price + shipping − points. */
  readonly landed: Money;
  /** The offer holds the Buy Box (the featured offer). */
  readonly isBuyBoxWinner: boolean;
  /** The offer may win the Buy Box (Amazon's IsFeaturedMerchant); absent when the platform doesn't say. */
  readonly isBuyBoxEligible?: boolean;
  /** The offer is Prime (Amazon's PrimeInformation.IsPrime); absent when the platform doesn't say. */
  readonly isPrime?: boolean;
  /** The item's condition as the platform names it (`new`, `used`, …), lower case; absent when not given. */
  readonly condition?: string;
  /** The seller's feedback when the platform gives it: positive percentage (0–100) and rating count. */
  readonly feedback?: { readonly percentage: number | null; readonly count: number | null };
}

/** What to read: one marketplace's offers on some catalog items. */
export interface CompetitiveOffersRequest {
  /**
   * The platform's catalog item the offers compete on (Amazon: the ASIN, a listing's `asin`). At most
   * `capabilities.maxCompetitiveBatch` per call (default 20).
   */
  readonly itemIds: readonly string[];
  /** Required by marketplace platforms (Amazon) when the seller sells in several. */
  readonly marketplaceId?: string;
}

/** One catalog item's offers in one marketplace, as read now. */
export interface CompetitiveListing {
  readonly itemId: string;
  readonly marketplaceId?: string;
  /** The currency of the offers; null when nothing could be read. */
  readonly currency: string | null;
  /** The landed Buy Box price (new condition); null when nobody holds it. */
  readonly buyBox: Money | null;
  /** Every offer on the item, ours included, when the platform counts them. */
  readonly offerCount: number | null;
  /** The offers the platform listed (Amazon: its 20 lowest, cheapest first), ours marked `isOurs`. */
  readonly offers: readonly CompetitiveOffer[];
  /** ISO 8601: when this was read. */
  readonly observedAt: string;
  /** The platform's reason this item could not be read (its code and message); the others still are. */
  readonly error?: { readonly code: string; readonly message: string };
}

/** One result per requested item, in request order. */
export interface CompetitiveOffersResult {
  readonly listings: readonly CompetitiveListing[];
}

/** The competing offer with the lowest landed price (the first listed on a tie), or null when only ours are left. */
export function lowestCompetingOffer<T extends CompetitiveOffer>(offers: readonly T[]): T | null {
  let lowest: T | null = null;
  for (const offer of offers) {
    if (!offer.isOurs && (lowest === null || compareMoney(offer.landed, lowest.landed) < 0)) lowest = offer;
  }
  return lowest;
}

/**
 * The offer holding the Buy Box, or null. Amazon may name two winners (one Prime, one not): the one at
 * the Buy Box price is the one shown.
 */
export function buyBoxOffer<T extends CompetitiveOffer>(offers: readonly T[], buyBox: Money | null): T | null {
  let first: T | null = null;
  for (const offer of offers) {
    if (!offer.isBuyBoxWinner) continue;
    if (buyBox && offer.landed.currency === buyBox.currency && compareMoney(offer.landed, buyBox) === 0) return offer;
    first ??= offer;
  }
  return first;
}
