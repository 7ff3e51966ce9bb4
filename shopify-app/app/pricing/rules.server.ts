// Pricing rules as the merchant manages them: validated by the policy engine before they are stored
// (a rule whose own guardrails contradict each other is refused with every bad field named).
import { NotFoundError, ValidationError, type FieldError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { connectionStatusOf, integrationRow } from '../platforms/platform-integrations.server';
import { audit } from './audit.server';
import {
  compileRule,
  FLOOR_FORMULAS,
  RULE_CHANNELS,
  RULE_KINDS,
  RULE_SCOPES,
  SHOPIFY_PRICE_MODES,
  type CompetitorFilters,
  type CompiledRule,
  type PricingRuleInput,
} from './policy';

export interface RuleView {
  id: string;
  name: string;
  scope: string;
  scopeValue: string | null;
  productLinkId: string | null;
  kind: string;
  params: Record<string, string>;
  currency: string | null;
  floorAmount: string | null;
  ceilingAmount: string | null;
  minMarginPercent: string | null;
  maxStepPercent: string | null;
  mapAmount: string | null;
  rounding: string | null;
  autoApproveMaxPercent: string | null;
  filters: CompetitorFilters | null;
  raiseWhenWinning: boolean;
  noCompetitionAmount: string | null;
  floorFormula: string | null;
  floorMarginPercent: string | null;
  maxChangesPerDay: number | null;
  minIntervalMinutes: number | null;
  priceWarMoves: number | null;
  priceWarWindowMinutes: number | null;
  channel: string;
  shopifyPriceMode: string;
  shopifyOffsetPercent: string | null;
  priority: number;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

type RuleRow = Awaited<ReturnType<typeof db.pricingRule.findFirstOrThrow>>;

export function ruleView(row: RuleRow): RuleView {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    scopeValue: row.scopeValue,
    productLinkId: row.productLinkId,
    kind: row.kind,
    params: (row.params ?? {}) as Record<string, string>,
    currency: row.currency,
    floorAmount: row.floorAmount,
    ceilingAmount: row.ceilingAmount,
    minMarginPercent: row.minMarginPercent,
    maxStepPercent: row.maxStepPercent,
    mapAmount: row.mapAmount,
    rounding: row.rounding,
    autoApproveMaxPercent: row.autoApproveMaxPercent,
    filters: (row.filters ?? null) as CompetitorFilters | null,
    raiseWhenWinning: row.raiseWhenWinning,
    noCompetitionAmount: row.noCompetitionAmount,
    floorFormula: row.floorFormula,
    floorMarginPercent: row.floorMarginPercent,
    maxChangesPerDay: row.maxChangesPerDay,
    minIntervalMinutes: row.minIntervalMinutes,
    priceWarMoves: row.priceWarMoves,
    priceWarWindowMinutes: row.priceWarWindowMinutes,
    channel: row.channel,
    shopifyPriceMode: row.shopifyPriceMode,
    shopifyOffsetPercent: row.shopifyOffsetPercent,
    priority: row.priority,
    isActive: row.isActive,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function ruleInput(row: RuleRow): PricingRuleInput {
  return { ...ruleView(row), params: row.params, createdAt: row.createdAt };
}

/** The fields a merchant sends to create or change a rule. */
export interface RuleDraft {
  name?: unknown;
  scope?: unknown;
  scopeValue?: unknown;
  productLinkId?: unknown;
  kind?: unknown;
  params?: unknown;
  currency?: unknown;
  floorAmount?: unknown;
  ceilingAmount?: unknown;
  minMarginPercent?: unknown;
  maxStepPercent?: unknown;
  mapAmount?: unknown;
  rounding?: unknown;
  autoApproveMaxPercent?: unknown;
  filters?: unknown;
  raiseWhenWinning?: unknown;
  noCompetitionAmount?: unknown;
  floorFormula?: unknown;
  floorMarginPercent?: unknown;
  maxChangesPerDay?: unknown;
  minIntervalMinutes?: unknown;
  priceWarMoves?: unknown;
  priceWarWindowMinutes?: unknown;
  channel?: unknown;
  shopifyPriceMode?: unknown;
  shopifyOffsetPercent?: unknown;
  priority?: unknown;
  isActive?: unknown;
}

const TEXT_FIELDS = [
  'scopeValue',
  'productLinkId',
  'currency',
  'floorAmount',
  'ceilingAmount',
  'minMarginPercent',
  'maxStepPercent',
  'mapAmount',
  'rounding',
  'autoApproveMaxPercent',
  'noCompetitionAmount',
  'floorFormula',
  'floorMarginPercent',
  'shopifyOffsetPercent',
] as const;

/** Whole numbers the price-war guard counts with (changes, minutes, moves). */
const COUNT_FIELDS = ['maxChangesPerDay', 'minIntervalMinutes', 'priceWarMoves', 'priceWarWindowMinutes'] as const;

/** A draft as a rule input, with type errors for fields that aren't text (amounts are never numbers). */
export function draftToInput(draft: RuleDraft, id = 'draft'): { input: PricingRuleInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const text = (field: string, value: unknown): string | null => {
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') {
      errors.push({ path: field, message: `${field} must be a string (amounts and percents are decimal strings such as "19.99")`, code: 'invalid_type' });
      return null;
    }
    return value;
  };
  const input: Record<string, unknown> = {
    id,
    name: typeof draft.name === 'string' ? draft.name : '',
    scope: typeof draft.scope === 'string' ? draft.scope : '',
    kind: typeof draft.kind === 'string' ? draft.kind : '',
    params: draft.params ?? {},
    priority: draft.priority === undefined || draft.priority === null ? 0 : draft.priority,
    isActive: draft.isActive === undefined ? true : draft.isActive,
  };
  for (const field of TEXT_FIELDS) input[field] = text(field, draft[field]);
  for (const field of COUNT_FIELDS) {
    const value = draft[field];
    if (value === undefined || value === null || value === '') input[field] = null;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) input[field] = value;
    else errors.push({ path: field, message: `${field} must be a whole number`, code: 'invalid_type' });
  }
  input.channel = text('channel', draft.channel) ?? 'both';
  input.shopifyPriceMode = text('shopifyPriceMode', draft.shopifyPriceMode) ?? 'same';
  input.raiseWhenWinning = draft.raiseWhenWinning ?? false;
  if (typeof input.raiseWhenWinning !== 'boolean') errors.push({ path: 'raiseWhenWinning', message: 'raiseWhenWinning must be true or false', code: 'invalid_type' });
  if (draft.filters === undefined || draft.filters === null) input.filters = null;
  else if (typeof draft.filters === 'object' && !Array.isArray(draft.filters)) input.filters = draft.filters;
  else errors.push({ path: 'filters', message: 'filters must be an object such as { "condition": "new" }', code: 'invalid_type' });
  if (typeof input.isActive !== 'boolean') errors.push({ path: 'isActive', message: 'isActive must be true or false', code: 'invalid_type' });
  return { input: input as unknown as PricingRuleInput, errors };
}

/** The draft as a rule input, or every bad field at once: the rule's own and what the shop's data refutes. */
async function validated(projectId: string, draft: RuleDraft): Promise<PricingRuleInput> {
  const { input, errors } = draftToInput(draft);
  try {
    compileRule(input);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    errors.push(...error.errors);
  }
  errors.push(...(await shopErrors(projectId, input)));
  if (errors.length > 0) throw new ValidationError(errors);
  return input;
}

/** What only the shop's data can tell: the product exists, the channel is connected, the floor formula has a cost. */
async function shopErrors(projectId: string, input: PricingRuleInput): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  let sku: string | null = null;
  if (input.scope === 'product' && input.productLinkId) {
    const link = await db.productLink.findFirst({ where: { id: input.productLinkId, projectId }, select: { id: true, sku: true } });
    if (!link) errors.push({ path: 'productLinkId', message: 'No such product in this shop.', code: 'not_found' });
    else sku = link.sku;
  }
  const channel = input.channel ?? 'both';
  if (channel !== 'both') {
    const status = connectionStatusOf(await integrationRow(projectId, channel));
    if (status !== 'connected' && status !== 'needs_reconnect') {
      errors.push({ path: 'channel', message: `${channelName(channel)} is not connected to this shop: connect it first, or price both channels.`, code: 'not_connected' });
    }
  }
  // A shop-wide rule's products without a cost are held one by one when evaluated; a rule for one product
  // can be refused now, when the merchant can still fix it.
  if (input.floorFormula && sku !== null) {
    const cost = await db.productCost.findFirst({ where: { projectId, sku }, select: { costAmount: true } });
    if (!cost?.costAmount) {
      errors.push({ path: 'floorFormula', message: `The floor needs this product's cost, and SKU ${sku} has none: import costs first, or use a fixed floor.`, code: 'missing_cost' });
    }
  }
  return errors;
}

