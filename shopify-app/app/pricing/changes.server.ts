// Price changes: what an approval creates (one PriceChange, one attempt per linked listing), the
// merchant's retry of what failed, and the rollback to the price a change replaced. The push worker
// (push/) sends them; nothing here talks to a platform.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@calibr/db';
import { ConflictError, NotFoundError, tryParseMoney, ValidationError, type FieldError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { QUEUES } from '../jobs.server';
import { audit } from './audit.server';
import { findInSlices, slices } from './chunks';
import { itemResolver, loadPricedItems, type PricedItem } from './items.server';
import { amountProblem } from './money-text';
import { largeChange, largeChangeBound, LargeChangeError, type LargeChange } from './large-change';
import { checkManualPrice, RuleIndex, type ChannelPrice } from './policy';
import { kickPushWorker } from './push/kick';
import { activeRules } from './rules.server';
import { readChannelPrices, withEditedAmount } from './channels';
import { prepareItems, type ItemPlan } from './loop-facts.server';
import { startOfShopDay } from '../lib/shop-day';
import { actorLabels } from './staff-names.server';

export interface Decision {
  /** The suggestion's id. */
  id: string;
  /** A price the merchant edited before approving (a decimal string in the suggestion's currency). */
  amount?: string;
}

export interface DecideResult {
  approved: Array<{ suggestionId: string; changeId: string }>;
  rejected: string[];
  /** Not decided, with the reason (already decided, bad edited price, guardrail broken…). */
  refused: Array<{ suggestionId: string; code: string; message: string; errors?: FieldError[] }>;
}

/** The platform update's idempotency key for one listing of a change (retries add a suffix). */
export function attemptKey(changeKey: string, listingId: string, retry = 0): string {
  return retry > 0 ? `${changeKey}:${listingId}:retry-${retry}` : `${changeKey}:${listingId}`;
}

const CHUNK = 200;

/**
 * Approve suggestions (the merchant's, or auto-approval's with actor "system"): each becomes one
 * PriceChange with an attempt per linked listing. A suggestion someone else decided meanwhile is refused,
 * never approved twice (the status flip is conditional, and the change's idempotency key is unique).
 * An edited price that moves more than its bound (large-change.ts) throws LargeChangeError before
 * anything is written, unless `confirmLargeChange` says the merchant confirmed it.
 */
export async function createChangesForSuggestions(
  projectId: string,
  decisions: readonly Decision[],
  options: { actor: string; status?: 'approved' | 'auto_approved'; confirmLargeChange?: boolean },
): Promise<DecideResult> {
  const result: DecideResult = { approved: [], rejected: [], refused: [] };
  const status = options.status ?? 'approved';
  const unique = [...new Map(decisions.map((d) => [d.id, d])).values()];
  const suggestions = await findInSlices(unique.map((d) => d.id), (ids) => db.priceSuggestion.findMany({ where: { projectId, id: { in: ids } } }));
  const byId = new Map(suggestions.map((s) => [s.id, s]));
  const itemIds = [...new Set(suggestions.flatMap((s) => [s.listingId, s.productLinkId]).filter((id): id is string => !!id))];
  const [items, { rules }] = await Promise.all([loadPricedItems(projectId, { ids: itemIds }), activeRules(projectId)]);
  const itemOf = itemResolver(items);
  const index = new RuleIndex(rules);
  // An edited price is checked against the facts its rule decides on: the Shopify listing's own price
  // for a Shopify-only rule, and the platform's fees for a fee-aware floor (read only for edited items).
  const editedItems = [...new Set(unique.filter((d) => d.amount !== undefined).map((d) => byId.get(d.id)).map((s) => (s ? itemOf(s) : undefined)).filter((i): i is PricedItem => !!i))];
  const plans = editedItems.length > 0 ? await prepareItems(projectId, editedItems, index) : new Map<PricedItem, ItemPlan>();

  type Ready = { suggestion: (typeof suggestions)[number]; item: PricedItem; amount: string; edited: boolean; prices: ChannelPrice[] | null };
  const ready: Ready[] = [];
  const large: Array<LargeChange & { path: string }> = [];
  for (const decision of unique) {
    const suggestion = byId.get(decision.id);
    if (!suggestion) {
      result.refused.push({ suggestionId: decision.id, code: 'not_found', message: 'No such suggestion in this shop' });
      continue;
    }
    if (suggestion.status !== 'pending') {
      result.refused.push({ suggestionId: decision.id, code: 'already_decided', message: `This suggestion is already ${suggestion.status}` });
      continue;
    }
    const item = itemOf(suggestion);
    if (!item || item.listings.length === 0) {
      result.refused.push({ suggestionId: decision.id, code: 'no_listings', message: 'The product has no listing left to price' });
      continue;
    }
    // A suggestion for a marketplace no longer priced (retired) never lands on another market's listings.
    if (item.reference.currency !== suggestion.currency) {
      result.refused.push({ suggestionId: decision.id, code: 'no_listings', message: `The product has no listing priced in ${suggestion.currency} left to price` });
      continue;
    }
    let amount = suggestion.suggestedAmount;
    const edited = decision.amount !== undefined && decision.amount !== suggestion.suggestedAmount;
    if (decision.amount !== undefined) {
      // Named `amount`, as the guardrail refusals are: the edited field of this decision (not `amount.amount`).
      const parsed = tryParseMoney(decision.amount, suggestion.currency);
      if (!parsed.ok) {
        // In the merchant's words: the message shows under the edited price's field.
        const errors = parsed.errors.map((e) => ({ ...e, message: amountProblem('The price', e, suggestion.currency) }));
        result.refused.push({ suggestionId: decision.id, code: 'validation', message: errors.map((e) => e.message).join('; '), errors });
        continue;
      }
      // An edited price still keeps the guardrails (all but the step: the merchant chose the move).
      const rule = index.select(item.context);
      const facts = plans.get(item)?.context ?? item.context;
      const check = checkManualPrice(rule, facts, parsed.money);
      if (!check.ok) {
        result.refused.push({ suggestionId: decision.id, code: 'guardrail', message: check.problems.join('; '), errors: check.problems.map((m) => ({ path: 'amount', message: m, code: 'guardrail' })) });
        continue;
      }
      amount = parsed.money.amount;
      // …and a move past the step limit (or 20 %) only when the merchant confirmed it: a typo can't go live.
      const current = facts.currentPrice?.currency === parsed.money.currency ? facts.currentPrice : { amount: suggestion.currentAmount, currency: suggestion.currency };
      const far = edited && !options.confirmLargeChange ? largeChange(current, parsed.money, largeChangeBound(rule), { suggestionId: suggestion.id, title: item.title, sku: item.sku }) : null;
      if (far) large.push({ ...far, path: `items[${decisions.lastIndexOf(decision)}].amount` });
    }
    // Each channel its own price: the stored ones, with an edited amount for the rule's channels (offsets follow it).
    const stored = readChannelPrices(suggestion.channelPrices);
    const prices = stored && edited ? withEditedAmount(stored, index.select(item.context), { amount, currency: suggestion.currency }, item.listings) : stored;
    ready.push({ suggestion, item, amount, edited, prices });
  }
  if (large.length > 0) throw new LargeChangeError(large);

  const now = new Date();
  for (let i = 0; i < ready.length; i += CHUNK) {
    const chunk = ready.slice(i, i + CHUNK);
    const approved = await db.$transaction(async (tx) => {
      const done: Array<Ready & { changeId: string }> = [];
      for (const entry of chunk) {
        const { count } = await tx.priceSuggestion.updateMany({
          where: { id: entry.suggestion.id, projectId, status: 'pending' },
          data: { status, decidedBy: options.actor, decidedAt: now, ...(entry.edited ? { approvedAmount: entry.amount } : {}) },
        });
        if (count === 1) done.push({ ...entry, changeId: randomUUID() });
      }
      if (done.length === 0) return done;
      await tx.priceChange.createMany({
        data: done.map((d) => ({
          id: d.changeId,
          projectId,
          idempotencyKey: `suggestion:${d.suggestion.id}`,
          suggestionId: d.suggestion.id,
          productLinkId: d.item.productLinkId,
          listingId: decidedListing(d.item, d.suggestion.listingId).id,
          currency: d.suggestion.currency,
          fromAmount: decidedListing(d.item, d.suggestion.listingId).priceAmount || d.suggestion.currentAmount,
          toAmount: d.amount,
          source: 'suggestion',
          status: 'approved',
          approvedBy: options.actor,
          approvedAt: now,
        })),
      });
      await tx.priceChangeAttempt.createMany({ data: done.flatMap((d) => attemptsFor(projectId, d.changeId, `suggestion:${d.suggestion.id}`, d.item, d.amount, d.prices)) });
      await tx.auditLog.createMany({
        data: done.map((d) => ({
          projectId,
          actor: options.actor,
          actorType: options.actor === 'system' ? 'system' : 'user',
          action: status === 'auto_approved' ? 'price_suggestion.auto_approved' : 'price_suggestion.approved',
          entityType: 'PriceSuggestion',
          entityId: d.suggestion.id,
          data: {
            changeId: d.changeId,
            title: d.item.title,
            sku: d.item.sku,
            currency: d.suggestion.currency,
            from: decidedListing(d.item, d.suggestion.listingId).priceAmount || d.suggestion.currentAmount,
            to: d.amount,
            suggested: d.suggestion.suggestedAmount,
            edited: d.edited,
            platforms: [...new Set(d.item.listings.filter((l) => !d.prices || d.prices.some((p) => p.listingId === l.id && p.amount !== null)).map((l) => l.platform))],
            ...(d.prices ? { channels: d.prices.map((p) => ({ platform: p.platform, listingId: p.listingId, amount: p.amount })) } : {}),
          },
        })),
      });
      return done;
    }, { timeout: 120_000, maxWait: 60_000 });
    for (const entry of chunk) {
      const hit = approved.find((a) => a.suggestion.id === entry.suggestion.id);
      if (hit) result.approved.push({ suggestionId: hit.suggestion.id, changeId: hit.changeId });
      else result.refused.push({ suggestionId: entry.suggestion.id, code: 'already_decided', message: 'Someone decided this suggestion at the same time' });
    }
  }
  if (result.approved.length > 0) kickPushWorker();
  return result;
}

/** The listing whose price a suggestion decided (a Shopify-only rule's is the Shopify listing), else the item's reference. */
function decidedListing(item: PricedItem, listingId: string | null): PricedItem['reference'] {
  return item.listings.find((l) => l.id === listingId) ?? item.reference;
}

/**
 * One attempt per listing the change prices, each with its own amount: the one price for every listing,
 * or each channel's stored price (a channel that keeps its price gets no attempt).
 */
function attemptsFor(projectId: string, changeId: string, changeKey: string, item: PricedItem, amount: string, prices: ChannelPrice[] | null): Prisma.PriceChangeAttemptCreateManyInput[] {
  const priceOf = new Map(prices?.map((p) => [p.listingId, p.amount]) ?? []);
  // With channel prices, a listing linked after the suggestion was made is left alone until the next suggestion.
  const targets = item.listings
    .map((listing) => ({ listing, amount: prices ? (priceOf.get(listing.id) ?? null) : amount }))
    .filter((t): t is { listing: PricedItem['reference']; amount: string } => t.amount !== null);
  return targets.map(({ listing, amount }) => ({
    id: randomUUID(),
    projectId,
    priceChangeId: changeId,
    listingId: listing.id,
    platform: listing.platform,
    currency: listing.currency,
    amount,
    previousAmount: listing.priceAmount || null,
    idempotencyKey: attemptKey(changeKey, listing.id),
    status: 'queued',
  }));
}

/**
 * Reject suggestions a slice of ids at a time, each slice in one transaction of three statements
 * however many ids it holds: read the ids, flip the pending ones, write their audit rows. Each id still
 * gets its own outcome: rejected, already decided (by whom meanwhile, too), or not found in this shop.
 */
export async function rejectSuggestions(projectId: string, ids: readonly string[], actor: string): Promise<DecideResult> {
  const result: DecideResult = { approved: [], rejected: [], refused: [] };
  const now = new Date();
  for (const slice of slices([...new Set(ids)])) {
    const { statusById, rejected } = await db.$transaction(
      async (tx) => {
        const found = await tx.priceSuggestion.findMany({ where: { projectId, id: { in: slice } }, select: { id: true, status: true } });
        const statusById = new Map(found.map((s) => [s.id, s.status]));
        let rejected = found.filter((s) => s.status === 'pending').map((s) => s.id);
        if (rejected.length === 0) return { statusById, rejected };
        const { count } = await tx.priceSuggestion.updateMany({ where: { projectId, id: { in: rejected }, status: 'pending' }, data: { status: 'rejected', decidedBy: actor, decidedAt: now } });
        if (count < rejected.length) {
          // Someone decided some of them between the read and the update: the rows say which flip was ours.
          const after = await tx.priceSuggestion.findMany({ where: { projectId, id: { in: rejected } }, select: { id: true, status: true, decidedBy: true, decidedAt: true } });
          for (const s of after) statusById.set(s.id, s.status);
          rejected = after.filter((s) => s.status === 'rejected' && s.decidedBy === actor && s.decidedAt?.getTime() === now.getTime()).map((s) => s.id);
        }
        await tx.auditLog.createMany({
          data: rejected.map((id) => ({ projectId, actor, actorType: actor === 'system' ? 'system' : 'user', action: 'price_suggestion.rejected', entityType: 'PriceSuggestion', entityId: id })),
        });
        return { statusById, rejected };
      },
      { timeout: 120_000, maxWait: 60_000 },
    );
    const ours = new Set(rejected);
    for (const id of slice) {
      const status = statusById.get(id);
      if (ours.has(id)) result.rejected.push(id);
      else if (status === undefined) result.refused.push({ suggestionId: id, code: 'not_found', message: 'No such suggestion in this shop' });
      else result.refused.push({ suggestionId: id, code: 'already_decided', message: `This suggestion is already ${status}` });
    }
  }
  return result;
}

// ─── Retry and rollback ───────────────────────────────────────────────────────────────────────────

/** Send a change's failed attempts again, each under a fresh key (the platform remembers the old failure). */
export async function retryChange(projectId: string, changeId: string, actor: string): Promise<{ retried: number }> {
  const change = await db.priceChange.findFirst({ where: { id: changeId, projectId }, include: { attempts: true } });
  if (!change) throw new NotFoundError('No such price change', { resource: 'price_change', resourceId: changeId });
  if (!['failed', 'partially_applied'].includes(change.status)) {
    throw new ConflictError(`Only a failed or partially applied change can be retried; this one is ${change.status}`);
  }
  const failed = change.attempts.filter((a) => a.status === 'failed');
  await db.$transaction(async (tx) => {
    for (const attempt of failed) {
      const retry = retryNumber(attempt.idempotencyKey) + 1;
      await tx.priceChangeAttempt.update({
        where: { id: attempt.id },
        data: { status: 'queued', attemptCount: 0, idempotencyKey: attemptKey(change.idempotencyKey, attempt.listingId, retry), platformReference: null },
      });
    }
    // Back in the queue: the push worker queues its job again (push-jobs.server.ts), which one worker claims.
    const { count } = await tx.priceChange.updateMany({ where: { id: changeId, status: change.status }, data: { status: 'approved', completedAt: null } });
    if (count !== 1) throw new ConflictError('The change was updated at the same time; reload and try again');
  }, { timeout: 60_000, maxWait: 30_000 });
  await audit(projectId, actor, 'price_change.retried', { entityType: 'PriceChange', entityId: changeId, data: { attempts: failed.map((a) => a.platform) } });
  kickPushWorker();
  return { retried: failed.length };
}

/** The key for sending an attempt again after the platform answered its current key with a retryable failure. */
export function nextAttemptKey(key: string | null): string | undefined {
  if (!key) return undefined;
  const match = /^(.*):retry-(\d+)$/.exec(key);
  return match ? `${match[1]}:retry-${Number(match[2]) + 1}` : `${key}:retry-1`;
}

function retryNumber(key: string | null): number {
  const match = key ? /:retry-(\d+)$/.exec(key) : null;
  return match ? Number(match[1]) : 0;
}

/**
 * Put back the prices a change replaced, on every platform where it was applied: a new change
 * (source "rollback") that goes through the same push. One rollback per change.
 */
export async function rollbackChange(projectId: string, changeId: string, actor: string): Promise<{ changeId: string; created: boolean }> {
  const change = await db.priceChange.findFirst({ where: { id: changeId, projectId }, include: { attempts: true } });
  if (!change) throw new NotFoundError('No such price change', { resource: 'price_change', resourceId: changeId });
  if (!['applied', 'partially_applied'].includes(change.status)) {
    throw new ConflictError(`Only an applied change can be rolled back; this one is ${change.status}`);
  }
  const key = `rollback:${change.id}`;
  const existing = await db.priceChange.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
  if (existing) return { changeId: existing.id, created: false };
  const applied = change.attempts.filter((a) => a.status === 'applied' && a.previousAmount);
  if (applied.length === 0) throw ValidationError.field('changeId', 'nothing to roll back: no platform applied this change with a known previous price');
  const id = randomUUID();
  await db.$transaction([
    db.priceChange.create({
      data: {
        id,
        projectId,
        idempotencyKey: key,
        productLinkId: change.productLinkId,
        listingId: change.listingId,
        currency: change.currency,
        fromAmount: change.toAmount,
        toAmount: applied.find((a) => a.listingId === change.listingId)?.previousAmount ?? applied[0]!.previousAmount!,
        source: 'rollback',
        status: 'approved',
        approvedBy: actor,
        rollbackOfId: change.id,
      },
    }),
    db.priceChangeAttempt.createMany({
      data: applied.map((a) => ({
        id: randomUUID(),
        projectId,
        priceChangeId: id,
        listingId: a.listingId,
        platform: a.platform,
        currency: a.currency,
        // Each platform gets back its own previous price (they may have differed).
        amount: a.previousAmount!,
        previousAmount: a.amount,
        idempotencyKey: attemptKey(key, a.listingId),
        status: 'queued',
      })),
    }),
  ]);
  await audit(projectId, actor, 'price_change.rollback_requested', { entityType: 'PriceChange', entityId: change.id, data: { rollbackChangeId: id } });
  kickPushWorker();
  return { changeId: id, created: true };
}

// ─── Reading ──────────────────────────────────────────────────────────────────────────────────────

export interface ChangeView {
  id: string;
  productLinkId: string | null;
  title: string;
  sku: string | null;
  source: string;
  status: string;
  currency: string;
  from: string;
  to: string;
  approvedBy: string | null;
  /** Who approved it, as the merchant reads it: the staff member's name ("Staff member" when unknown). */
  approvedByName: string | null;
  approvedAt: string;
  completedAt: string | null;
  rollbackOfId: string | null;
  rolledBackBy: string | null;
  attempts: Array<{
    id: string;
    platform: string;
    listingId: string;
    externalId: string;
    amount: string;
    previousAmount: string | null;
    status: string;
    /** While pending, how far the platform got (`submitted`, `accepted`), when it says. */
    stage: string | null;
    /**
     * What the merchant should read: `applied` (live), `failed` (for good, with the platform's message),
     * `pending` (sent; the platform is still working on it, e.g. an Amazon feed), `accepted` (the platform
     * accepted it and the price is waiting to go live; it can still fail), `retrying` (the last
     * send hit an outage or a rate limit: it goes again by itself at `nextAttemptAt`), `queued` (not sent yet).
     */
    outcome: AttemptOutcome;
    /** When a `retrying` attempt goes again (null otherwise). */
    nextAttemptAt: string | null;
    platformReference: string | null;
    platformCode: string | null;
    platformMessage: string | null;
    attemptCount: number;
    appliedAt: string | null;
  }>;
}

export type AttemptOutcome = 'queued' | 'pending' | 'accepted' | 'retrying' | 'applied' | 'failed';

/** An attempt's outcome for the console (see ChangeView). */
export function attemptOutcome(attempt: { status: string; attemptCount: number; platformMessage: string | null; stage?: string | null }): AttemptOutcome {
  // Accepted by the platform, not live yet (Amazon shows the price later, or raises an issue instead).
  if (attempt.status === 'pending' && attempt.stage === 'accepted') return 'accepted';
  if (attempt.status === 'applied' || attempt.status === 'failed' || attempt.status === 'pending') return attempt.status;
  // Queued again after a send that hit an outage or a rate limit (the worker kept the platform's message).
  return attempt.attemptCount > 0 && attempt.platformMessage ? 'retrying' : 'queued';
}

export const CHANGE_STATUSES = ['approved', 'pushing', 'applied', 'partially_applied', 'failed', 'cancelled', 'rolled_back'] as const;
export const CHANGE_DAYS = ['today'] as const;

export interface ChangeFilters {
  /** A change's status (`all`: any). */
  status?: string;
  /** Changes settled (completedAt) since the start of the shop's day. */
  day?: (typeof CHANGE_DAYS)[number];
  /** Changes with an attempt that failed on this platform (Amazon's feed errors: `amazon`). */
  failedOn?: string;
}

const PLATFORM_ID = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * The list's filters from a query string (`status`, `day`, `failedOn`); absent or empty is no filter, any
 * other value a 400 naming the parameter (the page and GET /api/pricing/changes read them the same way).
 */
export function changeFiltersFrom(q: URLSearchParams): ChangeFilters {
  const filters: ChangeFilters = {};
  const status = q.get('status');
  if (status) {
    if (status !== 'all' && !(CHANGE_STATUSES as readonly string[]).includes(status)) throw ValidationError.field('status', `status must be all or one of ${CHANGE_STATUSES.join(', ')}`, 'invalid_enum_value');
    filters.status = status;
  }
  const day = q.get('day');
  if (day) {
    if (!(CHANGE_DAYS as readonly string[]).includes(day)) throw ValidationError.field('day', `day must be ${CHANGE_DAYS.join(' or ')}`, 'invalid_enum_value');
    filters.day = day as ChangeFilters['day'];
  }
  const failedOn = q.get('failedOn');
  if (failedOn) {
    if (!PLATFORM_ID.test(failedOn)) throw ValidationError.field('failedOn', 'failedOn must be a platform id', 'invalid_string');
    filters.failedOn = failedOn;
  }
  return filters;
}

/** The start of the shop's day (its time zone, UTC when unknown): what `day=today` means. */
export async function shopDayStart(projectId: string, now = new Date()): Promise<Date> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { timezone: true } });
  return startOfShopDay(project?.timezone, now);
}

