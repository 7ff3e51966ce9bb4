// A decision in words: what moved, which rule asked for what, which guardrail clamped it, how it was
// rounded, and the one-line summary a merchant reads beside each suggestion. JSON-safe (no bigint), as
// it is stored in PriceSuggestion.explanation.
//
// Every stored suggestion carries one, so this runs once per listing on the catalog-wide path. What
// depends only on the rule (its name and scope, its own floor/ceiling/MAP, the words of its ask) is
// worded once per rule and shared by every explanation it governs; per listing only the amounts are
// formatted, each once (stored amounts are reused as written), and the summary is joined once.
import type { Money } from '@calibr/shared-contracts';
import type { CompetitiveOffer } from '@calibr/shared-contracts';
import { competitionOf, describeOffer, type Competition } from './competition';
import type { Decision, Priced } from './decision';
import { describeFeeFloor, type FeeFloor } from './fee-floor';
import { alsoViolated, POSITIVE_LIMIT, type Limit } from './guardrails';
import { formatMinor, isCanonical, percentChangeMinor, scaleOf } from './minor-units';
import { minorText, moneyText } from './money-text';
import type { TargetMode } from './strategies';
import type {
  CompiledRule,
  CompetitorShown,
  Explanation,
  GuardrailClamp,
  GuardrailLimit,
  GuardrailName,
  ListingContext,
  RoundingStep,
  Trigger,
} from './types';

const NO_LIMITS: readonly GuardrailLimit[] = Object.freeze([]);
const NO_RULE = 'No pricing rule applies to this product.';

/** Texts the outcome already holds (a suggestion's price and change), reused rather than formatted again. */
export interface WordedFields {
  readonly suggested?: { readonly amount: string };
  readonly changePercent?: string;
}

