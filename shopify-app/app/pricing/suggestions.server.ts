// Suggestions: the policy engine's outcomes for a shop's items, stored to wait for the merchant (or
// approved at once when the rule's auto-approve threshold allows), listed for the console, and a dry run
// that shows what the rules would do without creating anything.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@calibr/db';
import { databaseProvider, providerOf, resolveDatabaseUrl, type DatabaseProvider } from '@calibr/db';
import { toMinorUnits, ValidationError, type FieldError, type Money } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { createChangesForSuggestions } from './changes.server';
import { findInSlices } from './chunks';
import { itemResolver, loadPricedItems, type PricedItem } from './items.server';
import { compileRule, evaluateWithRule, percentChangeMinor, RuleIndex, type ChannelPrice, type CompiledRule, type Explanation, type PolicyOutcome, type Trigger } from './policy';
import { activeRules, draftToInput, type RuleDraft } from './rules.server';
import { channelPricesFor, readChannelPrices } from './channels';
import { FlagWriter, guardWindowMinutes, prepareItems } from './loop-facts.server';

export interface GenerateOptions {
  /** Only these items (product link ids or listing ids); default the whole catalog. */
  ids?: readonly string[];
  /** "What moved", per item id (or product link or listing id); items without one get `fallbackTrigger`. */
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
  const { rules } = await activeRules(projectId);
  const items = await loadPricedItems(projectId, {
    ...(options.ids ? { ids: options.ids } : {}),
    triggerFor: (id) => options.triggers?.get(id),
    fallbackTrigger: options.fallbackTrigger ?? null,
    guardWindowMinutes: guardWindowMinutes(rules),
  });
  const index = new RuleIndex(rules);
  const ruleById = new Map(rules.map((r) => [r.id, r]));
  const decided = await prepareItems(projectId, items, index);
  const flags = new FlagWriter(projectId);

  const pendingQuery = (slice: string[] | null) =>
    db.priceSuggestion.findMany({
      where: { projectId, status: 'pending', ...(slice ? { OR: [{ productLinkId: { in: slice } }, { listingId: { in: slice } }] } : {}) },
      select: { id: true, productLinkId: true, listingId: true, suggestedAmount: true, currentAmount: true, currency: true, ruleId: true },
    });
  const itemKeys = options.ids ? [...new Set(items.flatMap((i) => [i.id, ...(i.productLinkId ? [i.productLinkId] : []), ...i.listings.map((l) => l.id)]))] : null;
  const pending = itemKeys ? await findInSlices(itemKeys, (slice) => pendingQuery(slice), 400) : await pendingQuery(null);
  // A suggestion waits for the item holding its listing (a product priced per marketplace has one per
  // marketplace), else for the item of its product or lone listing.
  const itemOf = itemResolver(items);
  const pendingByItem = new Map<string, typeof pending>();
  for (const s of pending) {
    const key = itemOf(s)?.id;
    if (key) pendingByItem.set(key, [...(pendingByItem.get(key) ?? []), s]);
  }

  // A product whose last approved price is still on its way keeps it: a new suggestion would be based on
  // the price that change is replacing.
  const open = await db.priceChange.findMany({ where: { projectId, status: { in: ['approved', 'pushing'] } }, select: { productLinkId: true, listingId: true } });
  const inFlight = new Set(open.flatMap((c) => [c.productLinkId, c.listingId]).filter((id): id is string => id !== null));

