// The policy engine: one listing and its governing rule in, one outcome out. Pure and synchronous:
// no database, no clock, no I/O, so the same facts always give the same suggestion and a whole catalog
// can be evaluated in memory (dry runs, the bench).
//
// Each outcome carries its explanation. It is put into words when first read (and then kept): a dry
// run over 100,000 listings decides every price but only words the ones somebody looks at or stores.
// The words come from the same pure decision, so reading them later gives exactly what reading them
// at once would have.
import { fromMinorUnits } from '@calibr/shared-contracts';
import { decide } from './decision';
import { explain } from './explanation';
import { percentChangeMinor } from './minor-units';
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
      return outcome('skipped', listing, rule, { reason: decision.reason });
    case 'missing_cost':
      return outcome('blocked', listing, rule, { reason: 'missing_cost' });
    case 'conflict':
      return outcome('blocked', listing, rule, { reason: 'guardrail_conflict' });
    case 'price': {
      const r = rule as CompiledRule;
      const { current, currency } = decision.priced;
      if (decision.final === current) return outcome('no_change', listing, rule, { current: listing.currentPrice });
      return outcome('suggest', listing, rule, {
        current: listing.currentPrice,
        suggested: fromMinorUnits(decision.final, currency),
        changePercent: percentChangeMinor(current, decision.final),
        autoApprove: isWithinAutoApprove(r, current, decision.final),
      });
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

/** The fields of each status are set by the switch above; the class adds the lazily worded explanation. */
function outcome(status: PolicyOutcome['status'], listing: ListingContext, rule: CompiledRule | null, fields: Record<string, unknown>): PolicyOutcome {
  return new Outcome(status, listing, rule, fields) as unknown as PolicyOutcome;
}

/**
 * One outcome. Its `explanation` is worded from the same facts on first read and then kept; `toJSON`
 * gives the plain outcome with its explanation (and without the rule and listing it was decided from).
 */
class Outcome {
  readonly id: string;
  readonly ruleId: string | null;
  private words: Explanation | null = null;

  constructor(
    readonly status: PolicyOutcome['status'],
    private readonly listing: ListingContext,
    private readonly rule: CompiledRule | null,
    fields: Record<string, unknown>,
  ) {
    this.id = listing.id;
    this.ruleId = rule ? rule.id : null;
    Object.assign(this, fields);
  }

  get explanation(): Explanation {
    if (!this.words) this.words = explain(this.rule, this.listing, decide(this.rule, this.listing));
    return this.words;
  }

  toJSON(): Record<string, unknown> {
    const { listing: _listing, rule: _rule, words: _words, ...plain } = this as unknown as Record<string, unknown>;
    return { ...plain, explanation: this.explanation };
  }
}
