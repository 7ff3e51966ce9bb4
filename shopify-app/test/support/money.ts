// Prices in tests go through shared-contracts' Money (integer minor units), never a float.
import { fromMinorUnits, parseMoney, subtractMoney } from '@calibr/shared-contracts';

/** A USD amount less some cents, as the canonical decimal string ("19.99" less 300n is "16.99"). */
export function usdMinus(amount: string, cents: bigint): string {
  return subtractMoney(parseMoney(amount, 'USD'), fromMinorUnits(cents, 'USD')).amount;
}