  const toCreate: Prisma.PriceSuggestionCreateManyInput[] = [];
  const toSupersede: string[] = [];
  const autoApprove: Array<{ suggestionId: string; amount: string }> = [];
  for (const item of items) {
    if (inFlight.has(item.id) || inFlight.has(item.reference.id) || item.listings.some((l) => inFlight.has(l.id))) {
      result.inFlight++;
      continue;
    }
    const plan = decided.get(item)!;
    if (!plan.context) {
      // The rule prices a channel this product isn't listed on: nothing to decide.
      result.evaluated++;
      result.skipped++;
      continue;
    }
    const outcome = evaluateWithRule(plan.rule, plan.context);
    result.evaluated++;
    flags.note(item, plan.context, outcome);
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
    const same = waiting.find(
      (w) => w.suggestedAmount === outcome.suggested.amount && w.currentAmount === outcome.current.amount && w.currency === outcome.current.currency && w.listingId === plan.listingId,
    );
    if (same && !outcome.autoApprove) {
      result.kept++;
      toSupersede.push(...waiting.filter((w) => w !== same).map((w) => w.id));
      continue;
    }
    toSupersede.push(...waiting.map((w) => w.id));
    const id = randomUUID();
    const channelPrices = channelPricesFor(plan.rule, outcome.suggested, item.listings);
    toCreate.push({
      id,
      projectId,
      productLinkId: item.productLinkId,
      listingId: plan.listingId,
      ...(channelPrices ? { channelPrices: channelPrices as unknown as Prisma.InputJsonValue } : {}),
      ruleId: ruleById.has(outcome.ruleId) ? outcome.ruleId : null,
      currency: outcome.current.currency,
      currentAmount: outcome.current.amount,
      suggestedAmount: outcome.suggested.amount,
      // The explanation names each channel's price too (the loop decides them after the engine).
      explanation: (channelPrices ? { ...outcome.explanation, channels: channelPrices } : outcome.explanation) as unknown as Prisma.InputJsonValue,
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
  await flags.write();

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
  /** ISO 8601: when the competition the decision read was read (null: never read). */
  readAt: string | null;
  /** Who the rule followed and who it ignored, and why; the fee figures; each channel's price (when the rule reads them). */
  competitors: Explanation['competitors'] | null;
  fees: Explanation['fees'] | null;
  channels: Explanation['channels'] | null;
  /** Each channel's own price when the rule prices channels differently (null: one price for every listing). */
  channelPrices: ChannelPrice[] | null;
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
  const { rules } = await activeRules(projectId);
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
  const items = await loadPricedItems(projectId, { guardWindowMinutes: guardWindowMinutes(all) });
  const decided = await prepareItems(projectId, items, index);
  const counts = { evaluated: 0, suggest: 0, no_change: 0, skipped: 0, blocked: 0, autoApprove: 0 };
  let governed = 0;
  const rows: Array<{ item: PricedItem; outcome: PolicyOutcome; rule: CompiledRule | null }> = [];
  for (const item of items) {
    const { rule, context } = decided.get(item)!;
    if (draft && rule === draft) governed++;
    if (options.onlyDraft && draft && rule !== draft) continue;
    const outcome = evaluateWithRule(rule, context ?? item.context);
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
      current: decided.get(item)!.context?.currentPrice ?? item.context.currentPrice,
      suggested: outcome.status === 'suggest' ? outcome.suggested : null,
      changePercent: outcome.status === 'suggest' ? outcome.changePercent : null,
      autoApprove: outcome.status === 'suggest' && outcome.autoApprove,
      summary: outcome.explanation.summary,
      readAt: outcome.explanation.inputs.readAt ?? null,
      competitors: outcome.explanation.competitors ?? null,
      fees: outcome.explanation.fees ?? null,
      ...channelsOf(rule, outcome, item),
    })),
  };
}

/** A dry run's channel prices: the row's own, and the explanation's (the loop decides them, not the engine). */
function channelsOf(rule: CompiledRule | null, outcome: PolicyOutcome, item: PricedItem): { channelPrices: ChannelPrice[] | null; channels: Explanation['channels'] | null } {
  const channelPrices = outcome.status === 'suggest' ? channelPricesFor(rule, outcome.suggested, item.listings) : null;
  return { channelPrices, channels: channelPrices ?? outcome.explanation.channels ?? null };
}

// ─── The console's list ───────────────────────────────────────────────────────────────────────────
//
// Filtering, search and paging happen in the database, so a shop with tens of thousands of
// suggestions only ever reads one page of full rows. "Newest/oldest first" is an ORDER BY with
// OFFSET/LIMIT. The other sorts compare prices, which are stored as decimal strings (never floats, so
// SQL can't order them numerically): for those the matching rows are read in a narrow projection (id,
// amounts, title), ordered exactly in minor units, and only the page's full rows are loaded.

