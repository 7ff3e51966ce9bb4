// The decision, in minor units and without words: which price (if any) the governing rule and its
// guardrails allow for one listing. explanation.ts turns the same decision into words.
import type { Money } from '@calibr/shared-contracts';
import { competitionOf, type Competition } from './competition';
import { feeFloorFor, type FeeFloor } from './fee-floor';
import {
  allowedRange,
  clampingLimit,
  effectiveCeiling,
  effectiveFloor,
  guardrailLimits,
  isEmptyRange,
  manualPriceViolations,
  withinLimits,
  type Limit,
  type Range,
} from './guardrails';
import { checkGuard } from './price-war';
import { formatMinor, readMinor, scaleOf } from './minor-units';
import { minorText } from './money-text';
import { roundWithinRange, type RoundResult } from './rounding';
import { roundingPreference, ruleTarget, type MarketFacts, type TargetMode } from './strategies';
import type { BlockReason, CompiledRule, ListingContext, SkipReason } from './types';

export interface Priced {
  readonly scale: number;
  readonly currency: string;
  readonly current: bigint;
  readonly market: MarketFacts;
  readonly target: bigint;
  readonly mode: TargetMode;
  /** Holding the Buy Box: the highest price that keeps it, when the rule raises or steps up alone. */
  readonly cap: bigint | null;
  /** The fee-aware floor's figures, when the rule has one and it could be computed. */
  readonly feeFloor: FeeFloor | null;
}

export type Decision =
  | {
      readonly kind: 'skipped';
      readonly reason: SkipReason;
      readonly message: string;
      readonly priced: Priced | null;
      /** The competition as the rule filtered it (null before a rule and a price are known). */
      readonly competition?: Competition | null;
      /** The price-war guard's finding (price_war). */
      readonly priceWar?: { readonly sellerId: string; readonly moves: number; readonly windowMinutes: number } | null;
    }
  | { readonly kind: 'missing_cost'; readonly priced: Priced; readonly competition: Competition }
  /** A fee-aware floor that can't be computed: no cost, fees unreadable, or a floor no price reaches. */
  | { readonly kind: 'fee_floor_blocked'; readonly reason: BlockReason; readonly message: string; readonly priced: Priced; readonly competition: Competition }
  | { readonly kind: 'conflict'; readonly priced: Priced; readonly limits: readonly Limit[]; readonly range: Range; readonly competition: Competition }
  | {
      readonly kind: 'price';
      readonly priced: Priced;
      readonly limits: readonly Limit[];
      readonly range: Range;
      /** The guardrail that moved the rule's target, if one did. */
      readonly clampedBy: Limit | null;
      /** The price after guardrails, before rounding. */
      readonly clamped: bigint;
      readonly rounding: RoundResult | null;
      readonly final: bigint;
      readonly competition: Competition;
    };

