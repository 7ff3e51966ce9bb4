// The offers shoppers see on a marketplace product page (Amazon's getItemOffers lists its 20 lowest), as a
// competitive reading records them. Our own offers are among them, as the platform reports them: each is
// marked, and only the others compete.
import { compareMoney, type Money } from '../money';

export interface CompetitiveOffer {
  readonly sellerId: string | null;
  /** One of the seller accounts we hold in this marketplace: never a competitor. */
  readonly isOurs: boolean;
  /** AFN: fulfilled by Amazon; MFN: by the seller. */
  readonly fulfillment: 'AFN' | 'MFN';
  /** What a buyer pays: listing price + shipping − points. */
  readonly landed: Money;
  /** The offer holds the Buy Box (the featured offer). */
  readonly isBuyBoxWinner: boolean;
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
