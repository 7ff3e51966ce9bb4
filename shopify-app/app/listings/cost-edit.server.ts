// Inline edit of a listing's cost, floor, ceiling and MAP from the workspace. The values are the same
// ProductCost row a cost import writes (keyed by the product's SKU, in the shop's currency), checked the
// same way, with messages a merchant reads under the field: "Cost must be a number, like 12.50", "Floor
// must be below the ceiling". Written with its audit entry in one transaction.
import { minorUnitsOf, NotFoundError, normalizeSku, toMinorUnits, tryParseMoney, ValidationError, type FieldError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { audit } from '../pricing/audit.server';
import { costsBySku } from './workspace.server';

export const COST_FIELDS = ['cost', 'floor', 'ceiling', 'map'] as const;
export type CostField = (typeof COST_FIELDS)[number];

const LABEL: Record<CostField, string> = { cost: 'Cost', floor: 'Floor', ceiling: 'Ceiling', map: 'MAP' };

export interface CostValues {
  sku: string;
  currency: string;
  cost: string | null;
  floor: string | null;
  ceiling: string | null;
  map: string | null;
}

/**
 * Set some of a product's cost, floor, ceiling and MAP. `changes[field]`: a decimal string, or "" / null to
 * clear a floor, ceiling or MAP (a cost can't be cleared). Every bad field is named at once; nothing is
 * written unless all are good.
 */
export async function editListingCosts(projectId: string, itemId: string, changes: Record<string, unknown>, actor: string): Promise<CostValues> {
  const link = await db.productLink.findFirst({ where: { id: itemId, projectId }, select: { id: true, sku: true } });
  if (!link) throw new NotFoundError('No such listing in this shop', { resource: 'listing', resourceId: itemId });
  const unknown = Object.keys(changes).filter((k) => !(COST_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new ValidationError(unknown.map((k) => ({ path: k, message: `${k} is not something to edit here (cost, floor, ceiling, map)`, code: 'unknown_field' })));
  if (Object.keys(changes).length === 0) throw ValidationError.field('cost', 'Nothing to save: give a cost, floor, ceiling or MAP', 'required');

  const stored = (await costsBySku(projectId, [link.sku])).get(normalizeSku(link.sku) ?? '') ?? null;
  const project = await db.project.findUnique({ where: { id: projectId }, select: { currency: true } });
  const currency = stored?.currency ?? project?.currency ?? 'USD';
  const errors: FieldError[] = [];
  const next: Record<CostField, string | null> = {
    cost: stored?.costAmount ?? null,
    floor: stored?.floorAmount ?? null,
    ceiling: stored?.ceilingAmount ?? null,
    map: stored?.mapAmount ?? null,
  };
  for (const field of COST_FIELDS) {
    if (!(field in changes)) continue;
    const raw = changes[field];
    if (raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      if (field === 'cost') errors.push({ path: field, message: 'Enter a cost: a cost can be changed but not removed', code: 'required' });
      else next[field] = null;
      continue;
    }
    const parsed = typeof raw === 'string' ? tryParseMoney(raw.trim(), currency) : null;
    if (!parsed?.ok) {
      errors.push({ path: field, message: moneyMessage(field, raw, currency), code: 'invalid_amount' });
      continue;
    }
    next[field] = parsed.money.amount;
  }
  if (errors.length === 0) {
    if (next.cost === null) errors.push({ path: 'cost', message: `Enter the cost first: floor, ceiling and MAP are kept with the cost of ${link.sku}`, code: 'required' });
    const minor = (v: string | null) => (v === null ? null : toMinorUnits({ amount: v, currency }));
    const [floor, ceiling, map] = [minor(next.floor), minor(next.ceiling), minor(next.map)];
    // Name the field the merchant just edited when a pair contradicts itself.
    if (ceiling !== null && ceiling === 0n) errors.push({ path: 'ceiling', message: 'Ceiling must be above zero: a ceiling of 0 allows no price', code: 'invalid_amount' });
    else {
      if (floor !== null && ceiling !== null && floor > ceiling) {
        errors.push('ceiling' in changes && !('floor' in changes) ? { path: 'ceiling', message: `Ceiling must be above the floor (${next.floor})`, code: 'floor_above_ceiling' } : { path: 'floor', message: `Floor must be below the ceiling (${next.ceiling})`, code: 'floor_above_ceiling' });
      }
      if (map !== null && ceiling !== null && map > ceiling) {
        errors.push('ceiling' in changes && !('map' in changes) ? { path: 'ceiling', message: `Ceiling must be above MAP (${next.map})`, code: 'map_above_ceiling' } : { path: 'map', message: `MAP must be below the ceiling (${next.ceiling})`, code: 'map_above_ceiling' });
      }
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);

  const before = stored ? { cost: stored.costAmount, floor: stored.floorAmount, ceiling: stored.ceilingAmount, map: stored.mapAmount } : null;
  const data = { currency, costAmount: next.cost!, floorAmount: next.floor, ceilingAmount: next.ceiling, mapAmount: next.map, source: 'manual' };
  const sku = stored?.sku ?? link.sku;
  await db.$transaction(async (tx) => {
    const row = await tx.productCost.upsert({ where: { projectId_sku: { projectId, sku } }, create: { projectId, sku, ...data }, update: data });
    await audit(projectId, actor, 'product_cost.edited', { entityType: 'ProductCost', entityId: row.id, data: { sku, productLinkId: link.id, currency, before, after: { cost: next.cost, floor: next.floor, ceiling: next.ceiling, map: next.map } } }, tx);
  });
  return { sku, currency, ...next };
}

/** "Cost must be a number, like 12.50" (1250 for a currency without decimals; the decimals it allows). */
function moneyMessage(field: CostField, raw: unknown, currency: string): string {
  const digits = minorDigits(currency);
  const example = digits === 0 ? '1250' : `12.${'5'.padEnd(digits, '0')}`;
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (/^[0-9]+\.[0-9]+$/.test(text)) return `${LABEL[field]} can have at most ${digits} decimal${digits === 1 ? '' : 's'} in ${currency}, like ${example}`;
  return `${LABEL[field]} must be a number, like ${example}`;
}

function minorDigits(currency: string): number {
  try {
    return minorUnitsOf(currency);
  } catch {
    return 2;
  }
}
