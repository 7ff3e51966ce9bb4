// Prices in tests go through shared-contracts' Money (integer minor units), never a float.
import { fromMinorUnits, parseMoney, subtractMoney, toMinorUnits } from '@calibr/shared-contracts';

/** A USD amount less some cents, as the canonical decimal string ("19.99" less 300n is "16.99"). */
export function usdMinus(amount: string, cents: bigint): string {
  return subtractMoney(parseMoney(amount, 'USD'), fromMinorUnits(cents, 'USD')).amount;
}

/** A USD decimal string in cents: "19.99" is 1999n. */
export function usdCents(amount: string): bigint {
  return toMinorUnits(parseMoney(amount, 'USD'));
}

/** Cents as a USD decimal string: 1999n is "19.99". */
export function usdAmount(cents: bigint): string {
  return fromMinorUnits(cents, 'USD').amount;
}