function channelName(channel: string): string {
  return channel === 'amazon' ? 'Amazon' : channel === 'shopify' ? 'Shopify' : channel;
}

function data(input: PricingRuleInput) {
  return {
    name: input.name.trim(),
    scope: input.scope,
    scopeValue: input.scope === 'collection' || input.scope === 'tag' ? (input.scopeValue ?? null) : null,
    productLinkId: input.scope === 'product' ? (input.productLinkId ?? null) : null,
    kind: input.kind,
    params: (input.params ?? {}) as object,
    currency: input.currency ?? null,
    floorAmount: input.floorAmount ?? null,
    ceilingAmount: input.ceilingAmount ?? null,
    minMarginPercent: input.minMarginPercent ?? null,
    maxStepPercent: input.maxStepPercent ?? null,
    mapAmount: input.mapAmount ?? null,
    rounding: input.rounding ?? null,
    autoApproveMaxPercent: input.autoApproveMaxPercent ?? null,
    // {} and null read the same (every filter at its default); {} also clears filters on an update.
    filters: (input.filters ?? {}) as object,
    raiseWhenWinning: input.raiseWhenWinning ?? false,
    noCompetitionAmount: input.noCompetitionAmount ?? null,
    floorFormula: input.floorFormula ?? null,
    floorMarginPercent: input.floorMarginPercent ?? null,
    maxChangesPerDay: input.maxChangesPerDay ?? null,
    minIntervalMinutes: input.minIntervalMinutes ?? null,
    priceWarMoves: input.priceWarMoves ?? null,
    priceWarWindowMinutes: input.priceWarWindowMinutes ?? null,
    channel: input.channel ?? 'both',
    shopifyPriceMode: input.shopifyPriceMode ?? 'same',
    shopifyOffsetPercent: input.shopifyOffsetPercent ?? null,
    priority: input.priority ?? 0,
    isActive: input.isActive ?? true,
  };
}