export function explain(rule: CompiledRule | null, listing: ListingContext, decision: Decision, known: WordedFields = {}): Explanation {
  const c = ('competition' in decision && decision.competition) || competitionOf(listing.competition);
  const price = listing.currentPrice;
  const trigger = listing.trigger ?? null;
  const inputs = {
    currency: price ? price.currency : null,
    current: price ? price.amount : null,
    buyBox: c.buyBox ? c.buyBox.amount : null,
    buyBoxIsOurs: c.buyBoxIsOurs,
    lowestOffer: c.lowestOffer ? c.lowestOffer.amount : null,
    cost: listing.cost ? listing.cost.amount : null,
    // When the competition this decision read was read: the pages say "read 2 min ago" from it.
    readAt: listing.competition?.observedAt ?? null,
  };
  // The summary is the trigger's sentence and the rule's opening words (both shared: the rule's name sits
  // in typographic quotes, which makes it a two-byte string) followed by this listing's own sentences,
  // joined once into one flat string.
  const moved = describeTrigger(trigger, price?.currency);
  const opening = moved === null ? '' : `${moved} `;
  const summary: string[] = [];

  if (decision.kind === 'skipped' || !rule) {
    if (!rule) return { trigger, rule: null, inputs, summary: opening + NO_RULE, target: null, limits: NO_LIMITS, clamp: null, rounding: null, conflict: null, result: null };
    const said = `${opening}${wordsFor(rule).said} suggests no new price. `;
    const skipped = { trigger, rule: rule.info, inputs, summary: `${said}${decision.kind === 'skipped' ? decision.message : NO_RULE}`, target: null, limits: NO_LIMITS, clamp: null, rounding: null, conflict: null, result: null };
    if (decision.kind !== 'skipped') return skipped;
    const followed = c.listed ? { competitors: competitorsShown(c, null) } : null;
    if (!followed && !decision.priceWar) return skipped;
    return { ...skipped, ...followed, ...(decision.priceWar ? { priceWar: decision.priceWar } : null) };
  }

  const words = wordsFor(rule);
  const { scale, target: targetMinor, current, currency, mode } = decision.priced;
  const targetText =
    mode === 'ask' && rule.kind === 'fixed_price' ? words.amount : mode === 'ask' && rule.kind === 'match_buy_box' ? amountText(c.buyBox, targetMinor, scale) : formatMinor(targetMinor, scale);
  const competitor = competitorOf(rule, c, mode);
  const reason = askReason(rule, words, decision.priced, c.lowestOffer, targetText, scale);
  const money = (text: string) => moneyText(text, currency);
  const target = competitor
    ? { amount: targetText, reason: `${reason} (${describeOffer(competitor.offer)})`, competitor: competitor.shown }
    : { amount: targetText, reason };
  const asks = opening + words.asks;
  summary.push(target.reason, ': ', money(targetText), '.');
  // Who was followed and who was ignored, and the fee figures: only when the reading lists offers / the rule has a fee floor.
  let extra: { competitors?: Explanation['competitors']; fees?: Explanation['fees'] } | null = null;
  if (c.listed) (extra ??= {}).competitors = competitorsShown(c, competitor);
  if (decision.priced.feeFloor) (extra ??= {}).fees = feesShown(rule, decision.priced.feeFloor, listing, scale);

  if (decision.kind === 'missing_cost') {
    summary.push(' ', words.missingCost);
    return withExtra({ trigger, rule: rule.info, inputs, summary: asks + summary.join(''), target, limits: NO_LIMITS, clamp: null, rounding: null, conflict: null, result: null }, extra);
  }
  if (decision.kind === 'fee_floor_blocked') {
    summary.push(' Blocked. ', decision.message);
    return withExtra({ trigger, rule: rule.info, inputs, summary: asks + summary.join(''), target, limits: NO_LIMITS, clamp: null, rounding: null, conflict: null, result: null }, extra);
  }

  const shown = showLimits(words, listing, decision.limits, scale, currency);

  if (decision.kind === 'conflict') {
    const lower = decision.range.lower;
    const upper = decision.range.upper as Limit;
    const lowerShown = shownOf(shown, decision.limits, lower);
    const upperShown = shownOf(shown, decision.limits, upper);
    const message = [upperFirst(describeLimit(lowerShown, lower, currency)), ' is above ', describeLimit(upperShown, upper, currency), ', so no price respects both.'].join('');
    const conflict = { lower: lowerShown, upper: upperShown, message };
    summary.push(' Blocked. ', message);
    return withExtra({ trigger, rule: rule.info, inputs, summary: asks + summary.join(''), target, limits: shown, clamp: null, rounding: null, conflict, result: null }, extra);
  }

  let clampedText = targetText;
  let clamp: GuardrailClamp | null = null;
  const by = decision.clampedBy;
  if (by) {
    const limitShown = shownOf(shown, decision.limits, by);
    clampedText = limitShown.amount;
    clamp = {
      guardrail: by.guardrail,
      from: targetText,
      to: clampedText,
      alsoViolated: alsoViolated(targetMinor, by, decision.limits),
      message: [upperFirst(describeLimit(limitShown, by, currency)), ' moved ', money(targetText), ' to ', money(clampedText), '.'].join(''),
    };
    summary.push(' ', MOVED_IT[by.guardrail], money(clampedText), '.');
  }

  let finalText = clampedText;
  let rounding: RoundingStep | null = null;
  const ending = rule.rounding;
  const r = decision.rounding;
  if (r && ending) {
    if (r.kind === 'skipped') {
      const capped = decision.priced.mode !== 'ask' && decision.priced.cap !== null && decision.clamped >= current && decision.clamped <= decision.priced.cap;
      const within = capped ? `between your price, ${minorText(current, scale, currency)}, and just under the competitor, ${minorText(decision.priced.cap!, scale, currency)}` : allowedRange(shown, decision, currency);
      const reason = ['no price ending in ', ending, ' lies ', within, ', so it stays at ', money(clampedText)].join('');
      rounding = { ending, skipped: true, reason };
      summary.push(' Not rounded to ', ending, ': ', reason, '.');
    } else if (r.minor === decision.clamped) {
      rounding = { ending, from: clampedText, to: clampedText, direction: r.direction };
    } else {
      finalText = known.suggested ? known.suggested.amount : formatMinor(r.minor, scale);
      if (r.passedOver) {
        const note = ['rounding ', r.passedOver.direction, ' to ', minorText(r.passedOver.minor, scale, currency), ' would leave the allowed range, ', allowedRange(shown, decision, currency)].join('');
        rounding = { ending, from: clampedText, to: finalText, direction: r.direction, note };
        summary.push(' Rounded ', r.direction, ' to ', money(finalText), ' (', note, ').');
      } else {
        rounding = { ending, from: clampedText, to: finalText, direction: r.direction };
        summary.push(' Rounded ', r.direction, ' to ', money(finalText), '.');
      }
    }
  }

  if (decision.final === current) {
    summary.push(' The price stays at ', money(finalText), ': it already is what the rule asks for.');
    return withExtra({ trigger, rule: rule.info, inputs, summary: asks + summary.join(''), target, limits: shown, clamp, rounding, conflict: null, result: null }, extra);
  }
  const changePercent = known.changePercent ?? percentChangeMinor(current, decision.final);
  const result = { amount: finalText, changePercent };
  summary.push(' Suggested ', money(finalText), changePercent.charCodeAt(0) === 45 /* - */ ? ' (' : ' (+', changePercent, ' %).');
  return withExtra({ trigger, rule: rule.info, inputs, summary: asks + summary.join(''), target, limits: shown, clamp, rounding, conflict: null, result }, extra);
}

