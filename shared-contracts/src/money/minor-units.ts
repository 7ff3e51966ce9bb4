// The only bridge between Money's decimal strings and integers: everything else computes on bigint.
import { ValidationError } from '../errors';
import { getCurrency, minorUnitsOf } from './currencies';
import { MAX_INTEGER_DIGITS, parseMoney, type Money } from './money';

/** 19.99 USD -> 1999n; 1500 JPY -> 1500n; 1.250 KWD -> 1250n. */
export function toMinorUnits(value: Money): bigint {
  // Re-parse so hand-built objects can't smuggle in a malformed amount.
  const m = parseMoney(value.amount, value.currency);
  return BigInt(m.amount.replace('.', ''));
}

/** Inverse of toMinorUnits. Rejects negative and oversized values with a ValidationError. */
export function fromMinorUnits(minor: bigint | number, currency: string): Money {
  if (!getCurrency(currency)) {
    throw ValidationError.field('currency', `unknown ISO 4217 currency ${JSON.stringify(currency)}`, 'unknown_currency');
  }
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) {
    throw ValidationError.field('amount', 'minor units must be a safe integer', 'invalid_type');
  }
  const units = BigInt(minor);
  if (units < 0n) throw ValidationError.field('amount', 'amount must not be negative', 'negative');
  const scale = minorUnitsOf(currency);
  const digits = units.toString().padStart(scale + 1, '0');
  const intPart = scale === 0 ? digits : digits.slice(0, -scale);
  if (intPart.length > MAX_INTEGER_DIGITS) {
    throw ValidationError.field('amount', `amount has more than ${MAX_INTEGER_DIGITS} integer digits`, 'too_large');
  }
  const amount = scale === 0 ? intPart : `${intPart}.${digits.slice(-scale)}`;
  return Object.freeze({ amount, currency });
}

/** Zero in a currency: "0.00" USD, "0" JPY. */
export function zeroMoney(currency: string): Money {
  return fromMinorUnits(0n, currency);
}
