// The policy engine's vocabulary: rules as the merchant writes them, the facts about one listing, and
// what the engine decides (a suggestion with its explanation, or why there is none).
import type { CompetitiveOffer, FeeEstimate, Money } from '@calibr/shared-contracts';

/**
 * match the Buy Box, beat the lowest offer by an amount or a percentage, hold a fixed price, or win the
 * Buy Box (price against the Buy Box holder and the eligible offers that pass the rule's filters).
 */
export const RULE_KINDS = ['match_buy_box', 'beat_lowest_amount', 'beat_lowest_percent', 'fixed_price', 'win_buy_box'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Most specific first: a product's own rule beats its collection's or tag's, which beats the shop default. */
export const RULE_SCOPES = ['product', 'collection', 'tag', 'shop'] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];

/**
 * A rule as stored (the PricingRule row): amounts are decimal strings in `currency`, percents are
 * decimal strings ("2.5" = 2.5 %). `compileRule` validates it and turns it into a CompiledRule.
 */
export interface PricingRuleInput {
  readonly id: string;
  readonly name: string;
  readonly scope: RuleScope | (string & {});
  /** Collection GID (scope `collection`) or tag (scope `tag`). */
  readonly scopeValue?: string | null;
  /** The product link the rule is for (scope `product`). */
  readonly productLinkId?: string | null;
  readonly kind: RuleKind | (string & {});
  /** `{}` / `{ amount: "0.50" }` / `{ percent: "2" }` / `{ price: "19.99" }`; win_buy_box: `{}` (one minor unit under), `{ amount }` or `{ percent }` */
  readonly params: unknown;
  /** Needed when the rule holds an amount; a rule without amounts applies to any currency. */
  readonly currency?: string | null;
  readonly floorAmount?: string | null;
  readonly ceilingAmount?: string | null;
  /** Markup over cost: "15" means the price is at least cost + 15 % of cost. */
  readonly minMarginPercent?: string | null;
  /** The most one change may move the price, in percent of the current price, either way. */
  readonly maxStepPercent?: string | null;
  /** Minimum advertised price. */
  readonly mapAmount?: string | null;
  /** A price ending as `roundToEnding` takes it: ".99", ".95", "9.99", "80" (JPY). */
  readonly rounding?: string | null;
  /** Moves of at most this percent are approved without the merchant; null: always wait. */
  readonly autoApproveMaxPercent?: string | null;
  /** Which offers count as competition (null: the defaults, new condition only). */
  readonly filters?: CompetitorFilters | null;
  /** Holding the Buy Box with the next eligible competitor above us: raise toward just under them (within the step). */
  readonly raiseWhenWinning?: boolean | null;
  /** "Alone": with no eligible competitor, step toward this price (null: the ceiling; neither: hold). */
  readonly noCompetitionAmount?: string | null;
  /** null: the floor is `floorAmount`; `cost_fees_margin`: cost + the platform's fees + `floorMarginPercent` % of the price. */
  readonly floorFormula?: FloorFormula | (string & {}) | null;
  readonly floorMarginPercent?: string | null;
  /** Price-war guard: at most this many changes per listing in 24 h. */
  readonly maxChangesPerDay?: number | null;
  /** Price-war guard: at least this many minutes between two changes of a listing. */
  readonly minIntervalMinutes?: number | null;
  /** Price-war guard: more than this many alternating moves with one competitor within the window hold the listing. */
  readonly priceWarMoves?: number | null;
  readonly priceWarWindowMinutes?: number | null;
  /** Which channels the rule prices (default `both`). */
  readonly channel?: RuleChannel | (string & {}) | null;
  /** Shopify's price when the rule prices Amazon too: `same` (default), `offset` (+`shopifyOffsetPercent` %), `keep`. */
  readonly shopifyPriceMode?: ShopifyPriceMode | (string & {}) | null;
  readonly shopifyOffsetPercent?: string | null;
  readonly priority?: number | null;
  readonly isActive?: boolean | null;
  /** Tie-break between rules of equal scope and priority: the older rule wins. */
  readonly createdAt?: Date | string | null;
}

export const FLOOR_FORMULAS = ['cost_fees_margin'] as const;
export type FloorFormula = (typeof FLOOR_FORMULAS)[number];

export const RULE_CHANNELS = ['both', 'amazon', 'shopify'] as const;
export type RuleChannel = (typeof RULE_CHANNELS)[number];

export const SHOPIFY_PRICE_MODES = ['same', 'offset', 'keep'] as const;
export type ShopifyPriceMode = (typeof SHOPIFY_PRICE_MODES)[number];

