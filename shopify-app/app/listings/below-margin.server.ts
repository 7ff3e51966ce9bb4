// "Below target margin": a priced product whose current price is under what its rule asks it to earn.
// One definition, used by the listings workspace's view and by anything else that counts such products
// (the home page): the price is under cost × (1 + the rule's minimum margin) (under cost where the rule
// sets none), or under the rule's
// fee-aware floor (cost + the platform's fees + margin % of the price). Without fees read (the default:
// no platform call), the fee-aware floor is taken at its least, cost ÷ (1 − margin): a price under that
// is under the floor whatever the fees; pass `connectorFor` to read the fees and judge it exactly.
import { divideRounded, type Money } from '@calibr/shared-contracts';
import type { ConnectorFor } from '../pricing/item-fees.server';
import { loadPricedItems, type PricedItem } from '../pricing/items.server';
import { prepareItems } from '../pricing/loop-facts.server';
import { feeFloorFor, RuleIndex, type CompiledRule, type ListingContext } from '../pricing/policy';
import { formatMinor, readMinor, scaleOf } from '../pricing/policy/minor-units';
import { activeRules } from '../pricing/rules.server';

export interface BelowMargin {
  /** The item's id (product link, or lone listing). */
  itemId: string;
  productLinkId: string | null;
  currency: string;
  price: string;
  /** The least price the rule's margin allows. */
  target: string;
  /** margin: cost × (1 + minimum margin); fee_floor: cost + fees + margin % of the price. */
  basis: 'margin' | 'fee_floor';
}

export interface BelowMarginOptions {
  /** Read the platform's fees for fee-aware floors (one batched call per platform and marketplace). */
  connectorFor?: ConnectorFor;
  /** Items already loaded (e.g. by a caller that loaded the whole catalog). */
  items?: readonly PricedItem[];
}

/** Every priced item of the shop under its target margin, by item id. */
export async function belowTargetMargin(projectId: string, options: BelowMarginOptions = {}): Promise<Map<string, BelowMargin>> {
  const { rules } = await activeRules(projectId);
  const out = new Map<string, BelowMargin>();
  if (rules.length === 0) return out;
  const index = new RuleIndex(rules);
  const items = options.items ?? (await loadPricedItems(projectId));
  const plans = options.connectorFor ? await prepareItems(projectId, items, index, options.connectorFor) : null;
  for (const item of items) {
    const plan = plans?.get(item);
    const rule = plan ? plan.rule : index.select(item.context);
    const context = plan?.context ?? item.context;
    if (!rule) continue;
    const found = belowFor(rule, context, options.connectorFor !== undefined);
    if (found) out.set(item.id, { itemId: item.id, productLinkId: item.productLinkId, ...found });
  }
  return out;
}

/** One item against its rule: the higher of its margin targets, when its price is under it. */
export function belowFor(rule: CompiledRule, context: ListingContext, feesRead: boolean): Omit<BelowMargin, 'itemId' | 'productLinkId'> | null {
  const price = context.currentPrice;
  const cost = context.cost;
  if (!price || !cost || cost.currency !== price.currency) return null;
  const scale = scaleOf(price.currency);
  const priceMinor = readMinor(price, scale);
  const costMinor = readMinor(cost, scale);
  const targets: Array<{ minor: bigint; basis: 'margin' | 'fee_floor' }> = [];
  if (rule.minMargin) {
    const { numerator: n, denominator: d } = rule.minMargin;
    targets.push({ minor: divideRounded(costMinor * (d + n), d, 'ceiling'), basis: 'margin' });
  } else {
    // No minimum margin: selling under cost is still below any margin the merchant could want.
    targets.push({ minor: costMinor, basis: 'margin' });
  }
  if (rule.floorFormula === 'cost_fees_margin' && rule.floorMargin) {
    const floor = feesRead ? feeFloorFor(rule, context, price.currency, scale) : null;
    if (floor?.ok) targets.push({ minor: floor.floor.minor, basis: 'fee_floor' });
    else if (!feesRead) targets.push({ minor: leastFeeFloor(rule, cost, scale), basis: 'fee_floor' });
  }
  const highest = targets.reduce<(typeof targets)[number] | null>((a, b) => (a === null || b.minor > a.minor ? b : a), null);
  if (!highest || priceMinor >= highest.minor) return null;
  return { currency: price.currency, price: price.amount, target: formatMinor(highest.minor, scale), basis: highest.basis };
}

/** cost ÷ (1 − margin), rounded up: the fee-aware floor with no fees at all, its least. */
function leastFeeFloor(rule: CompiledRule, cost: Money, scale: number): bigint {
  const { numerator: n, denominator: d } = rule.floorMargin!;
  return divideRounded(readMinor(cost, scale) * d, d - n, 'ceiling');
}
