// A decision in words: what moved, which rule asked for what, which guardrail clamped it, how it was
// rounded, and the one-line summary a merchant reads beside each suggestion. JSON-safe (no bigint), as
// it is stored in PriceSuggestion.explanation.
import type { Decision } from './decision';
import { alsoViolated, type Limit } from './guardrails';
import { formatMinor, percentChangeMinor } from './minor-units';
import { targetReason } from './strategies';
import type {
  CompiledRule,
  Explanation,
  GuardrailClamp,
  GuardrailLimit,
  GuardrailName,
  ListingContext,
  RoundingStep,
  Trigger,
} from './types';

export function explain(rule: CompiledRule | null, listing: ListingContext, decision: Decision): Explanation {
  const c = listing.competition;
  const base = {
    trigger: listing.trigger ?? null,
    rule: rule ? rule.info : null,
    inputs: {
      currency: listing.currentPrice ? listing.currentPrice.currency : null,
      current: listing.currentPrice ? listing.currentPrice.amount : null,
      buyBox: c && c.buyBox ? c.buyBox.amount : null,
      buyBoxIsOurs: c ? (c.buyBoxIsOurs ?? null) : null,
      lowestOffer: c && c.lowestOffer ? c.lowestOffer.amount : null,
      cost: listing.cost ? listing.cost.amount : null,
    },
  };
  const lines: string[] = [];
  const trigger = describeTrigger(base.trigger);
  if (trigger) lines.push(trigger);

  if (decision.kind === 'skipped' || !rule) {
    const message = decision.kind === 'skipped' ? decision.message : 'No pricing rule applies to this product.';
    lines.push(rule ? `${describeRule(rule)}: ${message}.` : message);
    return { ...base, summary: lines.join(' '), target: null, limits: [], clamp: null, rounding: null, conflict: null, result: null };
  }

  const { scale, market, target: targetMinor, current } = decision.priced;
  const fmt = (minor: bigint) => formatMinor(minor, scale);
  const target = { amount: fmt(targetMinor), reason: targetReason(rule, market, scale) };
  lines.push(`${describeRule(rule)} asks to ${target.reason}: ${target.amount}.`);

  if (decision.kind === 'missing_cost') {
    lines.push(`Blocked: the rule keeps a minimum margin of ${rule.minMargin?.text} % over cost, but this product has no cost; import or enter its cost.`);
    return { ...base, summary: lines.join(' '), target, limits: [], clamp: null, rounding: null, conflict: null, result: null };
  }

  const limits = decision.limits.map((l) => showLimit(rule, l, scale));
  if (decision.kind === 'conflict') {
    const upper = decision.range.upper as Limit;
    const conflict = {
      lower: showLimit(rule, decision.range.lower, scale),
      upper: showLimit(rule, upper, scale),
      message: `${describeLimit(rule, decision.range.lower, scale)} is above ${describeLimit(rule, upper, scale)}, so no price respects both`,
    };
    lines.push(`Blocked: ${conflict.message}.`);
    return { ...base, summary: lines.join(' '), target, limits, clamp: null, rounding: null, conflict, result: null };
  }

  let clamp: GuardrailClamp | null = null;
  if (decision.clampedBy) {
    const to = fmt(decision.clamped);
    clamp = {
      guardrail: decision.clampedBy.guardrail,
      from: target.amount,
      to,
      alsoViolated: alsoViolated(targetMinor, decision.clampedBy, decision.limits),
      message: `${describeLimit(rule, decision.clampedBy, scale)} moved ${target.amount} to ${to}`,
    };
    lines.push(`${capitalize(LABELS[clamp.guardrail])} moved it to ${to}.`);
  }

  let rounding: RoundingStep | null = null;
  const ending = rule.rounding;
  if (decision.rounding && ending) {
    const r = decision.rounding;
    const range = `${fmt(decision.range.lower.minor)}–${decision.range.upper ? fmt(decision.range.upper.minor) : 'no ceiling'}`;
    if (r.kind === 'skipped') {
      const reason = `no price ending in ${ending} lies within ${range}; kept ${fmt(decision.clamped)}`;
      rounding = { ending, skipped: true, reason };
      lines.push(`Not rounded to ${ending}: ${reason}.`);
    } else {
      const note = r.passedOver ? `${r.passedOver.direction} to ${fmt(r.passedOver.minor)} would leave the allowed range ${range}` : undefined;
      rounding = { ending, from: fmt(decision.clamped), to: fmt(r.minor), direction: r.direction, ...(note ? { note } : {}) };
      if (r.minor !== decision.clamped) lines.push(`Rounded ${r.direction} to ${rounding.to}${note ? ` (${note})` : ''}.`);
    }
  }

  if (decision.final === current) {
    lines.push(`Keep ${fmt(current)}: the price already is what the rule asks for.`);
    return { ...base, summary: lines.join(' '), target, limits, clamp, rounding, conflict: null, result: null };
  }
  const result = { amount: fmt(decision.final), changePercent: percentChangeMinor(current, decision.final) };
  const sign = result.changePercent.startsWith('-') ? '' : '+';
  lines.push(`Suggested ${result.amount} ${decision.priced.currency} (${sign}${result.changePercent} %).`);
  return { ...base, summary: lines.join(' '), target, limits, clamp, rounding, conflict: null, result };
}

