// The policy engine: one listing and its governing rule in, one outcome out. Pure and synchronous:
// no database, no clock, no I/O, so the same facts always give the same suggestion and a whole catalog
// can be evaluated in memory (dry runs, the bench).
//
// Each outcome carries its explanation, worded from the decision the outcome was made of (the rule is
// not run twice). The words are put together when `explanation` is first read and then kept: storing a
// suggestion reads them at once (suggestions.server.ts, and the bench times that), while a dry run
// over a large catalog only words the page somebody looks at.
import { decide, type Decision } from './decision';
import { explain } from './explanation';
import { formatMinor, percentChangeMinor } from './minor-units';
import { RuleIndex } from './rule-selection';
import type { CompiledRule, Explanation, ListingContext, PolicyOutcome } from './types';

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

export function evaluateWithRule(rule: CompiledRule | null, listing: ListingContext): PolicyOutcome {
  const decision = decide(rule, listing);
  switch (decision.kind) {
    case 'skipped':
      return new Outcome('skipped', listing, rule, decision, { reason: decision.reason }) as unknown as PolicyOutcome;
    case 'missing_cost':
      return new Outcome('blocked', listing, rule, decision, { reason: 'missing_cost' }) as unknown as PolicyOutcome;
    case 'conflict':
      return new Outcome('blocked', listing, rule, decision, { reason: 'guardrail_conflict' }) as unknown as PolicyOutcome;
    case 'price': {
      const r = rule as CompiledRule;
      const { current, currency } = decision.priced;
      if (decision.final === current) return new Outcome('no_change', listing, rule, decision, { current: listing.currentPrice }) as unknown as PolicyOutcome;
      return new Outcome('suggest', listing, rule, decision, {
        current: listing.currentPrice,
        suggested: { amount: formatMinor(decision.final, decision.priced.scale), currency },
        changePercent: percentChangeMinor(current, decision.final),
        autoApprove: isWithinAutoApprove(r, current, decision.final),
      }) as unknown as PolicyOutcome;
    }
  }
}

/** The move is at most the rule's auto-approve percent of the current price (exact, no rounding). */
export function isWithinAutoApprove(rule: CompiledRule, currentMinor: bigint, suggestedMinor: bigint): boolean {
  if (!rule.autoApproveMax) return false;
  const diff = suggestedMinor - currentMinor;
  const move = diff < 0n ? -diff : diff;
  return move * rule.autoApproveMax.denominator <= rule.autoApproveMax.numerator * currentMinor;
}

/**
 * One outcome: the fields of its status (set by the switch above) and the explanation, worded from the
 * kept decision on first read. After that the decision, listing and rule are let go; `toJSON` gives the
 * plain outcome with its explanation.
 */
class Outcome {
  readonly id: string;
  readonly ruleId: string | null;
  private words: Explanation | null = null;
  private from: { listing: ListingContext; rule: CompiledRule | null; decision: Decision } | null;

  constructor(
    readonly status: PolicyOutcome['status'],
    listing: ListingContext,
    rule: CompiledRule | null,
    decision: Decision,
    fields: Record<string, unknown>,
  ) {
    this.id = listing.id;
    this.ruleId = rule ? rule.id : null;
    this.from = { listing, rule, decision };
    Object.assign(this, fields);
  }

  get explanation(): Explanation {
    if (this.words === null) {
      const { listing, rule, decision } = this.from as NonNullable<Outcome['from']>;
      this.words = explain(rule, listing, decision);
      this.from = null;
    }
    return this.words;
  }

  toJSON(): Record<string, unknown> {
    const { words: _words, from: _from, ...plain } = this as unknown as Record<string, unknown>;
    return { ...plain, explanation: this.explanation };
  }
}
