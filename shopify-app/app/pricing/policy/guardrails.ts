// Guardrails: the limits a suggested price must stay within, whatever the rule asked for.
//
// Precedence (documented in app/pricing/README.md):
//   1. The rule computes a target price.
//   2. Every guardrail becomes a limit on one side: lower (floor, minimum margin over cost, MAP, "never
//      zero", step down) or upper (ceiling, step up). The product's own floor/ceiling/MAP (ProductCost)
//      replace the rule's of the same kind: the more specific setting wins, as with rules.
//   3. The allowed range is [highest lower limit, lowest upper limit]. When it is empty, two guardrails
//      contradict each other for this listing (say the margin over a new cost is above the ceiling, or
//      the floor is more than one step away): nothing is suggested and the outcome is `blocked`, naming
//      both. Guardrails are never traded against each other.
//   4. The target is clamped into the range; the explanation names the guardrail that decided it.
//   5. Rounding to a price ending happens last and only inside the range (see rounding.ts).
import { divideRounded } from '@calibr/shared-contracts';
import type { CompiledRule, GuardrailName } from './types';

/** A guardrail's limit in minor units. Texts for explanations are rendered later (explanation.ts). */
export interface Limit {
  readonly guardrail: GuardrailName;
  readonly side: 'lower' | 'upper';
  readonly minor: bigint;
  /** The limit came from the product's own bounds (ProductCost), not the rule. */
  readonly fromProduct: boolean;
  /** What it was derived from: the cost (margin) or the current price (step). */
  readonly basis: bigint | null;
}

export interface GuardrailFacts {
  readonly current: bigint;
  readonly cost: bigint | null;
  readonly floor: bigint | null;
  readonly ceiling: bigint | null;
  readonly map: bigint | null;
}

export type LimitsResult = { readonly ok: true; readonly limits: readonly Limit[] } | { readonly ok: false; readonly missingCost: true };

/** Every limit in force, lower ones first. Product bounds (facts.floor…) replace the rule's. */
export function guardrailLimits(rule: CompiledRule, facts: GuardrailFacts): LimitsResult {
  const limits: Limit[] = [];
  const floor = facts.floor ?? rule.floor;
  if (floor !== null) limits.push({ guardrail: 'floor', side: 'lower', minor: floor, fromProduct: facts.floor !== null, basis: null });

  if (rule.minMargin) {
    if (facts.cost === null) return { ok: false, missingCost: true };
    const { numerator, denominator } = rule.minMargin;
    // Round up: a price a fraction of a cent below the margin would break it.
    const minor = divideRounded(facts.cost * (denominator + numerator), denominator, 'ceiling');
    limits.push({ guardrail: 'margin', side: 'lower', minor, fromProduct: false, basis: facts.cost });
  }

  const map = facts.map ?? rule.map;
  if (map !== null) limits.push({ guardrail: 'map', side: 'lower', minor: map, fromProduct: facts.map !== null, basis: null });

  limits.push({ guardrail: 'positive', side: 'lower', minor: 1n, fromProduct: false, basis: null });

  if (rule.maxStep) {
    // Round the allowed move down: never more than the step.
    const move = divideRounded(facts.current * rule.maxStep.numerator, rule.maxStep.denominator, 'floor');
    const down = facts.current - move;
    limits.push({ guardrail: 'step_down', side: 'lower', minor: down < 0n ? 0n : down, fromProduct: false, basis: facts.current });
    limits.push({ guardrail: 'step_up', side: 'upper', minor: facts.current + move, fromProduct: false, basis: facts.current });
  }

  const ceiling = facts.ceiling ?? rule.ceiling;
  if (ceiling !== null) limits.push({ guardrail: 'ceiling', side: 'upper', minor: ceiling, fromProduct: facts.ceiling !== null, basis: null });

  return { ok: true, limits };
}

export interface Range {
  /** The binding lower limit (the highest). Always present: "never zero" is one. */
  readonly lower: Limit;
  /** The binding upper limit (the lowest), or null when nothing caps the price. */
  readonly upper: Limit | null;
}

/** The allowed range; on ties the first limit listed is named (floor before margin before MAP…). */
export function allowedRange(limits: readonly Limit[]): Range {
  let lower: Limit | null = null;
  let upper: Limit | null = null;
  for (const limit of limits) {
    if (limit.side === 'lower') {
      if (!lower || limit.minor > lower.minor) lower = limit;
    } else if (!upper || limit.minor < upper.minor) {
      upper = limit;
    }
  }
  if (!lower) throw new Error('guardrailLimits always yields a lower limit');
  return { lower, upper };
}

export function isEmptyRange(range: Range): boolean {
  return range.upper !== null && range.lower.minor > range.upper.minor;
}

/** The guardrail that moves the target into a non-empty range, or null when the target is inside it. */
export function clampingLimit(target: bigint, range: Range): Limit | null {
  if (target < range.lower.minor) return range.lower;
  if (range.upper && target > range.upper.minor) return range.upper;
  return null;
}

/** The other guardrails the target also broke on the same side as `by`. */
export function alsoViolated(target: bigint, by: Limit, limits: readonly Limit[]): GuardrailName[] {
  return limits
    .filter((l) => l !== by && l.side === by.side && (l.side === 'lower' ? target < l.minor : target > l.minor))
    .map((l) => l.guardrail);
}

/** True when `minor` respects every limit (the engine asserts this before it suggests anything). */
export function withinLimits(minor: bigint, limits: readonly Limit[]): boolean {
  for (const limit of limits) {
    if (limit.side === 'lower' ? minor < limit.minor : minor > limit.minor) return false;
  }
  return true;
}

/** The guardrails a price set by hand must keep: every limit except the step (the merchant chose the move). */
export function manualPriceViolations(minor: bigint, limits: readonly Limit[]): Limit[] {
  return limits.filter((l) => l.guardrail !== 'step_down' && l.guardrail !== 'step_up' && (l.side === 'lower' ? minor < l.minor : minor > l.minor));
}
