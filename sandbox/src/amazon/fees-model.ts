// The sandbox's Amazon selling fees: one formula shared by the Product Fees API's answers and the market's
// sales ledger, so what a repricer is told a sale costs is what the ledger charges it. Amazon's real fees
// vary by category, size tier and date; this keeps the two parts that matter to a repricer: a referral fee
// proportional to the price (with a per-unit minimum) and a fixed FBA fulfilment fee for AFN offers.
import type { Price } from './money';

/** Referral fee: 15 % of the price (item + shipping), at least the minimum below. */
export const REFERRAL_RATE = { numerator: 15n, denominator: 100n } as const;

/** Per marketplace currency, in minor units: the referral fee's minimum and the FBA fulfilment fee per unit. */
const PER_CURRENCY: Record<string, { referralMinimum: bigint; fbaFee: bigint }> = {
  USD: { referralMinimum: 30n, fbaFee: 322n },
  CAD: { referralMinimum: 40n, fbaFee: 450n },
  MXN: { referralMinimum: 500n, fbaFee: 6000n },
  GBP: { referralMinimum: 25n, fbaFee: 270n },
  EUR: { referralMinimum: 30n, fbaFee: 300n },
  JPY: { referralMinimum: 30n, fbaFee: 400n },
};
const DEFAULT = PER_CURRENCY.USD!;

export interface FeeBreakdown {
  currency: string;
  /** Minor units. */
  referralFee: bigint;
  /** Minor units; 0 for seller-fulfilled offers. */
  fbaFee: bigint;
  total: bigint;
}

/** The fees of one unit sold at `price` (+ `shipping`), fulfilled by Amazon (`AFN`) or the seller (`MFN`). */
export function feesFor(price: Price, fulfillment: 'AFN' | 'MFN', shipping?: Price): FeeBreakdown {
  const table = PER_CURRENCY[price.currency] ?? DEFAULT;
  const gross = BigInt(price.minor) + (shipping ? BigInt(shipping.minor) : 0n);
  // Rounded half up to a minor unit, as Amazon shows fees to the cent.
  const proportional = (gross * REFERRAL_RATE.numerator * 2n + REFERRAL_RATE.denominator) / (REFERRAL_RATE.denominator * 2n);
  const referralFee = proportional > table.referralMinimum ? proportional : table.referralMinimum;
  const fbaFee = fulfillment === 'AFN' ? table.fbaFee : 0n;
  return { currency: price.currency, referralFee, fbaFee, total: referralFee + fbaFee };
}