export async function listChanges(projectId: string, options: ChangeFilters & { productLinkId?: string; limit?: number; ids?: string[]; now?: Date } = {}): Promise<ChangeView[]> {
  const rows = await db.priceChange.findMany({
    where: {
      projectId,
      ...(options.status && options.status !== 'all' ? { status: options.status } : {}),
      ...(options.day === 'today' ? { completedAt: { gte: await shopDayStart(projectId, options.now) } } : {}),
      ...(options.failedOn ? { attempts: { some: { platform: options.failedOn, status: 'failed' } } } : {}),
      ...(options.productLinkId ? { productLinkId: options.productLinkId } : {}),
      ...(options.ids ? { id: { in: options.ids.slice(0, 500) } } : {}),
    },
    include: {
      attempts: { include: { listing: { select: { externalId: true } } }, orderBy: { platform: 'asc' } },
      productLink: { select: { title: true, sku: true } },
      listing: { select: { title: true, sku: true } },
      rollbacks: { select: { id: true }, take: 1 },
    },
    orderBy: { createdAt: 'desc' },
    take: Math.min(options.limit ?? 100, 10_000),
  });
  const now = new Date();
  // The push jobs of these changes: when a change waiting out a backoff goes again (its job's runAt).
  const jobs = new Map(
    (await findInSlices(rows.map((r) => r.id), (keys) => db.job.findMany({ where: { queue: QUEUES.pricePush, key: { in: keys } }, select: { key: true, status: true, runAt: true } }))).map((j) => [j.key, j]),
  );
  const approver = await actorLabels(projectId, rows.map((r) => r.approvedBy));
  return rows.map((r) => ({
    id: r.id,
    productLinkId: r.productLinkId,
    title: r.productLink?.title ?? r.listing?.title ?? '(deleted product)',
    sku: r.productLink?.sku ?? r.listing?.sku ?? null,
    source: r.source,
    status: r.status,
    currency: r.currency,
    from: r.fromAmount,
    to: r.toAmount,
    approvedBy: r.approvedBy,
    approvedByName: approver(r.approvedBy),
    approvedAt: r.approvedAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
    rollbackOfId: r.rollbackOfId,
    rolledBackBy: r.rollbacks[0]?.id ?? null,
    attempts: r.attempts.map((a) => ({
      id: a.id,
      outcome: attemptOutcome(a),
      // Waiting out its backoff (its job's runAt is the timer), or being sent right now (its job is running).
      nextAttemptAt: attemptOutcome(a) === 'retrying' ? nextTry(jobs.get(r.id), now).toISOString() : null,
      platform: a.platform,
      listingId: a.listingId,
      externalId: a.listing.externalId,
      amount: a.amount,
      previousAmount: a.previousAmount,
      status: a.status,
      stage: a.stage,
      platformReference: a.platformReference,
      platformCode: a.platformCode,
      platformMessage: a.platformMessage,
      attemptCount: a.attemptCount,
      appliedAt: a.appliedAt?.toISOString() ?? null,
    })),
  }));
}

function nextTry(job: { status: string; runAt: Date } | undefined, now: Date): Date {
  if (!job || job.status === 'running' || job.runAt < now) return now;
  return job.runAt;
}
