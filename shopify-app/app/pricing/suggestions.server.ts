// Suggestions: the policy engine's outcomes for a shop's items, stored to wait for the merchant (or
// approved at once when the rule's auto-approve threshold allows), listed for the console, and a dry run
// that shows what the rules would do without creating anything.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@calibr/db';
import { compareMoney, toMinorUnits, ValidationError, type Money } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { createChangesForSuggestions } from './changes.server';
import { findInSlices } from './chunks';
import { loadPricedItems, type PricedItem } from './items.server';
import { compileRule, evaluateWithRule, percentChangeMinor, RuleIndex, type CompiledRule, type PolicyOutcome, type Trigger } from './policy';
import { activeRules, draftToInput, type RuleDraft } from './rules.server';

export interface GenerateOptions {
  /** Only these items (product link ids or listing ids); default the whole catalog. */
  ids?: readonly string[];
  /** "What moved", per item id; items without one get `fallbackTrigger`. */
  triggers?: ReadonlyMap<string, Trigger>;
  fallbackTrigger?: Trigger;
  /** Reports progress (items evaluated so far, of the total). */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export interface GenerateResult {
  evaluated: number;
  created: number;
  /** A pending suggestion with the same price already waited for the merchant. */
  kept: number;
  /** Older pending suggestions replaced by a newer one (or made moot: the rule now keeps the price). */
  superseded: number;
  autoApproved: number;
  noChange: number;
  skipped: number;
  blocked: number;
  /** Left alone: an approved price is still being pushed. */
  inFlight: number;
  /** PriceChanges created by auto-approval. */
  changeIds: string[];
  suggestionIds: string[];
}

/** Evaluate items and store their suggestions. */
export async function generateSuggestions(projectId: string, options: GenerateOptions = {}): Promise<GenerateResult> {
  const result: GenerateResult = { evaluated: 0, created: 0, kept: 0, superseded: 0, autoApproved: 0, noChange: 0, skipped: 0, blocked: 0, inFlight: 0, changeIds: [], suggestionIds: [] };
  const [{ rules }, items] = await Promise.all([activeRules(projectId), loadPricedItems(projectId, { ...(options.ids ? { ids: options.ids } : {}), triggerFor: (id) => options.triggers?.get(id) ?? options.fallbackTrigger ?? null })]);
  const index = new RuleIndex(rules);
  const ruleById = new Map(rules.map((r) => [r.id, r]));

  const pendingQuery = (slice: string[] | null) =>
    db.priceSuggestion.findMany({
      where: { projectId, status: 'pending', ...(slice ? { OR: [{ productLinkId: { in: slice } }, { listingId: { in: slice } }] } : {}) },
      select: { id: true, productLinkId: true, listingId: true, suggestedAmount: true, currentAmount: true, currency: true, ruleId: true },
    });
  const pending = options.ids ? await findInSlices([...options.ids], (slice) => pendingQuery(slice), 400) : await pendingQuery(null);
  const pendingByItem = new Map<string, typeof pending>();
  for (const s of pending) {
    const key = s.productLinkId ?? s.listingId ?? '';
    pendingByItem.set(key, [...(pendingByItem.get(key) ?? []), s]);
  }

  // A product whose last approved price is still on its way keeps it: a new suggestion would be based on
  // the price that change is replacing.
  const open = await db.priceChange.findMany({ where: { projectId, status: { in: ['approved', 'pushing'] } }, select: { productLinkId: true, listingId: true } });
  const inFlight = new Set(open.flatMap((c) => [c.productLinkId, c.listingId]).filter((id): id is string => id !== null));

  const toCreate: Prisma.PriceSuggestionCreateManyInput[] = [];
  const toSupersede: string[] = [];
  const autoApprove: Array<{ suggestionId: string; amount: string }> = [];
  for (const item of items) {
    if (inFlight.has(item.id) || inFlight.has(item.reference.id)) {
      result.inFlight++;
      continue;
    }
    const outcome = evaluateWithRule(index.select(item.context), item.context);
    result.evaluated++;
    if (options.onProgress && result.evaluated % 200 === 0) await options.onProgress(result.evaluated, items.length);
    const waiting = pendingByItem.get(item.id) ?? [];
    if (outcome.status !== 'suggest') {
      if (outcome.status === 'no_change') result.noChange++;
      else if (outcome.status === 'skipped') result.skipped++;
      else result.blocked++;
      // The market moved back or the rule now keeps today's price: an older suggestion is moot.
      if (outcome.status === 'no_change') toSupersede.push(...waiting.map((w) => w.id));
      continue;
    }
    const same = waiting.find((w) => w.suggestedAmount === outcome.suggested.amount && w.currentAmount === outcome.current.amount && w.currency === outcome.current.currency);
    if (same && !outcome.autoApprove) {
      result.kept++;
      toSupersede.push(...waiting.filter((w) => w !== same).map((w) => w.id));
      continue;
    }
    toSupersede.push(...waiting.map((w) => w.id));
    const id = randomUUID();
    toCreate.push({
      id,
      projectId,
      productLinkId: item.productLinkId,
      listingId: item.reference.id,
      ruleId: ruleById.has(outcome.ruleId) ? outcome.ruleId : null,
      currency: outcome.current.currency,
      currentAmount: outcome.current.amount,
      suggestedAmount: outcome.suggested.amount,
      explanation: outcome.explanation as unknown as Prisma.InputJsonValue,
      status: 'pending',
    });
    result.suggestionIds.push(id);
    if (outcome.autoApprove) autoApprove.push({ suggestionId: id, amount: outcome.suggested.amount });
  }
  if (options.onProgress) await options.onProgress(result.evaluated, items.length);

  for (let i = 0; i < Math.max(toCreate.length, toSupersede.length); i += 500) {
    const creates = toCreate.slice(i, i + 500);
    const supersedes = toSupersede.slice(i, i + 500);
    await db.$transaction([
      db.priceSuggestion.updateMany({ where: { projectId, id: { in: supersedes }, status: 'pending' }, data: { status: 'superseded', decidedBy: 'system', decidedAt: new Date() } }),
      db.priceSuggestion.createMany({ data: creates }),
    ]);
  }
  result.created = toCreate.length;
  result.superseded = toSupersede.length;

  if (autoApprove.length > 0) {
    const decided = await createChangesForSuggestions(projectId, autoApprove.map((a) => ({ id: a.suggestionId })), { actor: 'system', status: 'auto_approved' });
    result.autoApproved = decided.approved.length;
    result.changeIds = decided.approved.map((a) => a.changeId);
  }
  return result;
}

// ─── Dry run ──────────────────────────────────────────────────────────────────────────────────────

export interface DryRunRow {
  itemId: string;
  title: string;
  sku: string | null;
  status: PolicyOutcome['status'];
  reason: string | null;
  ruleId: string | null;
  ruleName: string | null;
  current: Money | null;
  suggested: Money | null;
  changePercent: string | null;
  autoApprove: boolean;
  summary: string;
}

export interface DryRunResult {
  counts: { evaluated: number; suggest: number; no_change: number; skipped: number; blocked: number; autoApprove: number };
  /** With a draft rule: how many items it would govern. */
  governedByDraft: number | null;
  rows: DryRunRow[];
  total: number;
  page: number;
  pageSize: number;
}

export interface DryRunOptions {
  /** A rule to try: replaces the stored rule with the same id, or is added as a new one. */
  rule?: RuleDraft & { id?: string };
  /** Only the items the draft rule would govern. */
  onlyDraft?: boolean;
  status?: PolicyOutcome['status'];
  page?: number;
  pageSize?: number;
}

/** What the rules (with a draft, if given) would do across the catalog. Nothing is written. */
export async function dryRun(projectId: string, options: DryRunOptions = {}): Promise<DryRunResult> {
  const [{ rules }, items] = await Promise.all([activeRules(projectId), loadPricedItems(projectId)]);
  let draft: CompiledRule | null = null;
  if (options.rule) {
    const id = typeof options.rule.id === 'string' && options.rule.id ? options.rule.id : 'draft';
    const { input, errors } = draftToInput(options.rule, id);
    try {
      draft = compileRule(input);
    } catch (error) {
      throw error instanceof ValidationError ? new ValidationError([...errors, ...error.errors]) : error;
    }
    if (errors.length > 0) throw new ValidationError(errors);
  }
  const all = draft ? [...rules.filter((r) => r.id !== draft.id), draft] : rules;
  const index = new RuleIndex(all);
  const counts = { evaluated: 0, suggest: 0, no_change: 0, skipped: 0, blocked: 0, autoApprove: 0 };
  let governed = 0;
  const rows: Array<{ item: PricedItem; outcome: PolicyOutcome; rule: CompiledRule | null }> = [];
  for (const item of items) {
    const rule = index.select(item.context);
    if (draft && rule === draft) governed++;
    if (options.onlyDraft && draft && rule !== draft) continue;
    const outcome = evaluateWithRule(rule, item.context);
    counts.evaluated++;
    counts[outcome.status]++;
    if (outcome.status === 'suggest' && outcome.autoApprove) counts.autoApprove++;
    if (!options.status || outcome.status === options.status) rows.push({ item, outcome, rule });
  }
  const pageSize = clampInt(options.pageSize, 1, 250, 50);
  const page = clampInt(options.page, 1, Number.MAX_SAFE_INTEGER, 1);
  const slice = rows.slice((page - 1) * pageSize, page * pageSize);
  return {
    counts,
    governedByDraft: draft ? governed : null,
    total: rows.length,
    page,
    pageSize,
    // Only the page shown is put into words.
    rows: slice.map(({ item, outcome, rule }) => ({
      itemId: item.id,
      title: item.title,
      sku: item.sku,
      status: outcome.status,
      reason: 'reason' in outcome ? outcome.reason : null,
      ruleId: rule?.id ?? null,
      ruleName: rule?.name ?? null,
      current: item.context.currentPrice,
      suggested: outcome.status === 'suggest' ? outcome.suggested : null,
      changePercent: outcome.status === 'suggest' ? outcome.changePercent : null,
      autoApprove: outcome.status === 'suggest' && outcome.autoApprove,
      summary: outcome.explanation.summary,
    })),
  };
}

// ─── The console's list ───────────────────────────────────────────────────────────────────────────

export const SUGGESTION_SORTS = ['created', 'title', 'change', 'current', 'suggested'] as const;
export type SuggestionSort = (typeof SUGGESTION_SORTS)[number];

export interface SuggestionView {
  id: string;
  itemId: string;
  productLinkId: string | null;
  listingId: string | null;
  title: string;
  sku: string | null;
  platforms: string[];
  ruleId: string | null;
  ruleName: string | null;
  status: string;
  current: Money;
  suggested: Money;
  approved: Money | null;
  changePercent: string;
  summary: string;
  explanation: unknown;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
  /** The price change an approval created, with its status. */
  change: { id: string; status: string } | null;
}

export interface ListSuggestionsOptions {
  status?: string;
  search?: string;
  sort?: SuggestionSort;
  direction?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export async function listSuggestions(projectId: string, options: ListSuggestionsOptions = {}): Promise<{ rows: SuggestionView[]; total: number; page: number; pageSize: number; counts: Record<string, number> }> {
  const status = options.status && options.status !== 'all' ? options.status : undefined;
  const [rows, grouped] = await Promise.all([
    db.priceSuggestion.findMany({
      where: { projectId, ...(status ? { status } : {}) },
      include: {
        productLink: { select: { sku: true, title: true, listings: { select: { platform: true } } } },
        listing: { select: { title: true, sku: true, platform: true } },
        rule: { select: { name: true } },
        priceChanges: { select: { id: true, status: true }, orderBy: { createdAt: 'desc' }, take: 1 },
      },
      orderBy: { createdAt: 'desc' },
      take: 20_000,
    }),
    db.priceSuggestion.groupBy({ by: ['status'], where: { projectId }, _count: { _all: true } }),
  ]);
  let views = rows.map((r): SuggestionView => {
    const explanation = r.explanation as { summary?: string } | null;
    const current = { amount: r.currentAmount, currency: r.currency };
    const suggested = { amount: r.suggestedAmount, currency: r.currency };
    return {
      id: r.id,
      itemId: r.productLinkId ?? r.listingId ?? r.id,
      productLinkId: r.productLinkId,
      listingId: r.listingId,
      title: r.productLink?.title ?? r.listing?.title ?? '(deleted product)',
      sku: r.productLink?.sku ?? r.listing?.sku ?? null,
      platforms: r.productLink ? [...new Set(r.productLink.listings.map((l) => l.platform))].sort() : r.listing ? [r.listing.platform] : [],
      ruleId: r.ruleId,
      ruleName: r.rule?.name ?? null,
      status: r.status,
      current,
      suggested,
      approved: r.approvedAmount ? { amount: r.approvedAmount, currency: r.currency } : null,
      changePercent: changePercent(current, r.approvedAmount ? { amount: r.approvedAmount, currency: r.currency } : suggested),
      summary: explanation?.summary ?? '',
      explanation: r.explanation,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      change: r.priceChanges[0] ?? null,
    };
  });
  const search = options.search?.trim().toLowerCase();
  if (search) {
    views = views.filter((v) => v.title.toLowerCase().includes(search) || (v.sku ?? '').toLowerCase().includes(search) || (v.ruleName ?? '').toLowerCase().includes(search));
  }
  const direction = options.direction === 'asc' ? 1 : -1;
  const sort = options.sort ?? 'created';
  views.sort((a, b) => direction * compareBy(sort, a, b) || a.id.localeCompare(b.id));
  const pageSize = clampInt(options.pageSize, 1, 250, 50);
  const page = clampInt(options.page, 1, Number.MAX_SAFE_INTEGER, 1);
  const counts: Record<string, number> = {};
  for (const g of grouped) counts[g.status] = g._count._all;
  return { rows: views.slice((page - 1) * pageSize, page * pageSize), total: views.length, page, pageSize, counts };
}

function compareBy(sort: SuggestionSort, a: SuggestionView, b: SuggestionView): number {
  switch (sort) {
    case 'title':
      return a.title.localeCompare(b.title);
    case 'change':
      return comparePercent(a.changePercent, b.changePercent);
    case 'current':
      return compareAmounts(a.current, b.current);
    case 'suggested':
      return compareAmounts(a.approved ?? a.suggested, b.approved ?? b.suggested);
    case 'created':
      return a.createdAt.localeCompare(b.createdAt);
  }
}

/** Amounts in different currencies sort by currency first: they can't be compared. */
function compareAmounts(a: Money, b: Money): number {
  if (a.currency !== b.currency) return a.currency.localeCompare(b.currency);
  return compareMoney(a, b);
}

function comparePercent(a: string, b: string): number {
  const x = BigInt(a.replace('.', ''));
  const y = BigInt(b.replace('.', ''));
  return x < y ? -1 : x > y ? 1 : 0;
}

function changePercent(from: Money, to: Money): string {
  const f = toMinorUnits(from);
  return f === 0n ? '0.00' : percentChangeMinor(f, toMinorUnits(to));
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isInteger(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}
