// Calibrate's repricer in the bench: the policy engine (shopify-app/app/pricing/policy) run through its
// public API with one rule, as the pricing loop runs it, and every suggestion within the rule's
// auto-approve threshold (= its step limit) applied. The rule below is the one place to change strategy.
import { fromMinorUnits, toMinorUnits, type CompetitiveListing, type FeeEstimate } from '@calibr/shared-contracts';
import { feesFor } from '@calibr/sandbox/amazon/fees-model';
import { compileRule, evaluateWithRule, RULE_KINDS, type CompetitorMove, type CompiledRule, type PricingRuleInput, type RecentChange } from '../../shopify-app/app/pricing/policy';
import type { OurListing, Repricer } from './repricer';

/** The floor keeps this percent of the price after cost and Amazon's fees (`floorMarginPercent`). */
export const FLOOR_MARGIN_PERCENT = 10n;

const COMMON = {
  id: 'bench-calibrate-default',
  name: 'Calibrate default (bench)',
  scope: 'shop',
  currency: 'USD',
  maxStepPercent: '5',
  autoApproveMaxPercent: '5',
} as const;

/** Calibrate's default strategy (issue 15): win the Buy Box, raise when winning, filters on, fee-aware floor. */
export const COMPETING_RULE: PricingRuleInput = {
  ...COMMON,
  kind: 'win_buy_box',
  params: {},
  raiseWhenWinning: true,
  filters: { condition: 'new', buyBoxEligibleOnly: true, minFeedbackPercent: 90, ignoreBelowFloor: true },
  floorFormula: 'cost_fees_margin',
  floorMarginPercent: String(FLOOR_MARGIN_PERCENT),
  maxChangesPerDay: 24,
};

/** Before the engine knows `win_buy_box`: match the Buy Box, with the fee-aware floor given as the product's floor. */
export const MATCH_RULE: PricingRuleInput = { ...COMMON, kind: 'match_buy_box', params: {} };

/** The competing strategy as soon as the engine has it; until then today's best stand-in. */
export const CALIBRATE_RULE: PricingRuleInput = (RULE_KINDS as readonly string[]).includes('win_buy_box') ? COMPETING_RULE : MATCH_RULE;

function fees(listing: OurListing, minor: bigint) {
  return feesFor({ currency: listing.currency, minor: String(minor) }, listing.fulfillment);
}

/** Lowest price F with F − fees(F) − FLOOR_MARGIN_PERCENT % of F ≥ cost: no sale at the floor loses money. */
export function feeAwareFloor(listing: OurListing): bigint {
  const keep = 100n - 15n - FLOOR_MARGIN_PERCENT; // referral 15 % and the margin, in percent of the price
  let price = ((listing.cost + fees(listing, 0n).fbaFee) * 100n) / keep;
  while (price - fees(listing, price).total - (price * FLOOR_MARGIN_PERCENT + 99n) / 100n < listing.cost) price++;
  return price;
}

/** Amazon's fee estimate at a price, as the Product Fees API answers it (the sandbox's one formula). */
function feeEstimate(listing: OurListing, at: Date): FeeEstimate {
  const f = fees(listing, listing.current);
  const money = (minor: bigint) => fromMinorUnits(minor, listing.currency);
  return {
    externalId: listing.sku,
    price: money(listing.current),
    total: money(f.total),
    fees: [{ type: 'ReferralFee', amount: money(f.referralFee) }, ...(f.fbaFee > 0n ? [{ type: 'FBAFees', amount: money(f.fbaFee) }] : [])],
    estimatedAt: at.toISOString(),
  };
}

const DAY_MS = 86_400_000;

export class CalibrateRepricer implements Repricer {
  readonly name = 'calibrate';
  readonly rule: PricingRuleInput;
  private readonly compiled: CompiledRule;
  private readonly floors = new Map<string, bigint>();
  /** What the pricing loop remembers per listing: our changes and competitors' moves of the last day, newest first. */
  private readonly history = new Map<string, { changes: RecentChange[]; moves: CompetitorMove[]; seen: Map<string, string> }>();

  constructor(rule: PricingRuleInput = CALIBRATE_RULE) {
    this.rule = rule;
    this.compiled = compileRule(rule);
  }

  floor(listing: OurListing): bigint {
    let floor = this.floors.get(listing.sku);
    if (floor === undefined) this.floors.set(listing.sku, (floor = feeAwareFloor(listing)));
    return floor;
  }

  decide(listing: OurListing, reading: CompetitiveListing, at: Date): bigint | null {
    const currency = listing.currency;
    const now = at.toISOString();
    const history = this.history.get(listing.sku) ?? { changes: [], moves: [], seen: new Map<string, string>() };
    this.history.set(listing.sku, history);
    const since = at.getTime() - DAY_MS;
    for (const offer of reading.offers) {
      if (offer.isOurs || !offer.sellerId) continue;
      const before = history.seen.get(offer.sellerId);
      if (before !== undefined && before !== offer.landed.amount) history.moves.unshift({ at: now, sellerId: offer.sellerId, from: before, to: offer.landed.amount });
      history.seen.set(offer.sellerId, offer.landed.amount);
    }
    history.moves = history.moves.filter((m) => Date.parse(m.at) >= since);
    history.changes = history.changes.filter((c) => Date.parse(c.at) >= since);

    const outcome = evaluateWithRule(this.compiled, {
      id: listing.sku,
      sku: listing.sku,
      platform: 'amazon',
      currentPrice: fromMinorUnits(listing.current, currency),
      cost: fromMinorUnits(listing.cost, currency),
      // Today's engine has no fee-aware floor of its own: it gets it as the product's floor.
      bounds: this.rule.floorFormula ? null : { floor: fromMinorUnits(this.floor(listing), currency) },
      fees: feeEstimate(listing, at),
      competition: { buyBox: reading.buyBox, offers: reading.offers, offerCount: reading.offerCount, observedAt: reading.observedAt },
      recentChanges: history.changes,
      competitorMoves: history.moves,
      now,
      trigger: { kind: 'scheduled', platform: 'amazon', at: now },
    });
    if (outcome.status !== 'suggest' || !outcome.autoApprove) return null;
    const next = toMinorUnits(outcome.suggested);
    history.changes.unshift({ at: now, from: fromMinorUnits(listing.current, currency).amount, to: outcome.suggested.amount });
    return next;
  }
}
