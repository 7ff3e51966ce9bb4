// Guardrails: the limits a suggested price must stay within, whatever the rule asked for.
//
// Precedence (documented in app/pricing/README.md):
//   1. The rule computes a target price.
//   2. Every guardrail becomes a limit on one side: lower (floor, the fee-aware floor, minimum margin over cost, MAP, "never
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
  /** The fee-aware floor (fee-floor.ts), already computed; null when the rule has none. */
  readonly feeFloor?: bigint | null;
}

export type LimitsResult = { readonly ok: true; readonly limits: readonly Limit[] } | { readonly ok: false; readonly missingCost: true };

/** "Never zero": one minor unit, in any currency. One shared limit. */
export const POSITIVE_LIMIT: Limit = Object.freeze({ guardrail: 'positive', side: 'lower', minor: 1n, fromProduct: false, basis: null });

/** A rule's own floor, MAP and ceiling are the same for every listing: built once per rule and shared. */
interface RuleLimits {
  readonly floor: Limit | null;
  readonly map: Limit | null;
  readonly ceiling: Limit | null;
}

const RULE_LIMITS = new WeakMap<CompiledRule, RuleLimits>();

function ruleLimits(rule: CompiledRule): RuleLimits {
  let own = RULE_LIMITS.get(rule);
  if (!own) {
    own = {
      floor: rule.floor === null ? null : fixedLimit('floor', 'lower', rule.floor, false),
      map: rule.map === null ? null : fixedLimit('map', 'lower', rule.map, false),
      ceiling: rule.ceiling === null ? null : fixedLimit('ceiling', 'upper', rule.ceiling, false),
    };
    RULE_LIMITS.set(rule, own);
  }
  return own;
}

function fixedLimit(guardrail: 'floor' | 'map' | 'ceiling', side: 'lower' | 'upper', minor: bigint, fromProduct: boolean): Limit {
  return Object.freeze({ guardrail, side, minor, fromProduct, basis: null });
}

/** Every limit in force, lower ones first. Product bounds (facts.floor…) replace the rule's. */
export function guardrailLimits(rule: CompiledRule, facts: GuardrailFacts): LimitsResult {
  const own = ruleLimits(rule);
  const limits: Limit[] = [];
  if (facts.floor !== null) limits.push(fixedLimit('floor', 'lower', facts.floor, true));
  else if (own.floor) limits.push(own.floor);

  if (facts.feeFloor != null) limits.push({ guardrail: 'fee_floor', side: 'lower', minor: facts.feeFloor, fromProduct: false, basis: null });

  if (rule.minMargin) {
    if (facts.cost === null) return MISSING_COST;
    const { numerator, denominator } = rule.minMargin;
    // Round up: a price a fraction of a cent below the margin would break it.
    const minor = divideRounded(facts.cost * (denominator + numerator), denominator, 'ceiling');
    limits.push({ guardrail: 'margin', side: 'lower', minor, fromProduct: false, basis: facts.cost });
  }

  if (facts.map !== null) limits.push(fixedLimit('map', 'lower', facts.map, true));
  else if (own.map) limits.push(own.map);

  limits.push(POSITIVE_LIMIT);

  if (rule.maxStep) {
    // Round the allowed move down: never more than the step.
    const move = divideRounded(facts.current * rule.maxStep.numerator, rule.maxStep.denominator, 'floor');
    const down = facts.current - move;
    limits.push({ guardrail: 'step_down', side: 'lower', minor: down < 0n ? 0n : down, fromProduct: false, basis: facts.current });
    limits.push({ guardrail: 'step_up', side: 'upper', minor: facts.current + move, fromProduct: false, basis: facts.current });
  }

  if (facts.ceiling !== null) limits.push(fixedLimit('ceiling', 'upper', facts.ceiling, true));
  else if (own.ceiling) limits.push(own.ceiling);

  return { ok: true, limits };
}

const MISSING_COST: LimitsResult = Object.freeze({ ok: false, missingCost: true });

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

const NONE: readonly GuardrailName[] = Object.freeze([]);

/** The other guardrails the target also broke on the same side as `by` (one shared empty list when none). */
export function alsoViolated(target: bigint, by: Limit, limits: readonly Limit[]): readonly GuardrailName[] {
  let names: GuardrailName[] | null = null;
  for (const l of limits) {
    if (l !== by && l.side === by.side && (l.side === 'lower' ? target < l.minor : target > l.minor)) (names ??= []).push(l.guardrail);
  }
  return names ?? NONE;
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

/** Our effective floor: the highest lower limit other than the step (what "below our floor" means to the filters). */
export function effectiveFloor(limits: readonly Limit[]): bigint {
  let floor = 1n;
  for (const l of limits) if (l.side === 'lower' && l.guardrail !== 'step_down' && l.minor > floor) floor = l.minor;
  return floor;
}

/** Our effective ceiling (the lowest upper limit other than the step), or null. */
export function effectiveCeiling(limits: readonly Limit[]): bigint | null {
  let ceiling: bigint | null = null;
  for (const l of limits) if (l.side === 'upper' && l.guardrail !== 'step_up' && (ceiling === null || l.minor < ceiling)) ceiling = l.minor;
  return ceiling;
}
