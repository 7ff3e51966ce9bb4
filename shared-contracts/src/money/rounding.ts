// Integer division with an explicit rounding mode: the only place a fraction of a minor unit is dropped.

/**
 * - `half-up`: to nearest, ties away from zero (commercial rounding).
 * - `half-even`: to nearest, ties to the even neighbour (banker's rounding).
 * - `half-down`: to nearest, ties toward zero.
 * - `up`: away from zero. `down`: toward zero (truncate).
 * - `ceiling`: toward +infinity. `floor`: toward -infinity.
 */
export type RoundingMode = 'half-up' | 'half-even' | 'half-down' | 'up' | 'down' | 'ceiling' | 'floor';

export const ROUNDING_MODES: readonly RoundingMode[] = [
  'half-up',
  'half-even',
  'half-down',
  'up',
  'down',
  'ceiling',
  'floor',
];

/** numerator / denominator rounded to an integer by `mode`. */
export function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator; // same sign as numerator
  if (remainder === 0n) return quotient;
  const sign = numerator < 0n ? -1n : 1n;
  const away = quotient + sign;
  const twiceRem = (remainder < 0n ? -remainder : remainder) * 2n;
  switch (mode) {
    case 'down':
      return quotient;
    case 'up':
      return away;
    case 'ceiling':
      return sign > 0n ? away : quotient;
    case 'floor':
      return sign < 0n ? away : quotient;
    case 'half-up':
      return twiceRem >= denominator ? away : quotient;
    case 'half-down':
      return twiceRem > denominator ? away : quotient;
    case 'half-even':
      if (twiceRem > denominator) return away;
      if (twiceRem < denominator) return quotient;
      return quotient % 2n === 0n ? quotient : away;
  }
}