export function decide(rule: CompiledRule | null, listing: ListingContext): Decision {
  const currentPrice = listing.currentPrice;
  if (!rule) return { kind: 'skipped', reason: 'no_rule', message: 'No pricing rule applies to this product.', priced: null };
  if (!currentPrice) return { kind: 'skipped', reason: 'no_current_price', message: 'This listing has no price yet, so there is nothing to change.', priced: null };
  const currency = currentPrice.currency;
  const scale = scaleOf(currency);
  const current = readMinor(currentPrice, scale);
  if (current === 0n) {
    return { kind: 'skipped', reason: 'no_current_price', message: 'This listing is priced at zero. Set a price by hand first.', priced: null };
  }
  const mismatch = currencyMismatch(rule, listing, currency);
  if (mismatch) {
    return { kind: 'skipped', reason: 'currency_mismatch', message: `This listing is priced in ${currency}, but ${mismatch}. Amounts in different currencies are never compared, so the price stays as it is.`, priced: null };
  }

  const fee = feeFloorFor(rule, listing, currency, scale);
  const b = listing.bounds;
  const facts = {
    current,
    cost: listing.cost ? readMinor(listing.cost, scale) : null,
    floor: b && b.floor ? readMinor(b.floor, scale) : null,
    ceiling: b && b.ceiling ? readMinor(b.ceiling, scale) : null,
    map: b && b.map ? readMinor(b.map, scale) : null,
    feeFloor: fee && fee.ok ? fee.floor.minor : null,
  };
  // The filters need our floor ("not followed down") and "alone" our ceiling: only then are the
  // guardrails read before the target (the usual rule reads them after, as before).
  const early = rule.filters.ignoreBelowFloor || rule.kind === 'win_buy_box' ? guardrailLimits(rule, facts) : null;
  const limitsKnown = early && early.ok ? early.limits : null;

  const c = competitionOf(listing.competition, rule.filters, limitsKnown && rule.filters.ignoreBelowFloor ? effectiveFloor(limitsKnown) : null, scale, rule.kind === 'win_buy_box');
  const lowestOffer = c.lowestOffer ? readMinor(c.lowestOffer, scale) : null;
  const market: MarketFacts = {
    buyBox: c.buyBox && c.buyBoxIgnored === null ? readMinor(c.buyBox, scale) : null,
    buyBoxIsOurs: c.buyBoxIsOurs,
    buyBoxIgnored: c.buyBoxIgnored,
    lowestOffer,
    onlyOurs: c.onlyOurs,
    listed: c.listed,
    reading: listing.competition ? 'read' : listing.readingPending ? 'pending' : 'never',
    // A reading without its offers: its lowest offer is the one competitor known.
    contender: c.contender ? readMinor(c.contender.landed, scale) : c.listed ? null : lowestOffer,
    current,
    // Only "alone" reads it: win_buy_box, or a rule with a no-competition price (which then wins anyway).
    ceiling: limitsKnown && rule.kind === 'win_buy_box' ? effectiveCeiling(limitsKnown) : null,
  };
  const target = ruleTarget(rule, market);
  if (!target.ok) return { kind: 'skipped', reason: target.skip, message: target.message, priced: null, competition: c };
  const priced: Priced = { scale, currency, current, market, target: target.minor, mode: target.mode, cap: target.cap, feeFloor: fee && fee.ok ? fee.floor : null };

  if (fee && !fee.ok) return { kind: 'fee_floor_blocked', reason: fee.reason, message: fee.message, priced, competition: c };
  const limitsResult = early ?? guardrailLimits(rule, facts);
  if (!limitsResult.ok) return { kind: 'missing_cost', priced, competition: c };
  const limits = limitsResult.limits;
  const range = allowedRange(limits);
  if (isEmptyRange(range)) return { kind: 'conflict', priced, limits, range, competition: c };

  const clampedBy = clampingLimit(target.minor, range);
  const clamped = clampedBy ? clampedBy.minor : target.minor;
  // A raise while holding the Buy Box rounds only between our price and the cap: an ending must turn it
  // neither into a cut nor past the contender.
  const raising = target.mode !== 'ask' && target.cap !== null && clamped >= current && clamped <= target.cap;
  const lowerEnd = raising && current > range.lower.minor ? current : range.lower.minor;
  const upperEnd = raising ? (range.upper && range.upper.minor < target.cap! ? range.upper.minor : target.cap!) : range.upper ? range.upper.minor : null;
  const rounding = rule.rounding ? roundWithinRange(clamped, rule.rounding, currency, roundingPreference(rule), lowerEnd, upperEnd) : null;
  const final = rounding ? rounding.minor : clamped;

  // The promise of this module, checked on every price rather than trusted.
  if (!withinLimits(final, limits)) {
    throw new Error(`policy engine produced ${formatMinor(final, scale)} outside its guardrails for ${listing.id}`);
  }
  // Holding the Buy Box, a raise the guardrails or the ending push past the next contender would give it away.
  if (target.cap !== null && final > target.cap && final > current) {
    return {
      kind: 'skipped',
      reason: 'buy_box_is_ours',
      message: `You hold the Buy Box, and the guardrails or the price ending would take the price to ${minorText(final, scale, currency)}, past the competitor at ${minorText(market.contender ?? 0n, scale, currency)}. The price stays as it is.`,
      priced,
      competition: c,
    };
  }
  if (final !== current) {
    const guard = checkGuard(rule, listing);
    if (guard) {
      const asked = ` The rule asked for ${minorText(final, scale, currency)}.`;
      return guard.kind === 'price_war'
        ? { kind: 'skipped', reason: 'price_war', message: guard.message + asked, priced, competition: c, priceWar: { sellerId: guard.sellerId, moves: guard.moves, windowMinutes: guard.windowMinutes } }
        : { kind: 'skipped', reason: 'change_limit', message: guard.message + asked, priced, competition: c };
    }
  }
  return { kind: 'price', priced, limits, range, clampedBy, clamped, rounding, final, competition: c };
}