/** Which competitors' offers a rule follows (PricingRule.filters). Absent fields take the defaults shown. */
export interface CompetitorFilters {
  /** `new` (default): only new-condition offers compete; `any`: every condition. */
  readonly condition?: 'new' | 'any';
  /** `any` (default), `AFN` (fulfilled by Amazon) or `MFN` (by the seller). */
  readonly fulfillment?: 'any' | 'AFN' | 'MFN';
  /** Only Prime offers (default false). */
  readonly primeOnly?: boolean;
  /** Minimum positive-feedback percentage, 0-100 (default none). */
  readonly minFeedbackPercent?: number | null;
  /** Minimum feedback count (default none). */
  readonly minFeedbackCount?: number | null;
  /** Only offers that may win the Buy Box (default false). */
  readonly buyBoxEligibleOnly?: boolean;
  /** Seller ids never followed. */
  readonly excludedSellerIds?: readonly string[];
  /** Offers below our floor are not followed down (default false). */
  readonly ignoreBelowFloor?: boolean;
}

/** An exact percentage: numerator / denominator of a whole (parsePercent's shape). */
export interface Fraction {
  readonly numerator: bigint;
  readonly denominator: bigint;
  /** As the merchant wrote it, for explanations. */
  readonly text: string;
}

/** A validated rule, amounts in minor units. Built once, evaluated against many listings. */
export interface CompiledRule {
  readonly id: string;
  readonly name: string;
  readonly scope: RuleScope;
  readonly scopeValue: string | null;
  readonly productLinkId: string | null;
  readonly kind: RuleKind;
  readonly currency: string | null;
  /** beat_lowest_amount: the amount; fixed_price: the price. */
  readonly amount: bigint | null;
  /** beat_lowest_percent: the percentage. */
  readonly percent: Fraction | null;
  readonly floor: bigint | null;
  readonly ceiling: bigint | null;
  readonly minMargin: Fraction | null;
  readonly maxStep: Fraction | null;
  readonly map: bigint | null;
  readonly rounding: string | null;
  readonly autoApproveMax: Fraction | null;
  readonly priority: number;
  readonly createdAtMs: number;
  /** The normalized params, for the explanation. */
  readonly params: Readonly<Record<string, string>>;
  /** The rule as explanations show it (one shared object per rule). */
  readonly info: RuleInfo;
  /** Which offers compete (the defaults when the rule sets none: new condition only). */
  readonly filters: CompiledFilters;
  readonly raiseWhenWinning: boolean;
  /** "Alone": the price to step toward with no eligible competitor (null: the ceiling). */
  readonly noCompetition: bigint | null;
  /** `cost_fees_margin`: the fee-aware floor, with its margin (a share of the price). */
  readonly floorFormula: FloorFormula | null;
  readonly floorMargin: Fraction | null;
  /** The price-war guard (null: no limit). */
  readonly maxChangesPerDay: number | null;
  readonly minIntervalMinutes: number | null;
  readonly priceWarMoves: number | null;
  readonly priceWarWindowMinutes: number | null;
  readonly channel: RuleChannel;
  readonly shopifyPriceMode: ShopifyPriceMode;
  /** `offset`: Shopify's price is this much above the Amazon price. */
  readonly shopifyOffset: Fraction | null;
}

/** CompetitorFilters with the defaults filled in (compile-rule.ts). */
export interface CompiledFilters {
  readonly condition: 'new' | 'any';
  readonly fulfillment: 'any' | 'AFN' | 'MFN';
  readonly primeOnly: boolean;
  readonly minFeedbackPercent: number | null;
  readonly minFeedbackCount: number | null;
  readonly buyBoxEligibleOnly: boolean;
  readonly excludedSellerIds: ReadonlySet<string>;
  readonly ignoreBelowFloor: boolean;
}

export interface RuleInfo {
  readonly id: string;
  readonly name: string;
  readonly scope: RuleScope;
  readonly kind: RuleKind;
  readonly params: Readonly<Record<string, string>>;
}

/** What set off the evaluation: "what moved". */
export type TriggerKind =
  | 'buy_box_moved'
  | 'buy_box_lost'
  | 'buy_box_won'
  /** The platform says our offer lost Buy Box eligibility on price (Amazon's PRICING_HEALTH): `from` our price, `to` the reference. */
  | 'buy_box_ineligible'
  | 'lowest_offer_moved'
  | 'own_price_edited'
  | 'cost_changed'
  | 'rule_changed'
  | 'scheduled'
  | 'manual';

export interface Trigger {
  readonly kind: TriggerKind;
  /** Where it moved: `amazon`, `shopify`. */
  readonly platform?: string;
  /** Decimal strings in the listing's currency, when a price moved. */
  readonly from?: string | null;
  readonly to?: string | null;
  /** ISO 8601: when it was noticed. */
  readonly at?: string;
}

