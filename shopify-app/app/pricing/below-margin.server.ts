// Items priced below their target margin: the current price (the reference listing's, as the loop prices
// it) under cost × (1 + the minimum margin of the rule that governs the item), or under cost itself where
// that rule sets no minimum margin (or no rule governs it). Items without a cost in the price's currency
// can't be judged and are left out. The fee-aware floor (cost + the platform's fees + margin) is not
// checked here: it needs a fee estimate per listing, which only an evaluation asks the platform for.
import { divideRounded } from '@calibr/shared-contracts';
import { loadPricedItems } from './items.server';
import { RuleIndex } from './policy';
import { readMinor, scaleOf } from './policy/minor-units';
import { activeRules } from './rules.server';

export interface MarginShortfall {
  itemId: string;
  listingId: string;
  currency: string;
  /** Minor units. */
  current: bigint;
  /** Minor units: the lowest price that keeps the margin. */
  target: bigint;
  /** The rule's minimum margin, percent as written; null: the target is the cost. */
  minMarginPercent: string | null;
}

export async function belowTargetMargin(projectId: string): Promise<MarginShortfall[]> {
  const [items, { rules }] = await Promise.all([loadPricedItems(projectId), activeRules(projectId)]);
  const index = new RuleIndex(rules);
  const out: MarginShortfall[] = [];
  for (const item of items) {
    const { cost, currentPrice } = item.context;
    if (!cost || !currentPrice || cost.currency !== currentPrice.currency) continue;
    const scale = scaleOf(cost.currency);
    const costMinor = readMinor(cost, scale);
    const current = readMinor(currentPrice, scale);
    const margin = index.select(item.context)?.minMargin ?? null;
    // As the margin guardrail rounds it: up, so a price a fraction of a cent short counts as short.
    const target = margin ? divideRounded(costMinor * (margin.denominator + margin.numerator), margin.denominator, 'ceiling') : costMinor;
    if (current < target) out.push({ itemId: item.id, listingId: item.reference.id, currency: cost.currency, current, target, minMarginPercent: margin?.text ?? null });
  }
  return out;
}
