// What the bench asks of a repricer: at each reading, for each of our listings, the price to push (or
// none). Amounts are integer minor units of the listing's currency; the reading is the contract's
// CompetitiveListing, as the Amazon service reads it from getItemOffersBatch.
import type { CompetitiveListing } from '@calibr/shared-contracts';

export interface OurListing {
  readonly sku: string;
  readonly asin: string;
  readonly currency: string;
  readonly fulfillment: 'AFN' | 'MFN';
  /** Cost per unit, minor units. */
  readonly cost: bigint;
  /** Our price now, minor units. */
  current: bigint;
}

export interface Repricer {
  readonly name: string;
  /** The lowest price it will ever push for this listing (sent to Amazon as minimum_seller_allowed_price). */
  floor(listing: OurListing): bigint;
  /** The price to push after this reading, or null to keep the current one. */
  decide(listing: OurListing, reading: CompetitiveListing, at: Date): bigint | null;
}