export const SUGGESTION_SORTS = ['created', 'title', 'change', 'current', 'suggested'] as const;
export type SuggestionSort = (typeof SUGGESTION_SORTS)[number];
export const SUGGESTION_STATUSES = ['pending', 'approved', 'auto_approved', 'rejected', 'superseded'] as const;

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
  /** ISO 8601: when the competition the suggestion followed was read (null: not recorded, or never read). */
  readAt: string | null;
  explanation: unknown;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
  /** The price change an approval created, with its status. */
  change: { id: string; status: string } | null;
  /** Each channel's own price when the rule prices channels differently (null: one price for every listing). */
  channelPrices: ChannelPrice[] | null;
}

export interface ListSuggestionsOptions {
  /** One of SUGGESTION_STATUSES, or "all". */
  status?: string;
  /** Product title, SKU (of the product or its listing) or rule name; case-insensitive. */
  search?: string;
  /** Only products listed on this platform. */
  platform?: string;
  /** Only suggestions of this rule; "none" for those without a stored rule. */
  ruleId?: string;
  sort?: SuggestionSort;
  direction?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export interface SuggestionList {
  rows: SuggestionView[];
  total: number;
  page: number;
  pageSize: number;
  /** Per status, with the other filters (platform, rule, search) applied: the tabs' badges. */
  counts: Record<string, number>;
}

/** The WHERE of the console's list, every filter in SQL. */
export function suggestionWhere(projectId: string, options: ListSuggestionsOptions, withStatus = true): Prisma.PriceSuggestionWhereInput {
  const and: Prisma.PriceSuggestionWhereInput[] = [];
  const status = options.status && options.status !== 'all' ? options.status : undefined;
  if (withStatus && status) and.push({ status });
  if (options.platform) {
    // A linked product counts when any of its listings is on the platform; a lone listing by its own.
    and.push({ OR: [{ productLink: { listings: { some: { platform: options.platform } } } }, { productLinkId: null, listing: { platform: options.platform } }] });
  }
  if (options.ruleId) and.push({ ruleId: options.ruleId === 'none' ? null : options.ruleId });
  const search = options.search?.trim();
  if (search) {
    // SQLite's LIKE ignores ASCII case already; PostgreSQL needs ILIKE (`mode: insensitive`).
    const contains = (provider() === 'postgresql' ? { contains: search, mode: 'insensitive' } : { contains: search }) as Prisma.StringFilter;
    and.push({
      OR: [
        { productLink: { title: contains } },
        { productLink: { sku: contains } },
        { listing: { title: contains } },
        { listing: { sku: contains } },
        { rule: { name: contains } },
      ],
    });
  }
  return { projectId, ...(and.length > 0 ? { AND: and } : {}) };
}

/**
 * The app client's database. Under Vite the client outlives module reloads (it is kept on globalThis)
 * while @calibr/db's record of which client is which does not; then the URL it was opened on says it.
 */
function provider(): DatabaseProvider {
  try {
    return providerOf(db);
  } catch {
    return databaseProvider(resolveDatabaseUrl());
  }
}

const VIEW_INCLUDE = {
  productLink: { select: { sku: true, title: true, listings: { select: { platform: true } } } },
  listing: { select: { title: true, sku: true, platform: true } },
  rule: { select: { name: true } },
  priceChanges: { select: { id: true, status: true }, orderBy: { createdAt: 'desc' }, take: 1 },
} satisfies Prisma.PriceSuggestionInclude;

export async function listSuggestions(projectId: string, options: ListSuggestionsOptions = {}): Promise<SuggestionList> {
  const pageSize = clampInt(options.pageSize, 1, 250, 50);
  const page = clampInt(options.page, 1, 1_000_000, 1);
  const direction = options.direction === 'asc' ? 'asc' : 'desc';
  const sort = options.sort ?? 'created';
  const where = suggestionWhere(projectId, options);

  const grouped = db.priceSuggestion.groupBy({ by: ['status'], where: suggestionWhere(projectId, options, false), _count: { _all: true } });
  let rows: Array<Prisma.PriceSuggestionGetPayload<{ include: typeof VIEW_INCLUDE }>>;
  let total: number;
  if (sort === 'created') {
    [rows, total] = await Promise.all([
      db.priceSuggestion.findMany({ where, include: VIEW_INCLUDE, orderBy: [{ createdAt: direction }, { id: direction }], skip: (page - 1) * pageSize, take: pageSize }),
      db.priceSuggestion.count({ where }),
    ]);
  } else {
    const keys = await db.priceSuggestion.findMany({
      where,
      select: { id: true, currency: true, currentAmount: true, suggestedAmount: true, approvedAmount: true, productLink: { select: { title: true } }, listing: { select: { title: true } } },
    });
    total = keys.length;
    const sign = direction === 'asc' ? 1 : -1;
    const sortKey = keyOf(sort);
    const keyed = keys.map((k) => ({ id: k.id, key: sortKey(k) }));
    keyed.sort((a, b) => sign * compareKeys(a.key, b.key) || a.id.localeCompare(b.id));
    const ids = keyed.slice((page - 1) * pageSize, page * pageSize).map((k) => k.id);
    const found = await db.priceSuggestion.findMany({ where: { projectId, id: { in: ids } }, include: VIEW_INCLUDE });
    const byId = new Map(found.map((r) => [r.id, r]));
    rows = ids.map((id) => byId.get(id)).filter((r): r is NonNullable<typeof r> => r !== undefined);
  }
  const counts: Record<string, number> = {};
  for (const g of await grouped) counts[g.status] = g._count._all;
  return { rows: rows.map(suggestionView), total, page, pageSize, counts };
}

/** The list's query string, checked: an unknown status, sort or direction is a 400 naming the field. */
export function listOptionsFrom(q: URLSearchParams): ListSuggestionsOptions {
  const errors: FieldError[] = [];
  const oneOf = (field: string, allowed: readonly string[]): string | undefined => {
    const value = q.get(field);
    if (value === null || value === '') return undefined;
    if (!allowed.includes(value)) errors.push({ path: field, message: `${field} must be one of ${allowed.join(', ')}`, code: 'invalid_enum' });
    return value;
  };
  const count = (field: string, max: number): number | undefined => {
    const value = q.get(field);
    if (value === null || value === '') return undefined;
    if (!/^[0-9]{1,7}$/.test(value) || Number(value) < 1 || Number(value) > max) errors.push({ path: field, message: `${field} must be a whole number from 1 to ${max}`, code: 'invalid_number' });
    return Number(value);
  };
  const text = (field: string): string | undefined => {
    const value = q.get(field)?.trim();
    if (!value) return undefined;
    if (value.length > 200) errors.push({ path: field, message: `${field} is at most 200 characters`, code: 'too_long' });
    return value;
  };
  const options: ListSuggestionsOptions = {
    status: oneOf('status', [...SUGGESTION_STATUSES, 'all']) ?? 'pending',
    sort: oneOf('sort', SUGGESTION_SORTS) as SuggestionSort | undefined,
    direction: (oneOf('direction', ['asc', 'desc']) as 'asc' | 'desc' | undefined) ?? 'desc',
    search: text('q'),
    platform: text('platform'),
    ruleId: text('rule'),
    page: count('page', 1_000_000),
    pageSize: count('pageSize', 250),
  };
  if (errors.length > 0) throw new ValidationError(errors);
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ListSuggestionsOptions;
}

function suggestionView(r: Prisma.PriceSuggestionGetPayload<{ include: typeof VIEW_INCLUDE }>): SuggestionView {
  const explanation = r.explanation as { summary?: string; inputs?: { readAt?: string | null } } | null;
  const current = { amount: r.currentAmount, currency: r.currency };
  const suggested = { amount: r.suggestedAmount, currency: r.currency };
  const approved = r.approvedAmount ? { amount: r.approvedAmount, currency: r.currency } : null;
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
    approved,
    changePercent: changePercent(current, approved ?? suggested),
    summary: explanation?.summary ?? '',
    readAt: explanation?.inputs?.readAt ?? null,
    explanation: r.explanation,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    change: r.priceChanges[0] ?? null,
    channelPrices: readChannelPrices(r.channelPrices),
  };
}