/** The competitive facts the rules read (from the latest CompetitorPriceObservation). */
export interface CompetitiveSnapshot {
  /** Landed Buy Box price; null when nobody holds the Buy Box. */
  readonly buyBox?: Money | null;
  readonly buyBoxIsOurs?: boolean | null;
  /** The lowest offer from a competitor (our own offer excluded). */
  readonly lowestOffer?: Money | null;
  readonly offerCount?: number | null;
  /**
   * The offers read (Amazon lists its 20 lowest), ours marked `isOurs`. When present, the lowest
   * competing offer and the Buy Box holder are taken from them (competition.ts), not from `lowestOffer`.
   */
  readonly offers?: readonly CompetitiveOffer[] | null;
  /** ISO 8601. */
  readonly observedAt?: string | null;
}

/** Per-product guardrails (ProductCost): they replace the rule's values of the same kind. */
export interface ProductBounds {
  readonly floor?: Money | null;
  readonly ceiling?: Money | null;
  readonly map?: Money | null;
}

/** Everything the engine needs to know about one listing (or one linked product). */
export interface ListingContext {
  /** The id the outcome is reported under (listing id or product link id). */
  readonly id: string;
  readonly productLinkId?: string | null;
  readonly sku?: string | null;
  readonly title?: string | null;
  readonly tags?: readonly string[] | null;
  readonly collectionIds?: readonly string[] | null;
  /** Our live price; the engine never suggests for a listing without one. */
  readonly currentPrice: Money | null;
  readonly cost?: Money | null;
  readonly bounds?: ProductBounds | null;
  /** The latest reading of the competition; null/absent: it was never read. */
  readonly competition?: CompetitiveSnapshot | null;
  /**
   * Never read yet (no `competition`) but the monitor reads this listing: its first reading is on its
   * way (the minutes after connecting). Competitive rules then skip `not_read_yet` rather than saying
   * nobody competes.
   */
  readonly readingPending?: boolean | null;
  readonly trigger?: Trigger | null;
  /** The platform whose price is decided (`amazon`, `shopify`): fees and channels depend on it. */
  readonly platform?: string | null;
  /**
   * The platform's fee estimate for this listing near its price (pricing.getFeeEstimates), for a
   * `cost_fees_margin` floor. null with `feesError`: the fees could not be read and the listing is held.
   */
  readonly fees?: FeeEstimate | null;
  readonly feesError?: string | null;
  /** Our own price changes of this listing (applied or on their way), newest first: the price-war guard reads them. */
  readonly recentChanges?: readonly RecentChange[] | null;
  /** Competitors' price moves on this listing, newest first (from the readings). */
  readonly competitorMoves?: readonly CompetitorMove[] | null;
  /** ISO 8601: the time the decision is made at (the guard's windows end here); default now. */
  readonly now?: string | null;
  /** The shop's time zone (Project.timezone, IANA): the times the words name are on its clock; UTC when absent. */
  readonly timeZone?: string | null;
}

export interface RecentChange {
  /** ISO 8601 */
  readonly at: string;
  readonly from: string;
  readonly to: string;
}

export interface CompetitorMove {
  /** ISO 8601 */
  readonly at: string;
  readonly sellerId: string;
  readonly from: string | null;
  readonly to: string;
}

/** `fee_floor`: the lowest price that keeps cost + the platform's fees + the rule's margin (floorFormula cost_fees_margin). */
export type GuardrailName = 'positive' | 'floor' | 'fee_floor' | 'ceiling' | 'margin' | 'map' | 'step_down' | 'step_up';

/** One guardrail's limit for this listing. */
export interface GuardrailLimit {
  readonly guardrail: GuardrailName;
  /** lower: the price may not go below it; upper: not above it. */
  readonly side: 'lower' | 'upper';
  readonly amount: string;
  /** Where the limit came from: "rule", "product", or how it was derived ("cost 10.00 + 15 %"). */
  readonly source: string;
}

export interface GuardrailClamp {
  /** The guardrail that decided the price (the tightest one on that side). */
  readonly guardrail: GuardrailName;
  readonly from: string;
  readonly to: string;
  /** Other guardrails the rule's price also broke. */
  readonly alsoViolated: readonly GuardrailName[];
  readonly message: string;
}

export type RoundingStep =
  | {
      readonly ending: string;
      readonly from: string;
      readonly to: string;
      readonly direction: 'up' | 'down';
      /** Why the preferred direction wasn't taken, when it wasn't. */
      readonly note?: string;
    }
  | { readonly ending: string; readonly skipped: true; readonly reason: string };

