// Calibrate's repricer in the bench: the policy engine (shopify-app/app/pricing/policy) run through its
// public API with one rule, as the pricing loop runs it, and every suggestion within the rule's
// auto-approve threshold (= its step limit) applied. The rule is the one place to change strategy.
import { fromMinorUnits, toMinorUnits, type CompetitiveListing } from '@calibr/shared-contracts';
import { feesFor } from '@calibr/sandbox/amazon/fees-model';
import { compileRule, evaluateWithRule, type CompiledRule, type PricingRuleInput } from '../../shopify-app/app/pricing/policy';
import type { OurListing, Repricer } from './repricer';

/** The margin over cost the floor keeps after Amazon's fees, in percent. */
export const FLOOR_MARGIN_PERCENT = 10n;

/**
 * Calibrate's default rule for the bench. Today's engine: match the Buy Box holder, at most 5 % a move,
 * auto-approved within that step; the fee-aware floor is given as the product's floor (fees from the
 * sandbox's fee model, the formula the Product Fees API answers from). With the competing strategy
 * (i15-policy) this becomes:
 *   kind: 'win_buy_box', params: { raiseWhenWinning: true, filters: { condition: 'new', buyBoxEligibleOnly: true,
 *   minFeedbackPercent: 90 } }, floorFormula: 'cost_fees_margin', floorMarginPercent: '10', maxChangesPerDay: 24
 */
export const CALIBRATE_RULE: PricingRuleInput = {
  id: 'bench-calibrate-default',
  name: 'Calibrate default (bench)',
  scope: 'shop',
  kind: 'match_buy_box',
  params: {},
  currency: 'USD',
  maxStepPercent: '5',
  autoApproveMaxPercent: '5',
};

/** Lowest price whose proceeds after Amazon's fees cover cost + FLOOR_MARGIN_PERCENT % of cost. */
export function feeAwareFloor(listing: OurListing): bigint {
  const needed = (listing.cost * (100n + FLOOR_MARGIN_PERCENT) + 99n) / 100n;
  // Referral is 15 % (with a minimum): start from the closed form and step up past rounding.
  const fees = (minor: bigint) => feesFor({ currency: listing.currency, minor: String(minor) }, listing.fulfillment);
  let price = ((needed + fees(0n).fbaFee) * 100n) / 85n;
  while (price - fees(price).total < needed) price++;
  return price;
}

export class CalibrateRepricer implements Repricer {
  readonly name = 'calibrate';
  private readonly rule: CompiledRule;
  private readonly floors = new Map<string, bigint>();

  constructor(rule: PricingRuleInput = CALIBRATE_RULE) {
    this.rule = compileRule(rule);
  }

  floor(listing: OurListing): bigint {
    let floor = this.floors.get(listing.sku);
    if (floor === undefined) this.floors.set(listing.sku, (floor = feeAwareFloor(listing)));
    return floor;
  }

  decide(listing: OurListing, reading: CompetitiveListing, at: Date): bigint | null {
    const currency = listing.currency;
    const outcome = evaluateWithRule(this.rule, {
      id: listing.sku,
      sku: listing.sku,
      currentPrice: fromMinorUnits(listing.current, currency),
      cost: fromMinorUnits(listing.cost, currency),
      bounds: { floor: fromMinorUnits(this.floor(listing), currency) },
      competition: { buyBox: reading.buyBox, offers: reading.offers, offerCount: reading.offerCount, observedAt: reading.observedAt },
      trigger: { kind: 'scheduled', platform: 'amazon', at: at.toISOString() },
    });
    if (outcome.status !== 'suggest' || !outcome.autoApprove) return null;
    return toMinorUnits(outcome.suggested);
  }
}
