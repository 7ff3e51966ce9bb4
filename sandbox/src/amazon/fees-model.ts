// The sandbox's one fee formula: what Amazon keeps from a sale at a given price. The market's sales
// ledger charges it, and the Product Fees API (getMyFeesEstimates) answers from it, so a repricer that
// asks the API for fees and the ledger that scores it agree to the minor unit.
//
// A simplification of Amazon's schedule, stated as such: one referral rate for every category (15 % of the
// price, at least 0.30 per unit: the minimum of most US categories), and one FBA fulfilment fee per unit
// for offers Amazon fulfils (3.22 USD: a small standard-size item), whatever the size, weight or month.
// Amounts are integer minor units of the price's currency; the fixed amounts are the same number of
// minor units in every currency with two decimals, and whole units in currencies without (JPY).
import { currencyDecimals } from './marketplaces';

/** Referral fee: this many basis points of the price (15 %). */
export const REFERRAL_FEE_BASIS_POINTS = 1500n;
/** Minimum referral fee per unit, in hundredths of the currency's major unit (0.30). */
export const REFERRAL_FEE_MINIMUM_HUNDREDTHS = 30n;
/** FBA fulfilment fee per unit, in hundredths of the major unit (3.22), for offers Amazon fulfils (AFN). */
export const FBA_FULFILMENT_FEE_HUNDREDTHS = 322n;

export interface FeeBreakdown {
  readonly currency: string;
  readonly referralFee: bigint;
  readonly fbaFee: bigint;
  readonly total: bigint;
}

/** Hundredths of the major unit in the currency's minor units (JPY has none: 0.30 JPY is taken as 30 JPY). */
function fixedAmount(hundredths: bigint, currency: string): bigint {
  const decimals = currencyDecimals(currency);
  return decimals >= 2 ? hundredths * 10n ** BigInt(decimals - 2) : hundredths;
}

/** Amazon's fees for selling one unit at `priceMinor` (the listing price, minor units). */
export function feesFor(priceMinor: bigint, currency: string, fulfillment: 'AFN' | 'MFN'): FeeBreakdown {
  // Half-up to the minor unit, as Amazon rounds fee amounts.
  const percentage = (priceMinor * REFERRAL_FEE_BASIS_POINTS + 5_000n) / 10_000n;
  const minimum = fixedAmount(REFERRAL_FEE_MINIMUM_HUNDREDTHS, currency);
  const referralFee = percentage > minimum ? percentage : minimum;
  const fbaFee = fulfillment === 'AFN' ? fixedAmount(FBA_FULFILMENT_FEE_HUNDREDTHS, currency) : 0n;
  return { currency, referralFee, fbaFee, total: referralFee + fbaFee };
}
