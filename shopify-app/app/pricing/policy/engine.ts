// The policy engine: one listing and its governing rule in, one outcome out. Pure and synchronous:
// no database, no clock, no I/O, so the same facts always give the same suggestion and a whole catalog
// can be evaluated in memory (dry runs, the bench). Written for a 100,000-listing catalog: no closures
// per listing, amounts read once into minor units, explanation objects of one fixed shape.
import { divideRounded, fromMinorUnits, type Money } from '@calibr/shared-contracts';
import { summarize } from './explanation';
import { allowedRange, clampToRange, guardrailLimits, isEmptyRange, withinLimits, type Limit } from './guardrails';
import { formatMinor, readMinor, scaleOf } from './minor-units';
import { roundWithinRange } from './rounding';
import { RuleIndex } from './rule-selection';
import { roundingPreference, ruleTarget } from './strategies';
import type {
  CompiledRule,
  Explanation,
  GuardrailClamp,
  GuardrailLimit,
  ListingContext,
  PolicyOutcome,
  RoundingStep,
  SkipReason,
} from './types';

/** Evaluate a listing against the rule that governs it (picked from `rules`). */
export function evaluateListing(rules: RuleIndex, listing: ListingContext): PolicyOutcome {
  return evaluateWithRule(rules.select(listing), listing);
}

/** Evaluate many listings; rules are indexed once. */
export function evaluateCatalog(rules: Iterable<CompiledRule>, listings: Iterable<ListingContext>): PolicyOutcome[] {
  const index = new RuleIndex(rules);
  const out: PolicyOutcome[] = [];
  for (const listing of listings) out.push(evaluateListing(index, listing));
  return out;
}

/** What every explanation of one evaluation shares. */
interface Facts {
  readonly listing: ListingContext;
  readonly rule: CompiledRule | null;
  readonly currency: string | null;
  readonly target: Explanation['target'];
}

export function evaluateWithRule(rule: CompiledRule | null, listing: ListingContext): PolicyOutcome {
  const current = listing.currentPrice;
  const currency = current ? current.currency : null;
  const noTarget: Facts = { listing, rule, currency, target: null };

  if (!rule) return skipped(noTarget, 'no_rule', 'No pricing rule applies to this product.');
  if (!current || !currency) return skipped(noTarget, 'no_current_price', 'the listing has no price yet');
  const scale = scaleOf(currency);
  const currentMinor = readMinor(current, scale);
  if (currentMinor === 0n) return skipped(noTarget, 'no_current_price', 'the listing is priced at zero; set a price by hand first');

  const mismatch = currencyMismatch(rule, listing, currency);
  if (mismatch) return skipped(noTarget, 'currency_mismatch', `the listing is priced in ${currency} but ${mismatch}`);

  const competition = listing.competition;
  const targetResult = ruleTarget(
    rule,
    {
      buyBox: competition?.buyBox ? readMinor(competition.buyBox, scale) : null,
      buyBoxIsOurs: competition?.buyBoxIsOurs ?? null,
      lowestOffer: competition?.lowestOffer ? readMinor(competition.lowestOffer, scale) : null,
    },
    scale,
  );
  if (!targetResult.ok) return skipped(noTarget, targetResult.skip, targetResult.message);
  const facts: Facts = { listing, rule, currency, target: { amount: formatMinor(targetResult.minor, scale), reason: targetResult.reason } };

  const bounds = listing.bounds;
  const limitsResult = guardrailLimits(rule, {
    current: currentMinor,
    cost: listing.cost ? readMinor(listing.cost, scale) : null,
    floor: bounds?.floor ? readMinor(bounds.floor, scale) : null,
    ceiling: bounds?.ceiling ? readMinor(bounds.ceiling, scale) : null,
    map: bounds?.map ? readMinor(bounds.map, scale) : null,
    scale,
  });
  if (!limitsResult.ok) {
    const message = `the rule keeps a minimum margin of ${rule.minMargin?.text} % over cost, but this product has no cost; import or enter its cost`;
    return {
      status: 'blocked',
      id: listing.id,
      ruleId: rule.id,
      reason: 'missing_cost',
      explanation: explanation(facts, [], null, null, null, null, message),
    };
  }
  const limits = limitsResult.limits;
  const range = allowedRange(limits);

  if (isEmptyRange(range)) {
    const upper = range.upper as Limit;
    const conflict = {
      lower: range.lower,
      upper,
      message: `${describeLimit(range.lower)} is above ${describeLimit(upper)}, so no price respects both`,
    };
    return {
      status: 'blocked',
      id: listing.id,
      ruleId: rule.id,
      reason: 'guardrail_conflict',
      explanation: explanation(facts, limits, null, null, conflict, null),
    };
  }

  const clamped = clampToRange(targetResult.minor, range, limits);
  let clamp: GuardrailClamp | null = null;
  if (clamped.by) {
    const to = formatMinor(clamped.minor, scale);
    clamp = {
      guardrail: clamped.by.guardrail,
      from: facts.target?.amount ?? '',
      to,
      alsoViolated: clamped.alsoViolated,
      message: `${describeLimit(clamped.by)} moved ${facts.target?.amount} to ${to}`,
    };
  }

  let finalMinor = clamped.minor;
  let rounding: RoundingStep | null = null;
  if (rule.rounding) {
    const rounded = roundWithinRange(finalMinor, rule.rounding, currency, roundingPreference(rule), range.lower.minor, range.upper ? range.upper.minor : null, scale);
    finalMinor = rounded.minor;
    rounding = rounded.step;
  }

  // The promise of this module, checked on every suggestion rather than trusted.
  if (!withinLimits(finalMinor, limits)) {
    throw new Error(`policy engine produced ${formatMinor(finalMinor, scale)} outside its guardrails for ${listing.id}`);
  }

  if (finalMinor === currentMinor) {
    return {
      status: 'no_change',
      id: listing.id,
      ruleId: rule.id,
      current,
      explanation: explanation(facts, limits, clamp, rounding, null, null, `Keep ${current.amount}: the price already is what the rule asks for.`),
    };
  }

  const suggested = fromMinorUnits(finalMinor, currency);
  const changePercent = percentChangeOf(currentMinor, finalMinor);
  return {
    status: 'suggest',
    id: listing.id,
    ruleId: rule.id,
    current,
    suggested,
    changePercent,
    autoApprove: isWithinAutoApprove(rule, currentMinor, finalMinor),
    explanation: explanation(facts, limits, clamp, rounding, null, { amount: suggested.amount, changePercent }),
  };
}