const TRIGGER_TEXT: Record<Trigger['kind'], string> = {
  buy_box_moved: 'The Buy Box moved',
  buy_box_lost: 'We lost the Buy Box',
  buy_box_won: 'We won the Buy Box',
  lowest_offer_moved: 'The lowest offer moved',
  own_price_edited: 'Our price was edited outside Calibrate',
  cost_changed: 'The cost changed',
  rule_changed: 'The rule changed',
  scheduled: 'Scheduled review',
  manual: 'Requested by the merchant',
};

export function describeTrigger(trigger: Trigger | null | undefined): string | null {
  if (!trigger) return null;
  const base = TRIGGER_TEXT[trigger.kind] ?? trigger.kind;
  const where = trigger.platform ? ` on ${platformName(trigger.platform)}` : '';
  const move = trigger.from != null || trigger.to != null ? ` (${trigger.from ?? 'none'} → ${trigger.to ?? 'none'})` : '';
  return `${base}${where}${move}.`;
}

export function describeRule(rule: CompiledRule): string {
  const scope = rule.scope === 'shop' ? 'shop default' : rule.scope === 'product' ? 'this product' : `${rule.scope} ${rule.scopeValue ?? ''}`.trim();
  return `Rule “${rule.name}” (${scope})`;
}

const LABELS: Record<GuardrailName, string> = {
  positive: 'the zero-price guard',
  floor: 'the floor',
  ceiling: 'the ceiling',
  margin: 'the minimum margin',
  map: 'the MAP',
  step_down: 'the step limit',
  step_up: 'the step limit',
};

function limitSource(rule: CompiledRule, limit: Limit, scale: number): string {
  switch (limit.guardrail) {
    case 'margin':
      return `cost ${formatMinor(limit.basis ?? 0n, scale)} + ${rule.minMargin?.text} %`;
    case 'step_down':
    case 'step_up':
      return `${rule.maxStep?.text} % of ${formatMinor(limit.basis ?? 0n, scale)}`;
    case 'positive':
      return 'a price is never zero';
    default:
      return limit.fromProduct ? 'product' : 'rule';
  }
}

function showLimit(rule: CompiledRule, limit: Limit, scale: number): GuardrailLimit {
  return { guardrail: limit.guardrail, side: limit.side, amount: formatMinor(limit.minor, scale), source: limitSource(rule, limit, scale) };
}

function describeLimit(rule: CompiledRule, limit: Limit, scale: number): string {
  const amount = formatMinor(limit.minor, scale);
  const owner = limit.fromProduct ? "product's" : "rule's";
  switch (limit.guardrail) {
    case 'floor':
      return `the ${owner} floor ${amount}`;
    case 'ceiling':
      return `the ${owner} ceiling ${amount}`;
    case 'map':
      return `the ${owner} MAP ${amount}`;
    case 'margin':
      return `the minimum margin price ${amount} (${limitSource(rule, limit, scale)})`;
    case 'positive':
      return `the lowest possible price ${amount}`;
    case 'step_down':
      return `the step limit's lowest price ${amount} (${limitSource(rule, limit, scale)})`;
    case 'step_up':
      return `the step limit's highest price ${amount} (${limitSource(rule, limit, scale)})`;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function platformName(platform: string): string {
  return platform === 'amazon' ? 'Amazon' : platform === 'shopify' ? 'Shopify' : platform;
}
