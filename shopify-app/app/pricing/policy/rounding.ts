// Rounding to a price ending (".99"), always inside the guardrails' range: rounding comes last and never
// breaks a floor, ceiling, margin, MAP or step. The preferred direction keeps the rule's intent: a
// competitive rule rounds down first (an undercut stays an undercut), a fixed price to the nearest
// (ties up). When the preferred neighbour falls outside the range the other one is tried; when neither
// fits, the price is left unrounded and the explanation says why (explanation.ts renders the words).
import { fromMinorUnits, roundToEnding, toMinorUnits } from '@calibr/shared-contracts';

/** Prices with an ending are residue + k * modulus (".99" on USD: 99 + k * 100). */
interface EndingGrid {
  readonly residue: bigint;
  readonly modulus: bigint;
}

const GRIDS = new Map<string, EndingGrid>();

/**
 * The grid for an ending in a currency, derived once from shared-contracts' roundToEnding (the one
 * definition of what an ending means): the smallest price with the ending, and the step to the next.
 */
function gridFor(ending: string, currency: string): EndingGrid {
  const key = `${currency} ${ending}`;
  let grid = GRIDS.get(key);
  if (!grid) {
    const residue = toMinorUnits(roundToEnding(fromMinorUnits(0n, currency), ending, 'up'));
    const next = toMinorUnits(roundToEnding(fromMinorUnits(residue + 1n, currency), ending, 'up'));
    grid = { residue, modulus: next - residue };
    GRIDS.set(key, grid);
  }
  return grid;
}

export type RoundResult =
  /** Already on the ending, or rounded to a neighbour inside the range. */
  | {
      readonly kind: 'rounded';
      readonly minor: bigint;
      readonly direction: 'up' | 'down';
      /** The preferred neighbour, when it fell outside the range and the other one was taken. */
      readonly passedOver: { readonly direction: 'up' | 'down'; readonly minor: bigint } | null;
    }
  /** Neither neighbour fits the range: the price stays unrounded. */
  | { readonly kind: 'skipped'; readonly minor: bigint };

export function roundWithinRange(
  minor: bigint,
  ending: string,
  currency: string,
  preference: 'down' | 'nearest',
  lower: bigint,
  upper: bigint | null,
): RoundResult {
  const { residue, modulus } = gridFor(ending, currency);
  const offset = (((residue - minor) % modulus) + modulus) % modulus;
  if (offset === 0n) return { kind: 'rounded', minor, direction: 'down', passedOver: null };
  const up = minor + offset;
  const down = up - modulus; // negative when no price with the ending lies below
  const downFirst = preference === 'down' || minor - down < up - minor;

  let passedOver: { direction: 'up' | 'down'; minor: bigint } | null = null;
  for (let i = 0; i < 2; i++) {
    const direction = (i === 0) === downFirst ? 'down' : 'up';
    const candidate = direction === 'up' ? up : down;
    if (candidate < 0n) continue;
    if (candidate >= lower && (upper === null || candidate <= upper)) return { kind: 'rounded', minor: candidate, direction, passedOver };
    passedOver = { direction, minor: candidate };
  }
  return { kind: 'skipped', minor };
}