/** The optional parts (followed/ignored competitors, fee figures) added only when there are any: most explanations have none. */
function withExtra(e: Explanation, extra: Partial<Explanation> | null): Explanation {
  return extra === null ? e : Object.assign(e, extra);
}

/** A stored amount's own text when it is canonical (it then reads back to `minor`), else `minor` formatted. */
function amountText(value: Money | null | undefined, minor: bigint, scale: number): string {
  return value && isCanonical(value.amount, scale) ? value.amount : formatMinor(minor, scale);
}

/** The allowed range in words ("between $18.25 and $20.00", "at $18.25 or above"), for a rounding that could not stay on its ending. */
function allowedRange(shown: readonly GuardrailLimit[], decision: Extract<Decision, { kind: 'price' }>, currency: string): string {
  const upper = decision.range.upper;
  const low = moneyText(shownOf(shown, decision.limits, decision.range.lower).amount, currency);
  return upper ? `between ${low} and ${moneyText(shownOf(shown, decision.limits, upper).amount, currency)}` : `at ${low} or above`;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The shown form of one of the decision's limits (shown[i] is limits[i]). */
function shownOf(shown: readonly GuardrailLimit[], limits: readonly Limit[], limit: Limit): GuardrailLimit {
  return shown[limits.indexOf(limit)] as GuardrailLimit;
}

// ——— Words that depend only on the rule: built once per rule, shared by its explanations ———

interface RuleWords {
  /** Rule “Match” (shop default) */
  readonly said: string;
  /** Rule “Match” (shop default) asks to */
  readonly asks: string;
  /** The fixed price or the beat amount in the rule's currency ("" when the rule has none). */
  readonly amount: string;
  /** The same amount in words ("$0.50"). */
  readonly amountText: string;
  readonly missingCost: string;
  /** The rule's ask around the market price: "beat the lowest offer " … " by $0.50" (null: by one minor unit of the listing's currency). */
  readonly askHead: string;
  readonly askTail: string | null;
  /** " plus 15 %": the end of the margin limit's source. */
  readonly marginTail: string;
  /** " plus 10 % of the price": the end of the fee floor's source. */
  readonly feeMarginTail: string;
  /** "10 % of ": the start of the step limits' source. */
  readonly stepHead: string;
}

const RULE_WORDS = new WeakMap<CompiledRule, RuleWords>();

function wordsFor(rule: CompiledRule): RuleWords {
  let words = RULE_WORDS.get(rule);
  if (!words) {
    const said = describeRule(rule);
    // An amount needs a currency (compileRule insists), so the rule's currency gives its scale.
    const amount = rule.amount !== null && rule.currency ? formatMinor(rule.amount, scaleOf(rule.currency)) : '';
    const amountText = amount ? moneyText(amount, rule.currency) : '';
    words = {
      said,
      asks: `${said} asks to `,
      amount,
      amountText,
      missingCost: `Blocked. The rule keeps a minimum margin of ${rule.minMargin?.text} % over cost, but this product has no cost. Import or enter its cost.`,
      ...askWords(rule, amountText),
      marginTail: ` plus ${rule.minMargin?.text} %`,
      feeMarginTail: ` plus the platform’s fees plus ${rule.floorMargin?.text} % of the price`,
      stepHead: `${rule.maxStep?.text} % of `,
    };
    RULE_WORDS.set(rule, words);
  }
  return words;
}

function askWords(rule: CompiledRule, amount: string): { askHead: string; askTail: string | null } {
  switch (rule.kind) {
    case 'win_buy_box':
      return { askHead: 'win the Buy Box by going under the best eligible offer, ', askTail: rule.percent ? `, by ${rule.percent.text} %` : amount ? `, by ${amount}` : null };
    case 'match_buy_box':
      return { askHead: 'match the Buy Box at ', askTail: '' };
    case 'beat_lowest_amount':
      return { askHead: 'beat the lowest offer, ', askTail: `, by ${amount}` };
    case 'beat_lowest_percent':
      return { askHead: 'beat the lowest offer, ', askTail: `, by ${rule.percent?.text} %` };
    case 'fixed_price':
      return { askHead: 'hold the fixed price', askTail: '' };
  }
}

type Followed = { offer: CompetitiveOffer; shown: CompetitorShown };

/** The competitor's offer the rule's target was read from, when the reading names it. */
function competitorOf(rule: CompiledRule, c: Competition, mode: TargetMode): Followed | null {
  if (mode === 'alone' || rule.kind === 'fixed_price') return null;
  let role: CompetitorShown['role'];
  let offer: CompetitiveOffer | null;
  if (mode === 'raise') [role, offer] = ['next_above', c.contender];
  else if (rule.kind === 'match_buy_box') [role, offer] = ['buy_box', c.buyBoxOffer];
  else {
    offer = c.lowestOfferBy;
    role = rule.kind === 'win_buy_box' && offer !== null && offer === c.buyBoxOffer ? 'buy_box' : 'lowest_offer';
  }
  if (!offer) return null;
  return { offer, shown: { role, sellerId: offer.sellerId, fulfillment: offer.fulfillment, landed: offer.landed.amount } };
}

/** Who was followed (the target's competitor first, then every other eligible offer) and who was ignored, and why. */
function competitorsShown(c: Competition, target: Followed | null): NonNullable<Explanation['competitors']> {
  const followed: CompetitorShown[] = [];
  // A raise stays under a Buy Box contender the filters may have set aside: it is then listed as ignored only.
  if (target && c.eligible.includes(target.offer)) followed.push(target.shown);
  for (const offer of c.eligible) {
    if (target && offer === target.offer) continue;
    followed.push({ role: offer === c.buyBoxOffer ? 'buy_box' : 'other', sellerId: offer.sellerId, fulfillment: offer.fulfillment, landed: offer.landed.amount });
  }
  const ignored = c.ignored.map(({ offer, reason }) => ({
    role: offer === c.buyBoxOffer ? ('buy_box' as const) : ('other' as const),
    sellerId: offer.sellerId,
    fulfillment: offer.fulfillment,
    landed: offer.landed.amount,
    reason,
  }));
  return { followed, ignored };
}

function feesShown(rule: CompiledRule, f: FeeFloor, listing: ListingContext, scale: number): NonNullable<Explanation['fees']> {
  return {
    price: f.estimatedAt === null ? '' : listing.fees ? listing.fees.price.amount : formatMinor(f.estimatedAt, scale),
    total: formatMinor(f.total, scale),
    lines: f.lines,
    floor: formatMinor(f.minor, scale),
    formula: describeFeeFloor(rule, f, scale, listing.currentPrice?.currency ?? rule.currency ?? ''),
  };
}

/** The rule's ask in words, as one flat string; the target's own text is reused where it is the quoted amount. */
function askReason(rule: CompiledRule, words: RuleWords, priced: Priced, lowestOffer: Money | null | undefined, targetText: string, scale: number): string {
  const market = priced.market;
  const currency = priced.currency;
  if (priced.mode === 'raise') {
    return `stay in the Buy Box at the highest price: you hold it, so raise to just under the next competitor who could take it, at ${minorText(market.contender ?? 0n, scale, currency)}`;
  }
  if (priced.mode === 'alone') {
    const what = rule.noCompetition !== null ? 'the rule’s price for when nobody competes' : 'the ceiling';
    return market.onlyOurs ? `step toward ${what}, as only your own offers are listed` : `step toward ${what}, as no competitor the rule follows is left`;
  }
  switch (rule.kind) {
    case 'match_buy_box':
      // A Buy Box of our own is never matched (strategies.ts): the target is a competitor's.
      return words.askHead + moneyText(targetText, currency);
    case 'beat_lowest_amount':
    case 'beat_lowest_percent':
    case 'win_buy_box':
      return [
        words.askHead,
        moneyText(amountText(lowestOffer, market.lowestOffer ?? market.buyBox ?? 0n, scale), currency),
        words.askTail ?? `, by ${minorText(1n, scale, currency)}`,
      ].join('');
    case 'fixed_price':
      return words.askHead;
  }
}

// ——— Limits ———

const SHARED_SHOWN = new WeakMap<Limit, GuardrailLimit>();
const POSITIVE_SHOWN = new Map<number, GuardrailLimit>();

/**
 * Every limit in force, as shown. A rule's own floor/MAP/ceiling and "never zero" are the same for every
 * listing (guardrails.ts shares them) and so is their wording; the margin and step limits name this
 * listing's cost and price (the step's two limits share one source text).
 */
function showLimits(words: RuleWords, listing: ListingContext, limits: readonly Limit[], scale: number, currency: string): GuardrailLimit[] {
  const shown = new Array<GuardrailLimit>(limits.length);
  const b = listing.bounds;
  let stepSource: string | null = null;
  for (let i = 0; i < limits.length; i++) {
    const limit = limits[i] as Limit;
    switch (limit.guardrail) {
      case 'positive': {
        // One minor unit in every currency: the shown form depends only on the currency's scale.
        let own = POSITIVE_SHOWN.get(scale);
        if (!own) {
          own = Object.freeze({ guardrail: 'positive', side: 'lower', amount: formatMinor(POSITIVE_LIMIT.minor, scale), source: 'a price is never zero' } as const);
          POSITIVE_SHOWN.set(scale, own);
        }
        shown[i] = own;
        break;
      }
      case 'fee_floor':
        shown[i] = { guardrail: 'fee_floor', side: 'lower', amount: formatMinor(limit.minor, scale), source: ['cost ', listing.cost ? moneyText(listing.cost.amount, currency) : 'unknown', words.feeMarginTail].join('') };
        break;
      case 'margin':
        shown[i] = { guardrail: 'margin', side: limit.side, amount: formatMinor(limit.minor, scale), source: ['cost ', moneyText(amountText(listing.cost, limit.basis ?? 0n, scale), currency), words.marginTail].join('') };
        break;
      case 'step_down':
      case 'step_up':
        stepSource ??= words.stepHead + moneyText(amountText(listing.currentPrice, limit.basis ?? 0n, scale), currency);
        shown[i] = { guardrail: limit.guardrail, side: limit.side, amount: formatMinor(limit.minor, scale), source: stepSource };
        break;
      default: {
        if (limit.fromProduct) {
          const own = limit.guardrail === 'floor' ? b?.floor : limit.guardrail === 'ceiling' ? b?.ceiling : b?.map;
          shown[i] = { guardrail: limit.guardrail, side: limit.side, amount: amountText(own, limit.minor, scale), source: 'product' };
          break;
        }
        let own = SHARED_SHOWN.get(limit);
        if (!own) {
          own = Object.freeze({ guardrail: limit.guardrail, side: limit.side, amount: formatMinor(limit.minor, scale), source: 'rule' });
          SHARED_SHOWN.set(limit, own);
        }
        shown[i] = own;
      }
    }
  }
  return shown;
}

/** A limit named in a sentence: "the rule’s floor of $19.00", "the minimum margin price of $26.00 (cost $20.00 plus 30 %)". */
function describeLimit(shown: GuardrailLimit, limit: Limit, currency: string): string {
  const owner = limit.fromProduct ? 'product’s' : 'rule’s';
  const amount = moneyText(shown.amount, currency);
  switch (limit.guardrail) {
    case 'floor':
      return `the ${owner} floor of ${amount}`;
    case 'fee_floor':
      return `the floor after fees of ${amount} (${shown.source})`;
    case 'ceiling':
      return `the ${owner} ceiling of ${amount}`;
    case 'map':
      return `the ${owner} minimum advertised price (MAP) of ${amount}`;
    case 'margin':
      return `the minimum margin price of ${amount} (${shown.source})`;
    case 'positive':
      return `the lowest possible price, ${amount}`;
    case 'step_down':
      return `the step limit’s lowest price of ${amount} (${shown.source})`;
    case 'step_up':
      return `the step limit’s highest price of ${amount} (${shown.source})`;
  }
}

/** "The floor moved it to ": the clamp's sentence, up to the price. */
const MOVED_IT: Record<GuardrailName, string> = {
  positive: 'The zero-price guard moved it to ',
  floor: 'The floor moved it to ',
  fee_floor: 'The floor after fees moved it to ',
  ceiling: 'The ceiling moved it to ',
  margin: 'The minimum margin moved it to ',
  map: 'The minimum advertised price (MAP) moved it to ',
  step_down: 'The step limit moved it to ',
  step_up: 'The step limit moved it to ',
};

// ——— Triggers and rules ———

const TRIGGER_TEXT: Record<Trigger['kind'], string> = {
  buy_box_moved: 'The Buy Box moved',
  buy_box_lost: 'We lost the Buy Box',
  buy_box_won: 'We won the Buy Box',
  buy_box_ineligible: 'Not Buy Box eligible: our price is above the reference price',
  lowest_offer_moved: 'The lowest offer moved',
  own_price_edited: 'Our price was edited outside Calibrate',
  cost_changed: 'The cost changed',
  rule_changed: 'The rule changed',
  scheduled: 'Scheduled review',
  manual: 'You asked for a review',
};

/** Sentences for triggers without amounts ("The lowest offer moved on Amazon."), by kind, then platform. */
const TRIGGER_WORDS = new Map<string, Map<string, string>>();

/** What moved, as a sentence; `currency` (the listing's) words a moved price ("$21.00 → $19.00"). */
export function describeTrigger(trigger: Trigger | null | undefined, currency?: string | null): string | null {
  if (!trigger) return null;
  if (trigger.from != null || trigger.to != null) return wordTrigger(trigger, currency);
  let byPlatform = TRIGGER_WORDS.get(trigger.kind);
  if (!byPlatform) {
    // Kinds are a closed list; the bound only guards against odd input.
    if (TRIGGER_WORDS.size >= 64) return wordTrigger(trigger);
    byPlatform = new Map();
    TRIGGER_WORDS.set(trigger.kind, byPlatform);
  }
  const platform = trigger.platform ?? '';
  let words = byPlatform.get(platform);
  if (words === undefined) {
    words = wordTrigger(trigger);
    if (byPlatform.size < 64) byPlatform.set(platform, words);
  }
  return words;
}

function wordTrigger(trigger: Trigger, currency?: string | null): string {
  const base = TRIGGER_TEXT[trigger.kind] ?? 'Something changed';
  const where = trigger.platform ? ` on ${platformName(trigger.platform)}` : '';
  const price = (amount: string | null | undefined) => (amount == null ? 'none' : moneyText(amount, currency));
  const move = trigger.from != null || trigger.to != null ? ` (${price(trigger.from)} → ${price(trigger.to)})` : '';
  return `${base}${where}${move}.`;
}

export function describeRule(rule: CompiledRule): string {
  // A collection is named by its Shopify id, which means nothing to a merchant; a tag by its own words.
  const scope =
    rule.scope === 'shop' ? 'shop default' : rule.scope === 'product' ? 'this product' : rule.scope === 'tag' && rule.scopeValue ? `products tagged “${rule.scopeValue}”` : `for a ${rule.scope}`;
  return `Rule “${rule.name}” (${scope})`;
}

function platformName(platform: string): string {
  return platform === 'amazon' ? 'Amazon' : platform === 'shopify' ? 'Shopify' : platform;
}