/** Every amount must be in the listing's currency: never compare dollars with euros. */
function currencyMismatch(rule: CompiledRule, listing: ListingContext, currency: string): string | null {
  const c = listing.competition;
  const b = listing.bounds;
  // The usual case, checked without building anything: every amount is in the listing's currency.
  if (
    (rule.currency === null || rule.currency === currency) &&
    sameCurrency(c?.buyBox, currency) &&
    sameCurrency(c?.lowestOffer, currency) &&
    (!c?.offers || c.offers.every((o) => o.landed.currency === currency)) &&
    sameCurrency(listing.cost, currency) &&
    sameCurrency(b?.floor, currency) &&
    sameCurrency(b?.ceiling, currency) &&
    sameCurrency(b?.map, currency)
  ) {
    return null;
  }
  const found = [
    rule.currency !== null && rule.currency !== currency ? `the rule is in ${rule.currency}` : null,
    c ? inOtherCurrency('the Buy Box', c.buyBox, currency) : null,
    c ? inOtherCurrency('the lowest offer', c.lowestOffer, currency) : null,
    c?.offers ? inOtherCurrency('an offer', c.offers.find((o) => o.landed.currency !== currency)?.landed, currency) : null,
    inOtherCurrency('the cost', listing.cost, currency),
    b ? inOtherCurrency('the product floor', b.floor, currency) : null,
    b ? inOtherCurrency('the product ceiling', b.ceiling, currency) : null,
    b ? inOtherCurrency('the product MAP', b.map, currency) : null,
  ].filter((text) => text !== null);
  return found.join(', ');
}

function sameCurrency(value: Money | null | undefined, currency: string): boolean {
  return !value || value.currency === currency;
}

function inOtherCurrency(label: string, value: Money | null | undefined, currency: string): string | null {
  return value && value.currency !== currency ? `${label} is in ${value.currency}` : null;
}

export interface ManualPriceCheck {
  readonly ok: boolean;
  /** One message per guardrail the price breaks ("below the floor 15.00"). */
  readonly problems: readonly string[];
}

/**
 * A price the merchant typed (editing a suggestion before approving it) against the item's guardrails:
 * floor, ceiling, margin over cost, MAP and "never zero" hold; the step limit does not, since the
 * merchant chose the move. Without a rule only "never zero" applies.
 */
export function checkManualPrice(rule: CompiledRule | null, listing: ListingContext, price: Money): ManualPriceCheck {
  const current = listing.currentPrice;
  const scale = scaleOf(price.currency);
  const minor = readMinor(price, scale);
  if (minor <= 0n) return { ok: false, problems: ['a price must be above zero'] };
  if (!rule || !current) return { ok: true, problems: [] };
  if (current.currency !== price.currency) return { ok: false, problems: [`the listing is priced in ${current.currency}, not ${price.currency}`] };
  if (currencyMismatch(rule, listing, price.currency)) return { ok: true, problems: [] };
  const b = listing.bounds;
  const fee = feeFloorFor(rule, listing, price.currency, scale);
  if (fee && !fee.ok) return { ok: false, problems: [fee.message] };
  const limits = guardrailLimits(rule, {
    current: readMinor(current, scale),
    cost: listing.cost ? readMinor(listing.cost, scale) : null,
    floor: b && b.floor ? readMinor(b.floor, scale) : null,
    ceiling: b && b.ceiling ? readMinor(b.ceiling, scale) : null,
    map: b && b.map ? readMinor(b.map, scale) : null,
    feeFloor: fee ? fee.floor.minor : null,
  });
  if (!limits.ok) return { ok: false, problems: ['the rule keeps a minimum margin over cost, but this product has no cost'] };
  const names: Record<string, string> = { floor: 'the floor', fee_floor: 'the floor after fees', ceiling: 'the ceiling', margin: 'the minimum margin price', map: 'the MAP', positive: 'the lowest possible price' };
  const problems = manualPriceViolations(minor, limits.limits).map(
    (l) => `${price.amount} is ${l.side === 'lower' ? 'below' : 'above'} ${names[l.guardrail] ?? l.guardrail} ${formatMinor(l.minor, scale)}`,
  );
  return { ok: problems.length === 0, problems };
}
