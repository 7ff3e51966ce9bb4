// The fee-aware floor (floorFormula `cost_fees_margin`): the lowest price p, in minor units, such that
//
//     p − fees(p) − cost ≥ margin × p
//
// The platform's fees come from one estimate at some price P (ListingContext.fees, Amazon's
// getMyFeesEstimates). Amazon's referral fee is a share of the price with a per-unit minimum; every other
// line (FBA fulfilment, variable closing, per-item fees) is fixed per unit. From one estimate:
//   - the referral fee R at P gives the rate R / P, so above P the fee grows in proportion: R × p / P;
//   - below P it is taken as R: Amazon's minimum may be anywhere up to R, and a lower fee can't be proved.
// Both make the modelled fees at least the real ones (when R is the minimum, R / P overstates the rate),
// so the floor never sells at a loss after fees; it is exact when the estimate is asked at or below the
// floor (`feeEstimatePrice` picks such a price). The floor is rounded up to a minor unit.
import { divideRounded, type Money } from '@calibr/shared-contracts';
import { formatMinor, readMinor, scaleOf } from './minor-units';
import { minorText } from './money-text';
import type { CompiledRule, ListingContext } from './types';

export interface FeeFloor {
  /** The floor, minor units. */
  readonly minor: bigint;
  /** The price the fees were estimated at (null: no platform fees apply, e.g. Shopify). */
  readonly estimatedAt: bigint | null;
  readonly referral: bigint;
  /** Every other line, per unit. */
  readonly fixed: bigint;
  readonly total: bigint;
  readonly lines: readonly { readonly type: string; readonly amount: string }[];
  readonly cost: bigint;
}

export type FeeFloorResult =
  | { readonly ok: true; readonly floor: FeeFloor }
  | { readonly ok: false; readonly reason: 'missing_cost' | 'fees_unavailable' | 'fee_floor_unreachable'; readonly message: string };

const NO_LINES: readonly never[] = Object.freeze([]);

/** Amazon's proportional fee line (FeeType ReferralFee). */
export function isReferralFee(type: string): boolean {
  return type.toLowerCase().includes('referral');
}

/**
 * The fee-aware floor for one listing, or null when the rule has no fee formula. `currency`/`scale` are
 * the listing's; fees in another currency are unavailable, not converted.
 */
export function feeFloorFor(rule: CompiledRule, listing: ListingContext, currency: string, scale: number): FeeFloorResult | null {
  if (rule.floorFormula !== 'cost_fees_margin' || !rule.floorMargin) return null;
  if (!listing.cost) {
    return { ok: false, reason: 'missing_cost', message: 'The rule’s floor is cost plus fees plus margin, but this product has no cost. Import or enter its cost.' };
  }
  const cost = readMinor(listing.cost, scale);
  const fees = listing.fees ?? null;
  if (listing.feesError) return unavailable(listing.feesError);
  if (!fees) {
    // Shopify takes no per-sale fee the policy knows of: its floor is cost + margin.
    if (listing.platform === 'shopify') return solve(rule, currency, scale, cost, null, 0n, 0n, NO_LINES);
    return unavailable('no fee estimate was read for this listing');
  }
  // The platform's message, not its error code: the code stays in the estimate (fees.error.code).
  if (fees.error) return unavailable(fees.error.message);
  if (!fees.total) return unavailable('the estimate has no total');
  if (fees.price.currency !== currency || fees.total.currency !== currency || fees.fees.some((l) => l.amount.currency !== currency)) {
    return unavailable(`the estimate is in ${fees.price.currency}, the listing in ${currency}`);
  }
  let referral = 0n;
  let fixed = 0n;
  const lines = fees.fees.map((l) => {
    const minor = readMinor(l.amount, scale);
    if (isReferralFee(l.type)) referral += minor;
    else fixed += minor;
    return { type: l.type, amount: l.amount.amount };
  });
  // An estimate whose lines don't add up to its total: the remainder is counted as a fixed fee.
  const total = readMinor(fees.total, scale);
  if (total > referral + fixed) fixed = total - referral;
  return solve(rule, currency, scale, cost, readMinor(fees.price, scale), referral, fixed, lines);
}

function unavailable(why: string): FeeFloorResult {
  // The loop's reason may open with "fees unavailable: " (item-fees.server.ts): the sentence says that already.
  const detail = why.replace(/^fees unavailable:\s*/i, '').replace(/\.\s*$/, '');
  return { ok: false, reason: 'fees_unavailable', message: `Amazon’s fees could not be read (${detail}), so the price is held until they can be.` };
}

function solve(rule: CompiledRule, currency: string, scale: number, cost: bigint, at: bigint | null, referral: bigint, fixed: bigint, lines: FeeFloor['lines']): FeeFloorResult {
  const { numerator: n, denominator: d } = rule.floorMargin!;
  const total = referral + fixed;
  // At or below the estimate's price the fees are taken as they were estimated: p (1 − m) ≥ cost + fees.
  const belowOrAt = divideRounded((cost + total) * d, d - n, 'ceiling');
  let minor: bigint;
  if (at === null || at === 0n || belowOrAt <= at) {
    minor = belowOrAt;
  } else {
    // Above it the referral fee grows with the price: p (1 − R/P − m) ≥ cost + fixed, times P·d.
    const k = at * d - referral * d - n * at;
    if (k <= 0n) {
      return {
        ok: false,
        reason: 'fee_floor_unreachable',
        message: `The referral fee (${minorText(referral, scale, currency)} at ${minorText(at, scale, currency)}) and the rule’s margin of ${rule.floorMargin!.text} % take the whole price, so no price covers cost, fees and margin.`,
      };
    }
    minor = divideRounded((cost + fixed) * at * d, k, 'ceiling');
  }
  if (minor < 1n) minor = 1n;
  return { ok: true, floor: { minor, estimatedAt: at, referral, fixed, total, lines, cost } };
}

/** The fee floor's formula in words, figures in the listing's currency. */
export function describeFeeFloor(rule: CompiledRule, f: FeeFloor, scale: number, currency: string): string {
  const money = (m: bigint) => minorText(m, scale, currency);
  const head = `the lowest price that still leaves ${rule.floorMargin?.text} % of the price after the cost of ${money(f.cost)} and the fees`;
  if (f.estimatedAt === null) return `${head}; no platform fees apply`;
  const referral = f.referral > 0n ? `a referral fee of ${money(f.referral)} at ${money(f.estimatedAt)}, growing in proportion above it` : 'no referral fee';
  return `${head}; the fees are ${referral}, plus ${money(f.fixed)} per unit (estimated at ${money(f.estimatedAt)})`;
}

/**
 * The price to ask the platform's fees at for a fee-aware floor: the lowest the floor can be (cost ÷
 * (1 − margin), fees left out), rounded up. An estimate at or below the floor makes the floor exact
 * (above the estimate the referral fee is extrapolated in proportion). Null when the rule has no fee
 * formula or the product no cost.
 */
export function feeEstimatePrice(rule: CompiledRule, cost: Money | null | undefined): Money | null {
  if (rule.floorFormula !== 'cost_fees_margin' || !rule.floorMargin || !cost) return null;
  const scale = scaleOf(cost.currency);
  const { numerator: n, denominator: d } = rule.floorMargin;
  const minor = divideRounded(readMinor(cost, scale) * d, d - n, 'ceiling');
  return { amount: formatMinor(minor < 1n ? 1n : minor, scale), currency: cost.currency };
}
