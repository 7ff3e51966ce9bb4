// The engine's hot path on integer minor units. Money stays the contract at the edges; inside, a
// listing's amounts are read once and formatted back only for its explanation. These are fast paths
// over shared-contracts' Money (which re-parses on every call): anything not already canonical goes
// through toMinorUnits, so a malformed amount still fails the same way.
import { divideRounded, getCurrency, parseMoney, toMinorUnits, type Money } from '@calibr/shared-contracts';

const CANONICAL = new Map<number, RegExp>();

function canonicalPattern(scale: number): RegExp {
  let pattern = CANONICAL.get(scale);
  if (!pattern) {
    pattern = scale === 0 ? /^(?:0|[1-9]\d{0,14})$/ : new RegExp(`^(?:0|[1-9]\\d{0,14})\\.\\d{${scale}}$`);
    CANONICAL.set(scale, pattern);
  }
  return pattern;
}

/** True when `amount` is written the canonical way for `scale` ("19.90", not "19.9" or "019.90"). */
export function isCanonical(amount: string, scale: number): boolean {
  return canonicalPattern(scale).test(amount);
}

/** Minor units of a Money in a currency with `scale` digits (the caller checked the currency). */
export function readMinor(value: Money, scale: number): bigint {
  if (canonicalPattern(scale).test(value.amount)) {
    return BigInt(scale === 0 ? value.amount : value.amount.replace('.', ''));
  }
  return toMinorUnits(value);
}

/** The canonical decimal string for non-negative minor units: 1999n, 2 -> "19.99". */
export function formatMinor(minor: bigint, scale: number): string {
  const digits = minor.toString();
  if (scale === 0) return digits;
  const padded = digits.length > scale ? digits : digits.padStart(scale + 1, '0');
  return `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** The currency's minor-unit digits; RangeError for an unknown code (Money is always checked first). */
export function scaleOf(currency: string): number {
  const info = getCurrency(currency);
  if (!info) throw new RangeError(`Unknown ISO 4217 currency: ${JSON.stringify(currency)}`);
  return info.minorUnits;
}

/**
 * Money from a stored decimal string (our own columns, written canonical): canonical amounts in a known
 * currency are taken as they are, anything else goes through parseMoney and fails the way it does.
 */
export function storedMoney(amount: string, currency: string): Money {
  const info = getCurrency(currency);
  if (info && canonicalPattern(info.minorUnits).test(amount)) return { amount, currency };
  return parseMoney(amount, currency);
}

/** Signed percent change with two decimals, half-even: shared-contracts' percentChange, on minor units. */
export function percentChangeMinor(from: bigint, to: bigint): string {
  const value = divideRounded((to - from) * 10_000n, from, 'half-even');
  const negative = value < 0n;
  const text = formatMinor(negative ? -value : value, 2);
  return negative ? `-${text}` : text;
}
