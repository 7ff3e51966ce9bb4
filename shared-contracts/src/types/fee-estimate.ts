// What selling a listing at a price would cost in the platform's fees (Amazon's Product Fees API,
// getMyFeesEstimates), as a connector with the `feeEstimates` capability reads them
// (`pricing.getFeeEstimates`). A fee-aware floor is cost + these fees + a margin.
import type { Money } from '../money';
import type { OfferFulfillment } from './competitive-offer';

/** One listing at one price. */
export interface FeeEstimateItem {
  /** The listing's external id (Amazon: the SKU). */
  readonly externalId: string;
  /** The listing price the fees are estimated for. */
  readonly price: Money;
  /** Shipping charged to the buyer, when any (Amazon counts it in the referral fee). */
  readonly shipping?: Money;
  /** Who fulfils: FBA fees apply to `AFN` only. Default: the listing's own channel. */
  readonly fulfillment?: OfferFulfillment;
}

/** What to estimate: listings of one marketplace, at most `capabilities.maxFeeBatch` per call (default 20). */
export interface FeeEstimatesRequest {
  readonly marketplaceId?: string;
  readonly items: readonly FeeEstimateItem[];
}

/** One fee as the platform names it (Amazon's FeeType: ReferralFee, FBAFees, VariableClosingFee, PerItemFee…). */
export interface FeeLine {
  readonly type: string;
  /** After any promotion. */
  readonly amount: Money;
}

/** The fees for one requested item; `error` when the platform could not estimate it (the others still are). */
export interface FeeEstimate {
  readonly externalId: string;
  readonly price: Money;
  /** Every fee together; null with `error`. */
  readonly total: Money | null;
  readonly fees: readonly FeeLine[];
  /** ISO 8601: when the platform made the estimate (a cached answer keeps its time). */
  readonly estimatedAt: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** One estimate per requested item, in request order. */
export interface FeeEstimatesResult {
  readonly estimates: readonly FeeEstimate[];
}

/** Items per `getFeeEstimates` call. */
export function feeBatchSize(capabilities: { readonly maxFeeBatch?: number }): number {
  return Math.max(1, capabilities.maxFeeBatch ?? 20);
}