/** Why there is a suggestion and how its price came to be. JSON-safe: stored as PriceSuggestion.explanation. */
export interface Explanation {
  readonly summary: string;
  readonly trigger: Trigger | null;
  readonly rule: RuleInfo | null;
  readonly inputs: {
    readonly currency: string | null;
    readonly current: string | null;
    readonly buyBox: string | null;
    readonly buyBoxIsOurs: boolean | null;
    readonly lowestOffer: string | null;
    readonly cost: string | null;
    /** ISO 8601: when the competition the decision read was read (null: never; absent in older explanations). */
    readonly readAt?: string | null;
  };
  /** The price the rule asked for before any guardrail, and the competitor's offer it was read from. */
  readonly target: { readonly amount: string; readonly reason: string; readonly competitor?: CompetitorShown } | null;
  /** Every guardrail in force for this listing. */
  readonly limits: readonly GuardrailLimit[];
  /** The guardrail that moved the rule's price, if any. */
  readonly clamp: GuardrailClamp | null;
  readonly rounding: RoundingStep | null;
  /** Two guardrails that can't both hold: no price is possible. */
  readonly conflict: { readonly lower: GuardrailLimit; readonly upper: GuardrailLimit; readonly message: string } | null;
  readonly result: { readonly amount: string; readonly changePercent: string } | null;
  /** Who was followed and who was ignored, and why (rules with offers to read). */
  readonly competitors?: {
    readonly followed: readonly CompetitorShown[];
    readonly ignored: readonly (CompetitorShown & { readonly reason: string })[];
  } | null;
  /** The fee figures a fee-aware floor was built from. */
  readonly fees?: {
    readonly price: string;
    readonly total: string;
    readonly lines: readonly { readonly type: string; readonly amount: string }[];
    readonly floor: string;
    readonly formula: string;
  } | null;
  /** The price-war guard's finding, when it held the listing. */
  readonly priceWar?: { readonly sellerId: string; readonly moves: number; readonly windowMinutes: number } | null;
  /** Each channel's own price, when the rule prices channels differently. */
  readonly channels?: readonly ChannelPrice[] | null;
}

/** One channel's price for a decision: `amount` null means the channel keeps its price. */
export interface ChannelPrice {
  readonly platform: string;
  readonly listingId?: string | null;
  readonly currency: string;
  readonly amount: string | null;
  readonly reason: string;
}

/** The competitor's offer a rule's target came from, as an explanation names it. */
export interface CompetitorShown {
  /** lowest_offer: the lowest competing offer; buy_box: the Buy Box holder; next_above: the eligible offer a raise stays under; other: any other offer listed. */
  readonly role: 'lowest_offer' | 'buy_box' | 'next_above' | 'other';
  readonly sellerId: string | null;
  /** AFN: fulfilled by Amazon; MFN: by the seller. */
  readonly fulfillment: 'AFN' | 'MFN';
  /** Landed price, in the listing's currency. */
  readonly landed: string;
}

export type SkipReason =
  | 'no_rule'
  | 'no_current_price'
  | 'no_buy_box'
  | 'no_lowest_offer'
  /** The competition has never been read, and the monitor is reading it now (not "nobody competes"). */
  | 'not_read_yet'
  /** We hold the Buy Box: there is no competitor's price to match. */
  | 'buy_box_is_ours'
  /** Every offer read is ours: there is no competing offer to beat. */
  | 'no_competitor'
  | 'currency_mismatch'
  /** The price-war guard: too many changes today, or too soon after the last one. */
  | 'change_limit'
  /** The price-war guard: we and one competitor keep trading moves; held and flagged for the merchant. */
  | 'price_war';

/**
 * `fees_unavailable`: a fee-aware floor whose fees could not be read is never priced blind.
 * `fee_floor_unreachable`: the platform's share of the price plus the rule's margin reach 100 %, so no
 * price covers cost + fees + margin.
 */
export type BlockReason = 'guardrail_conflict' | 'missing_cost' | 'fees_unavailable' | 'fee_floor_unreachable';

export type PolicyOutcome =
  | {
      readonly status: 'suggest';
      readonly id: string;
      readonly ruleId: string;
      readonly current: Money;
      readonly suggested: Money;
      /** Signed, two decimals: "-2.50". */
      readonly changePercent: string;
      /** The move is within the rule's auto-approve threshold. */
      readonly autoApprove: boolean;
      readonly explanation: Explanation;
    }
  | {
      /** The rule, after its guardrails, keeps today's price. */
      readonly status: 'no_change';
      readonly id: string;
      readonly ruleId: string;
      readonly current: Money;
      readonly explanation: Explanation;
    }
  | {
      readonly status: 'skipped';
      readonly id: string;
      readonly ruleId: string | null;
      readonly reason: SkipReason;
      readonly explanation: Explanation;
    }
  | {
      /** Guardrails can't all hold at once: no price is suggested, the merchant has to look. */
      readonly status: 'blocked';
      readonly id: string;
      readonly ruleId: string;
      readonly reason: BlockReason;
      readonly explanation: Explanation;
    };