/** `change` compares (to − from) / from exactly, as the fraction `num / den` (den > 0), not a rounded percent. */
type SortKey = { text: string } | { currency: string; minor: bigint } | { num: bigint; den: bigint };
type KeyRow = { currency: string; currentAmount: string; suggestedAmount: string; approvedAmount: string | null; productLink: { title: string | null } | null; listing: { title: string } | null };

function keyOf(sort: Exclude<SuggestionSort, 'created'>): (row: KeyRow) => SortKey {
  switch (sort) {
    case 'title':
      return (r) => ({ text: (r.productLink?.title ?? r.listing?.title ?? '').toLocaleLowerCase() });
    case 'current':
      return (r) => ({ currency: r.currency, minor: toMinorUnits({ amount: r.currentAmount, currency: r.currency }) });
    case 'suggested':
      return (r) => ({ currency: r.currency, minor: toMinorUnits({ amount: r.approvedAmount ?? r.suggestedAmount, currency: r.currency }) });
    case 'change':
      return (r) => {
        const from = toMinorUnits({ amount: r.currentAmount, currency: r.currency });
        const to = toMinorUnits({ amount: r.approvedAmount ?? r.suggestedAmount, currency: r.currency });
        return from > 0n ? { num: to - from, den: from } : { num: 0n, den: 1n };
      };
  }
}