/** The move is at most the rule's auto-approve percent of the current price (exact, no rounding). */
export function isWithinAutoApprove(rule: CompiledRule, currentMinor: bigint, suggestedMinor: bigint): boolean {
  if (!rule.autoApproveMax) return false;
  const diff = suggestedMinor - currentMinor;
  const move = diff < 0n ? -diff : diff;
  return move * rule.autoApproveMax.denominator <= rule.autoApproveMax.numerator * currentMinor;
}

/** Signed percent change with two decimals, half-even (shared-contracts' percentChange, on minor units). */
function percentChangeOf(from: bigint, to: bigint): string {
  const value = divideRounded((to - from) * 10_000n, from, 'half-even');
  const negative = value < 0n;
  const text = formatMinor(negative ? -value : value, 2);
  return negative ? `-${text}` : text;
}

function skipped(facts: Facts, reason: SkipReason, message: string): PolicyOutcome {
  return {
    status: 'skipped',
    id: facts.listing.id,
    ruleId: facts.rule ? facts.rule.id : null,
    reason,
    explanation: explanation(facts, [], null, null, null, null, message),
  };
}

function explanation(
  facts: Facts,
  limits: readonly GuardrailLimit[],
  clamp: GuardrailClamp | null,
  rounding: RoundingStep | null,
  conflict: Explanation['conflict'],
  result: Explanation['result'],
  note?: string,
): Explanation {
  const { listing, rule } = facts;
  const c = listing.competition;
  const trigger = listing.trigger ?? null;
  return {
    summary: summarize({ trigger, rule, target: facts.target, clamp, rounding, conflict, result, currency: facts.currency, skipMessage: note }),
    trigger,
    rule: rule ? rule.info : null,
    inputs: {
      currency: facts.currency,
      current: listing.currentPrice ? listing.currentPrice.amount : null,
      buyBox: c?.buyBox ? c.buyBox.amount : null,
      buyBoxIsOurs: c?.buyBoxIsOurs ?? null,
      lowestOffer: c?.lowestOffer ? c.lowestOffer.amount : null,
      cost: listing.cost ? listing.cost.amount : null,
    },
    target: facts.target,
    limits,
    clamp,
    rounding,
    conflict,
    result,
  };
}

/** Every amount must be in the listing's currency: never compare dollars with euros. */
function currencyMismatch(rule: CompiledRule, listing: ListingContext, currency: string): string | null {
  const c = listing.competition;
  const b = listing.bounds;
  const found = [
    rule.currency !== null && rule.currency !== currency ? `the rule is in ${rule.currency}` : null,
    c ? inOtherCurrency('the Buy Box', c.buyBox, currency) : null,
    c ? inOtherCurrency('the lowest offer', c.lowestOffer, currency) : null,
    inOtherCurrency('the cost', listing.cost, currency),
    b ? inOtherCurrency('the product floor', b.floor, currency) : null,
    b ? inOtherCurrency('the product ceiling', b.ceiling, currency) : null,
    b ? inOtherCurrency('the product MAP', b.map, currency) : null,
  ].filter((text) => text !== null);
  return found.length > 0 ? found.join(', ') : null;
}

function inOtherCurrency(label: string, value: Money | null | undefined, currency: string): string | null {
  return value && value.currency !== currency ? `${label} is in ${value.currency}` : null;
}

function describeLimit(limit: Limit): string {
  const amount = limit.amount;
  switch (limit.guardrail) {
    case 'floor':
      return `the ${limit.source === 'product' ? "product's" : "rule's"} floor ${amount}`;
    case 'ceiling':
      return `the ${limit.source === 'product' ? "product's" : "rule's"} ceiling ${amount}`;
    case 'margin':
      return `the minimum margin price ${amount} (${limit.source})`;
    case 'map':
      return `the MAP ${amount}`;
    case 'positive':
      return `the lowest possible price ${amount}`;
    case 'step_down':
      return `the step limit's lowest price ${amount} (${limit.source})`;
    case 'step_up':
      return `the step limit's highest price ${amount} (${limit.source})`;
  }
}
