// The decision, in minor units and without words: which price (if any) the governing rule and its
// guardrails allow for one listing. explanation.ts turns the same decision into words.
import type { Money } from '@calibr/shared-contracts';
import { competitionOf } from './competition';
import { allowedRange, clampingLimit, guardrailLimits, isEmptyRange, manualPriceViolations, withinLimits, type Limit, type Range } from './guardrails';
import { formatMinor, readMinor, scaleOf } from './minor-units';
import { roundWithinRange, type RoundResult } from './rounding';
import { roundingPreference, ruleTarget, type MarketFacts } from './strategies';
import type { CompiledRule, ListingContext, SkipReason } from './types';

interface Priced {
  readonly scale: number;
  readonly currency: string;
  readonly current: bigint;
  readonly market: MarketFacts;
  readonly target: bigint;
}

export type Decision =
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly message: string; readonly priced: Priced | null }
  | { readonly kind: 'missing_cost'; readonly priced: Priced }
  | { readonly kind: 'conflict'; readonly priced: Priced; readonly limits: readonly Limit[]; readonly range: Range }
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
    };

export function decide(rule: CompiledRule | null, listing: ListingContext): Decision {
  const currentPrice = listing.currentPrice;
  if (!rule) return { kind: 'skipped', reason: 'no_rule', message: 'No pricing rule applies to this product.', priced: null };
  if (!currentPrice) return { kind: 'skipped', reason: 'no_current_price', message: 'the listing has no price yet', priced: null };
  const currency = currentPrice.currency;
  const scale = scaleOf(currency);
  const current = readMinor(currentPrice, scale);
  if (current === 0n) {
    return { kind: 'skipped', reason: 'no_current_price', message: 'the listing is priced at zero; set a price by hand first', priced: null };
  }
  const mismatch = currencyMismatch(rule, listing, currency);
  if (mismatch) {
    return { kind: 'skipped', reason: 'currency_mismatch', message: `the listing is priced in ${currency} but ${mismatch}`, priced: null };
  }

  const c = competitionOf(listing.competition);
  const market: MarketFacts = {
    buyBox: c.buyBox ? readMinor(c.buyBox, scale) : null,
    buyBoxIsOurs: c.buyBoxIsOurs,
    lowestOffer: c.lowestOffer ? readMinor(c.lowestOffer, scale) : null,
    onlyOurs: c.onlyOurs,
  };
  const target = ruleTarget(rule, market);
  if (!target.ok) return { kind: 'skipped', reason: target.skip, message: target.message, priced: null };
  const priced: Priced = { scale, currency, current, market, target: target.minor };

  const b = listing.bounds;
  const limitsResult = guardrailLimits(rule, {
    current,
    cost: listing.cost ? readMinor(listing.cost, scale) : null,
    floor: b && b.floor ? readMinor(b.floor, scale) : null,
    ceiling: b && b.ceiling ? readMinor(b.ceiling, scale) : null,
    map: b && b.map ? readMinor(b.map, scale) : null,
  });
  if (!limitsResult.ok) return { kind: 'missing_cost', priced };
  const limits = limitsResult.limits;
  const range = allowedRange(limits);
  if (isEmptyRange(range)) return { kind: 'conflict', priced, limits, range };

  const clampedBy = clampingLimit(target.minor, range);
  const clamped = clampedBy ? clampedBy.minor : target.minor;
  const rounding = rule.rounding
    ? roundWithinRange(clamped, rule.rounding, currency, roundingPreference(rule), range.lower.minor, range.upper ? range.upper.minor : null)
    : null;
  const final = rounding ? rounding.minor : clamped;

  // The promise of this module, checked on every price rather than trusted.
  if (!withinLimits(final, limits)) {
    throw new Error(`policy engine produced ${formatMinor(final, scale)} outside its guardrails for ${listing.id}`);
  }
  return { kind: 'price', priced, limits, range, clampedBy, clamped, rounding, final };
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
  const limits = guardrailLimits(rule, {
    current: readMinor(current, scale),
    cost: listing.cost ? readMinor(listing.cost, scale) : null,
    floor: b && b.floor ? readMinor(b.floor, scale) : null,
    ceiling: b && b.ceiling ? readMinor(b.ceiling, scale) : null,
    map: b && b.map ? readMinor(b.map, scale) : null,
  });
  if (!limits.ok) return { ok: false, problems: ['the rule keeps a minimum margin over cost, but this product has no cost'] };
  const names: Record<string, string> = { floor: 'the floor', ceiling: 'the ceiling', margin: 'the minimum margin price', map: 'the MAP', positive: 'the lowest possible price' };
  const problems = manualPriceViolations(minor, limits.limits).map(
    (l) => `${price.amount} is ${l.side === 'lower' ? 'below' : 'above'} ${names[l.guardrail] ?? l.guardrail} ${formatMinor(l.minor, scale)}`,
  );
  return { ok: problems.length === 0, problems };
}