/** Amounts in different currencies sort by currency first: they can't be compared. */
function compareKeys(a: SortKey, b: SortKey): number {
  if ('text' in a && 'text' in b) return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  if ('minor' in a && 'minor' in b) {
    if (a.currency !== b.currency) return a.currency < b.currency ? -1 : 1;
    return a.minor < b.minor ? -1 : a.minor > b.minor ? 1 : 0;
  }
  if ('num' in a && 'num' in b) {
    const x = a.num * b.den;
    const y = b.num * a.den;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
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

/** What the console's filters offer: the shop's rules and the platforms it has listings on. */
export async function suggestionFacets(projectId: string): Promise<{ rules: Array<{ id: string; name: string }>; platforms: string[] }> {
  const [rules, platforms] = await Promise.all([
    db.pricingRule.findMany({ where: { projectId }, select: { id: true, name: true }, orderBy: { name: 'asc' } }),
    db.listing.findMany({ where: { projectId }, select: { platform: true }, distinct: ['platform'], orderBy: { platform: 'asc' } }),
  ]);
  return { rules, platforms: platforms.map((p) => p.platform) };
}

/** The most suggestions one "select all" decides at once. */
export const MAX_BULK_DECISIONS = 10_000;

/**
 * The pending suggestions under the console's filters (search, platform, rule), for "select all N"
 * across pages: the ids come from the same WHERE as the list, never from the page the browser holds.
 */
export async function pendingIdsMatching(projectId: string, options: Pick<ListSuggestionsOptions, 'search' | 'platform' | 'ruleId'>): Promise<string[]> {
  const rows = await db.priceSuggestion.findMany({
    where: suggestionWhere(projectId, { ...options, status: 'pending' }),
    select: { id: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: MAX_BULK_DECISIONS + 1,
  });
  if (rows.length > MAX_BULK_DECISIONS) {
    throw ValidationError.field('matching', `more than ${MAX_BULK_DECISIONS.toLocaleString('en')} suggestions match: narrow the filters first`, 'too_many');
  }
  return rows.map((r) => r.id);
}

/** `{q?, platform?, rule?}` of a bulk decision, checked like the list's query string. */
export function matchingFrom(value: unknown): Pick<ListSuggestionsOptions, 'search' | 'platform' | 'ruleId'> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw ValidationError.field('matching', 'matching must be an object: {q?, platform?, rule?}', 'invalid_type');
  const query = new URLSearchParams();
  for (const [key, v] of Object.entries(value)) {
    if (!['q', 'platform', 'rule'].includes(key)) throw ValidationError.field(`matching.${key}`, 'matching takes q, platform and rule', 'unknown_field');
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw ValidationError.field(`matching.${key}`, `matching.${key} must be a string`, 'invalid_type');
    query.set(key, v);
  }
  const { search, platform, ruleId } = listOptionsFrom(query);
  return { ...(search ? { search } : {}), ...(platform ? { platform } : {}), ...(ruleId ? { ruleId } : {}) };
}
