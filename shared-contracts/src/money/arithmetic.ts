// Money arithmetic and comparison on integer minor units. Mixing currencies is a programming error.
import { ValidationError } from '../errors';
import { fromMinorUnits, toMinorUnits } from './minor-units';
import type { Money } from './money';
import { divideRounded, type RoundingMode } from './rounding';

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new ValidationError([
      { path: 'currency', message: `currency mismatch: ${a.currency} vs ${b.currency}`, code: 'currency_mismatch' },
    ]);
  }
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return fromMinorUnits(toMinorUnits(a) + toMinorUnits(b), a.currency);
}

/** a - b; a negative result is a ValidationError (prices are never negative). */
export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  const diff = toMinorUnits(a) - toMinorUnits(b);
  if (diff < 0n) {
    throw ValidationError.field('amount', `${a.amount} - ${b.amount} ${a.currency} would be negative`, 'negative');
  }
  return fromMinorUnits(diff, a.currency);
}

/** Signed difference a - b in minor units (may be negative). */
export function differenceInMinorUnits(a: Money, b: Money): bigint {
  assertSameCurrency(a, b);
  return toMinorUnits(a) - toMinorUnits(b);
}

/** -1, 0 or 1. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  const x = toMinorUnits(a);
  const y = toMinorUnits(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function equalsMoney(a: Money, b: Money): boolean {
  return a.currency === b.currency && toMinorUnits(a) === toMinorUnits(b);
}

export function isZeroMoney(a: Money): boolean {
  return toMinorUnits(a) === 0n;
}

export function minMoney(a: Money, b: Money): Money {
  return compareMoney(a, b) <= 0 ? a : b;
}

export function maxMoney(a: Money, b: Money): Money {
  return compareMoney(a, b) >= 0 ? a : b;
}

/** Clamp into [min, max] (either bound optional). */
export function clampMoney(value: Money, bounds: { min?: Money; max?: Money }): Money {
  let out = value;
  if (bounds.min && compareMoney(out, bounds.min) < 0) out = bounds.min;
  if (bounds.max && compareMoney(out, bounds.max) > 0) out = bounds.max;
  return out;
}

/** Multiply by a non-negative integer quantity (e.g. a pack of 3). */
export function multiplyMoney(a: Money, quantity: bigint | number): Money {
  if (typeof quantity === 'number' && !Number.isSafeInteger(quantity)) {
    throw ValidationError.field('quantity', 'quantity must be an integer', 'invalid_type');
  }
  const q = BigInt(quantity);
  if (q < 0n) throw ValidationError.field('quantity', 'quantity must not be negative', 'negative');
  return fromMinorUnits(toMinorUnits(a) * q, a.currency);
}

const PERCENT = /^([+-]?)(\d+)(?:\.(\d{1,6}))?$/;

/** A percentage as an exact fraction: "12.5" -> 125/1000. Strings only: a float can't be exact. */
export function parsePercent(percent: string, path = 'percent'): { numerator: bigint; denominator: bigint } {
  const match = typeof percent === 'string' ? PERCENT.exec(percent) : null;
  if (!match) {
    throw ValidationError.field(path, 'percent must be a decimal string such as "5" or "-2.5" (up to 6 decimals)', 'invalid_format');
  }
  const [, sign, int, frac = ''] = match;
  const magnitude = BigInt(`${int}${frac}`);
  return { numerator: sign === '-' ? -magnitude : magnitude, denominator: 100n * 10n ** BigInt(frac.length) };
}

/** `percent`% of a: percentageOf(20.00 USD, "15", "half-up") = 3.00 USD. Percent must be >= 0. */
export function percentageOf(a: Money, percent: string, rounding: RoundingMode): Money {
  const { numerator, denominator } = parsePercent(percent);
  if (numerator < 0n) throw ValidationError.field('percent', 'percent must not be negative', 'negative');
  return fromMinorUnits(divideRounded(toMinorUnits(a) * numerator, denominator, rounding), a.currency);
}

/** a changed by a signed percent: adjustByPercent(20.00, "-10", …) = 18.00. Negative results throw. */
export function adjustByPercent(a: Money, percent: string, rounding: RoundingMode): Money {
  const { numerator, denominator } = parsePercent(percent);
  const scaled = toMinorUnits(a) * (denominator + numerator);
  const result = divideRounded(scaled, denominator, rounding);
  if (result < 0n) throw ValidationError.field('percent', 'result would be negative', 'negative');
  return fromMinorUnits(result, a.currency);
}

/** Signed change from `from` to `to` in percent, rounded to `decimals` places, as a decimal string. */
export function percentChange(from: Money, to: Money, decimals = 2, rounding: RoundingMode = 'half-even'): string {
  assertSameCurrency(from, to);
  const base = toMinorUnits(from);
  if (base === 0n) throw ValidationError.field('from', 'percent change from zero is undefined', 'zero_base');
  const scale = 10n ** BigInt(decimals);
  const value = divideRounded((toMinorUnits(to) - base) * 100n * scale, base, rounding);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const body = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${body}` : body;
}
