// Charm-price endings ("x.99", "x9.99", "x80" for JPY), computed on minor units.
import { ValidationError } from '../errors';
import { minorUnitsOf } from './currencies';
import { fromMinorUnits, toMinorUnits } from './minor-units';
import type { Money } from './money';

export type EndingDirection = 'up' | 'down' | 'nearest';

/**
 * Round to the nearest price whose last digits equal `ending`.
 * The ending's digits are matched literally, right-aligned on the currency's minor units:
 * - `".99"` (USD): 12.34 -> up 12.99, down 11.99.
 * - `"9.99"` (USD): last whole digit 9 and .99: 12.34 -> up 19.99, down 9.99.
 * - `"80"` (JPY): 1234 -> up 1280, down 1180.
 * `down` never goes below zero: if no such price exists below, it rounds up instead.
 * `nearest` breaks ties upward.
 */
export function roundToEnding(value: Money, ending: string, direction: EndingDirection): Money {
  const scale = minorUnitsOf(value.currency);
  const match = typeof ending === 'string' ? /^(\d*)(?:\.(\d+))?$/.exec(ending) : null;
  if (!match || ending === '' || ending === '.') {
    throw ValidationError.field('ending', 'ending must be digits such as ".99", "9.99" or "80"', 'invalid_format');
  }
  const intDigits = match[1] ?? '';
  const fracDigits = match[2] ?? '';
  if (fracDigits.length > scale) {
    throw ValidationError.field(
      'ending',
      `ending ${ending} has more decimals than ${value.currency} allows (${scale})`,
      'too_many_decimals',
    );
  }
  const fracPadded = fracDigits.padEnd(scale, '0');
  // Digits fixed by the ending, counted from the right in minor units. A short fraction is padded
  // (".9" on USD means ".90"), so every minor-unit digit is always fixed.
  const fixedDigits = intDigits.length + scale;
  if (fixedDigits === 0) return value;
  const modulus = 10n ** BigInt(fixedDigits);
  const target = BigInt(`${intDigits}${fracPadded}` || '0');
  const x = toMinorUnits(value);

  let below = x - (((x - target) % modulus) + modulus) % modulus; // largest n <= x with n ≡ target
  const above = below === x ? x : below + modulus;
  if (below < 0n) below = -1n;

  let chosen: bigint;
  if (direction === 'up' || below < 0n) chosen = above;
  else if (direction === 'down') chosen = below;
  else chosen = x - below < above - x ? below : above;
  return fromMinorUnits(chosen, value.currency);
}