export async function listRules(projectId: string): Promise<RuleView[]> {
  const rows = await db.pricingRule.findMany({ where: { projectId }, orderBy: [{ scope: 'asc' }, { priority: 'desc' }, { createdAt: 'asc' }] });
  return rows.map(ruleView);
}

export async function createRule(projectId: string, draft: RuleDraft, actor: string): Promise<RuleView> {
  const input = await validated(projectId, draft);
  const row = await db.pricingRule.create({ data: { projectId, ...data(input) } });
  await audit(projectId, actor, 'pricing_rule.created', { entityType: 'PricingRule', entityId: row.id, data: { name: row.name, kind: row.kind, scope: row.scope } });
  return ruleView(row);
}

export async function updateRule(projectId: string, id: string, draft: RuleDraft, actor: string): Promise<RuleView> {
  const existing = await db.pricingRule.findFirst({ where: { id, projectId } });
  if (!existing) throw new NotFoundError('No such pricing rule', { resource: 'pricing_rule', resourceId: id });
  const merged = { ...ruleView(existing), ...Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined)) };
  const input = await validated(projectId, merged as RuleDraft);
  const row = await db.pricingRule.update({ where: { id }, data: data(input) });
  await audit(projectId, actor, 'pricing_rule.updated', { entityType: 'PricingRule', entityId: id, data: { name: row.name } });
  return ruleView(row);
}

export async function deleteRule(projectId: string, id: string, actor: string): Promise<void> {
  const { count } = await db.pricingRule.deleteMany({ where: { id, projectId } });
  if (count === 0) throw new NotFoundError('No such pricing rule', { resource: 'pricing_rule', resourceId: id });
  await audit(projectId, actor, 'pricing_rule.deleted', { entityType: 'PricingRule', entityId: id });
}

/** The shop's active rules, compiled. A stored rule that no longer validates is left out and reported. */
export async function activeRules(projectId: string): Promise<{ rules: CompiledRule[]; invalid: Array<{ id: string; name: string; errors: readonly FieldError[] }> }> {
  const rows = await db.pricingRule.findMany({ where: { projectId, isActive: true } });
  const rules: CompiledRule[] = [];
  const invalid: Array<{ id: string; name: string; errors: readonly FieldError[] }> = [];
  for (const row of rows) {
    try {
      rules.push(compileRule(ruleInput(row)));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      invalid.push({ id: row.id, name: row.name, errors: error.errors });
    }
  }
  return { rules, invalid };
}

export const RULE_OPTIONS = { kinds: RULE_KINDS, scopes: RULE_SCOPES, channels: RULE_CHANNELS, shopifyPriceModes: SHOPIFY_PRICE_MODES, floorFormulas: FLOOR_FORMULAS };
