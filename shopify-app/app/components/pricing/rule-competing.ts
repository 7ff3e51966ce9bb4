// The competing half of a rule as the rules form edits it: strategy, competitor filters, floor formula,
// price-war guard and channels. Kept as strings while typed; a value that isn't a number is sent as typed
// so the server names the field ("filters.minFeedbackPercent must be …") instead of the form guessing.
import type { RuleView } from '../../pricing/rules.server';

export interface CompetingDraft {
  raiseWhenWinning: boolean;
  noCompetitionAmount: string;
  condition: string;
  fulfillment: string;
  primeOnly: boolean;
  minFeedbackPercent: string;
  minFeedbackCount: string;
  buyBoxEligibleOnly: boolean;
  excludedSellerIds: string;
  ignoreBelowFloor: boolean;
  /** fixed: the rule's floor amount; cost_fees_margin: cost + Amazon's fees + a margin. */
  floorMode: string;
  floorMarginPercent: string;
  maxChangesPerDay: string;
  minIntervalMinutes: string;
  priceWarMoves: string;
  priceWarWindowMinutes: string;
  channel: string;
  shopifyPriceMode: string;
  shopifyOffsetPercent: string;
}

/** A new rule: new-condition offers from sellers who can win the Buy Box (90 % positive feedback or more). */
export const NEW_RULE_COMPETING: CompetingDraft = {
  raiseWhenWinning: true,
  noCompetitionAmount: '',
  condition: 'new',
  fulfillment: 'any',
  primeOnly: false,
  minFeedbackPercent: '90',
  minFeedbackCount: '',
  buyBoxEligibleOnly: true,
  excludedSellerIds: '',
  ignoreBelowFloor: true,
  floorMode: 'fixed',
  floorMarginPercent: '',
  maxChangesPerDay: '',
  minIntervalMinutes: '',
  priceWarMoves: '',
  priceWarWindowMinutes: '',
  channel: 'both',
  shopifyPriceMode: 'same',
  shopifyOffsetPercent: '',
};

const text = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));

export function competingFromRule(rule: RuleView): CompetingDraft {
  const f = rule.filters ?? {};
  return {
    raiseWhenWinning: rule.raiseWhenWinning,
    noCompetitionAmount: rule.noCompetitionAmount ?? '',
    condition: f.condition ?? 'new',
    fulfillment: f.fulfillment ?? 'any',
    primeOnly: f.primeOnly ?? false,
    minFeedbackPercent: text(f.minFeedbackPercent),
    minFeedbackCount: text(f.minFeedbackCount),
    buyBoxEligibleOnly: f.buyBoxEligibleOnly ?? false,
    excludedSellerIds: (f.excludedSellerIds ?? []).join(', '),
    ignoreBelowFloor: f.ignoreBelowFloor ?? false,
    floorMode: rule.floorFormula ?? 'fixed',
    floorMarginPercent: rule.floorMarginPercent ?? '',
    maxChangesPerDay: text(rule.maxChangesPerDay),
    minIntervalMinutes: text(rule.minIntervalMinutes),
    priceWarMoves: text(rule.priceWarMoves),
    priceWarWindowMinutes: text(rule.priceWarWindowMinutes),
    channel: rule.channel,
    shopifyPriceMode: rule.shopifyPriceMode,
    shopifyOffsetPercent: rule.shopifyOffsetPercent ?? '',
  };
}

/** "90" → 90; "" → null; anything else as typed, for the server to refuse by name. */
function numberOrTyped(value: string, whole: boolean): number | string | null {
  const v = value.trim();
  if (v === '') return null;
  const pattern = whole ? /^\d+$/ : /^\d+(\.\d+)?$/;
  return pattern.test(v) ? Number(v) : v;
}

const blankToNull = (v: string) => (v.trim() === '' ? null : v.trim());

export function competingBody(d: CompetingDraft) {
  return {
    raiseWhenWinning: d.raiseWhenWinning,
    noCompetitionAmount: blankToNull(d.noCompetitionAmount),
    filters: {
      condition: d.condition,
      fulfillment: d.fulfillment,
      primeOnly: d.primeOnly,
      minFeedbackPercent: numberOrTyped(d.minFeedbackPercent, false),
      minFeedbackCount: numberOrTyped(d.minFeedbackCount, true),
      buyBoxEligibleOnly: d.buyBoxEligibleOnly,
      excludedSellerIds: d.excludedSellerIds
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      ignoreBelowFloor: d.ignoreBelowFloor,
    },
    floorFormula: d.floorMode === 'fixed' ? null : d.floorMode,
    floorMarginPercent: d.floorMode === 'fixed' ? null : blankToNull(d.floorMarginPercent),
    maxChangesPerDay: numberOrTyped(d.maxChangesPerDay, true),
    minIntervalMinutes: numberOrTyped(d.minIntervalMinutes, true),
    priceWarMoves: numberOrTyped(d.priceWarMoves, true),
    priceWarWindowMinutes: numberOrTyped(d.priceWarWindowMinutes, true),
    channel: d.channel,
    shopifyPriceMode: d.channel === 'both' ? d.shopifyPriceMode : 'same',
    shopifyOffsetPercent: d.channel === 'both' && d.shopifyPriceMode === 'offset' ? blankToNull(d.shopifyOffsetPercent) : null,
  };
}

/** The rules table's words for a rule's competing settings. */
export function describeCompeting(rule: RuleView): string {
  const f = rule.filters ?? {};
  const parts = [
    rule.channel === 'amazon' ? 'Amazon only' : rule.channel === 'shopify' ? 'Shopify only' : null,
    rule.channel === 'both' && rule.shopifyPriceMode === 'offset' ? `Shopify +${rule.shopifyOffsetPercent} %` : null,
    rule.channel === 'both' && rule.shopifyPriceMode === 'keep' ? 'Shopify keeps its price' : null,
    rule.raiseWhenWinning ? 'raises when winning' : null,
    f.buyBoxEligibleOnly ? 'Buy Box eligible sellers only' : null,
    f.minFeedbackPercent != null ? `feedback ≥ ${f.minFeedbackPercent} %` : null,
    f.fulfillment === 'AFN' ? 'FBA offers only' : f.fulfillment === 'MFN' ? 'seller-fulfilled offers only' : null,
    rule.floorFormula ? `floor: cost + fees + ${rule.floorMarginPercent} %` : null,
    rule.priceWarMoves ? `holds after ${rule.priceWarMoves} traded moves` : null,
    rule.maxChangesPerDay ? `≤ ${rule.maxChangesPerDay} changes a day` : null,
  ];
  return parts.filter(Boolean).join(' · ');
}
