// The policy engine: one listing and its governing rule in, one outcome out. Pure and synchronous:
// no database, no clock, no I/O, so the same facts always give the same suggestion and a whole catalog
// can be evaluated in memory (dry runs, the bench). (The one exception: a rule with a price-war guard
// whose listing gives neither `now` nor a reading time reads the clock; the loop always passes `now`.)
//
// Each outcome carries its explanation, worded from the decision the outcome was made of (the rule is
// not run twice). The words are put together when `explanation` is first read and then kept: storing a
// suggestion reads them at once (suggestions.server.ts, and the bench times that), while a dry run
// over a large catalog only words the page somebody looks at.
import { decide, type Decision } from './decision';
import { explain, type WordedFields } from './explanation';
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
  const outcome = new Outcome(listing, rule, decision);
  return outcome as unknown as PolicyOutcome;
}

/** The move is at most the rule's auto-approve percent of the current price (exact, no rounding). */
export function isWithinAutoApprove(rule: CompiledRule, currentMinor: bigint, suggestedMinor: bigint): boolean {
  if (!rule.autoApproveMax) return false;
  const diff = suggestedMinor - currentMinor;
  const move = diff < 0n ? -diff : diff;
  return move * rule.autoApproveMax.denominator <= rule.autoApproveMax.numerator * currentMinor;
}

/**
 * One outcome: the fields of its status and the explanation, worded from the kept decision on first
 * read. After that the decision, listing and rule are let go; `toJSON` gives the plain outcome with its
 * explanation.
 */
class Outcome {
  readonly status: PolicyOutcome['status'];
  readonly id: string;
  readonly ruleId: string | null;
  private words: Explanation | null = null;
  private listing: ListingContext | null;
  private rule: CompiledRule | null;
  private decision: Decision | null;

  constructor(listing: ListingContext, rule: CompiledRule | null, decision: Decision) {
    this.id = listing.id;
    this.ruleId = rule ? rule.id : null;
    this.listing = listing;
    this.rule = rule;
    this.decision = decision;
    const self = this as unknown as Record<string, unknown>;
    switch (decision.kind) {
      case 'skipped':
        this.status = 'skipped';
        self.reason = decision.reason;
        break;
      case 'missing_cost':
        this.status = 'blocked';
        self.reason = 'missing_cost';
        break;
      case 'conflict':
        this.status = 'blocked';
        self.reason = 'guardrail_conflict';
        break;
      case 'fee_floor_blocked':
        this.status = 'blocked';
        self.reason = decision.reason;
        break;
      case 'price': {
        const { current, currency, scale } = decision.priced;
        self.current = listing.currentPrice;
        if (decision.final === current) {
          this.status = 'no_change';
          break;
        }
        this.status = 'suggest';
        self.suggested = { amount: formatMinor(decision.final, scale), currency };
        self.changePercent = percentChangeMinor(current, decision.final);
        self.autoApprove = isWithinAutoApprove(rule as CompiledRule, current, decision.final);
      }
    }
  }

  get explanation(): Explanation {
    if (this.words === null) {
      this.words = explain(this.rule, this.listing as ListingContext, this.decision as Decision, this as unknown as WordedFields);
      this.listing = null;
      this.rule = null;
      this.decision = null;
    }
    return this.words;
  }

  toJSON(): Record<string, unknown> {
    const { words: _words, listing: _listing, rule: _rule, decision: _decision, ...plain } = this as unknown as Record<string, unknown>;
    return { ...plain, explanation: this.explanation };
  }
}
