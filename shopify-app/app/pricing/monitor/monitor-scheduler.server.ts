// The monitor: on a timer, for each shop with a connected Amazon seller, the next ASINs in a round robin
// over its Amazon listings (one getItemOffersBatch of up to 20, the most Amazon's 0.1 request/s allows per
// tick at the default 10 s interval) are read through the Amazon service, and what moved (Buy Box, lowest offer,
// our own price edited outside Calibrate) makes the policy look at those products again.
//
// The round robin covers every marketplace whose currency a rule prices in (all of them while some
// active rule has no currency, or none is active yet), one marketplace per batch; retired listings (a
// marketplace the seller no longer chose) are not read. What moved in one marketplace re-prices that
// marketplace's listing of the product, not the others.
//
// Several app instances may run it: each shop's monitor turn is a BackgroundJob row claimed with a lease
// (the same conditional UPDATE as the push), so one instance at a time reads a shop's prices.
import os from 'node:os';
import { db } from '../../db.server';
import { PRICED_STATUS } from '../items.server';
import type { Trigger } from '../policy';
import { generateSuggestions, type GenerateResult } from '../suggestions.server';
import { OFFERS_BATCH_SIZE, refreshCompetitivePrices } from './amazon-competitive.server';
import { marketChanges } from './market-changes.server';
import { noticeOwnPriceEdits } from './own-price.server';

export interface MonitorOptions {
  /** Between ticks; each tick reads at most one batch per shop. Default 10 s (getItemOffersBatch: 0.1/s). */
  intervalMs?: number;
  /** Default: hostname:pid:monitor. */
  instanceId?: string;
  /** Default PRICING_LISTING_REFRESH_MS or 15 min; 0 turns the Amazon listing refresh off. */
  listingRefreshMs?: number;
  log?: (message: string) => void;
}

export interface MonitorTickResult {
  asins: string[];
  recorded: number;
  triggers: Array<{ itemId: string; trigger: Trigger }>;
  suggestions: GenerateResult | null;
  /** Where the next pass continues the round robin. */
  cursor?: string | null;
  error?: string;
}

/** One monitoring pass for one shop: read competition, notice changes, suggest. */
export async function monitorShop(
  projectId: string,
  options: { batchSize?: number; asins?: readonly string[]; editsSince?: Date | null; cursor?: string | null } = {},
): Promise<MonitorTickResult> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { shopDomain: true } });
  if (!project) return { asins: [], recorded: 0, triggers: [], suggestions: null, cursor: null };
  const currencies = await monitoredCurrencies(projectId);
  const due = options.asins ? await listingsForAsins(projectId, options.asins, currencies) : await dueListings(projectId, options.batchSize ?? OFFERS_BATCH_SIZE, options.cursor ?? null, currencies);
  const last = due.at(-1);
  const result: MonitorTickResult = { asins: [...new Set(due.map((l) => l.asin))], recorded: 0, triggers: [], suggestions: null, cursor: last ? cursorOf(last) : null };
  // One getItemOffersBatch per marketplace (the round robin's batch is always one).
  for (const marketplaceId of new Set(due.map((l) => l.marketplaceId))) {
    const asins = [...new Set(due.filter((l) => l.marketplaceId === marketplaceId).map((l) => l.asin))];
    try {
      const answer = await refreshCompetitivePrices(project.shopDomain, asins, marketplaceId || undefined);
      result.recorded += answer.recorded;
    } catch (error) {
      result.error ??= error instanceof Error ? error.message : String(error);
    }
  }
  // Triggers by the listing that moved: the item holding it (its product in that marketplace) is priced.
  const triggers = new Map<string, Trigger>();
  const reported = new Map<string, Trigger>();
  for (const change of await marketChanges(projectId, due.map((l) => l.id))) {
    const listing = due.find((l) => l.id === change.listingId);
    triggers.set(change.listingId, change.trigger);
    reported.set(listing?.productLinkId ?? change.listingId, change.trigger);
  }
  // Our own price edited elsewhere counts first: the merchant moved, the rules look again.
  for (const edit of await noticeOwnPriceEdits(projectId, { since: options.editsSince ?? null })) {
    triggers.set(edit.listingId, edit.trigger);
    reported.set(edit.itemId, edit.trigger);
  }
  result.triggers = [...reported].map(([itemId, trigger]) => ({ itemId, trigger }));
  if (triggers.size > 0) result.suggestions = await generateSuggestions(projectId, { ids: [...triggers.keys()], triggers });
  return result;
}

interface DueListing {
  id: string;
  asin: string;
  marketplaceId: string;
  productLinkId: string | null;
}

/** The currencies the shop's active rules price in; null: every currency (a rule without one, or no rule yet). */
async function monitoredCurrencies(projectId: string): Promise<string[] | null> {
  const rules = await db.pricingRule.findMany({ where: { projectId, isActive: true }, select: { currency: true }, distinct: ['currency'] });
  if (rules.length === 0 || rules.some((r) => r.currency === null)) return null;
  return rules.map((r) => r.currency!);
}

/** The round robin's position: the last listing read, in (marketplace, id) order. */
function cursorOf(listing: DueListing): string {
  return `${listing.marketplaceId}/${listing.id}`;
}

/**
 * The next Amazon listings (with an ASIN, of one marketplace) after `cursor` in (marketplace, id) order,
 * wrapping around: round robin, so every listing is read once per sweep even when some readings fail.
 */
async function dueListings(projectId: string, limit: number, cursor: string | null, currencies: string[] | null): Promise<DueListing[]> {
  const where = { projectId, platform: 'amazon', status: PRICED_STATUS, asin: { not: null }, ...(currencies ? { currency: { in: currencies } } : {}) };
  const select = { id: true, asin: true, marketplaceId: true, productLinkId: true } as const;
  const orderBy = [{ marketplaceId: 'asc' as const }, { id: 'asc' as const }];
  const slash = cursor ? cursor.lastIndexOf('/') : -1;
  const at = slash >= 0 ? { marketplaceId: cursor!.slice(0, slash), id: cursor!.slice(slash + 1) } : null;
  const after = await db.listing.findMany({
    where: { ...where, ...(at ? { OR: [{ marketplaceId: { gt: at.marketplaceId } }, { marketplaceId: at.marketplaceId, id: { gt: at.id } }] } : {}) },
    orderBy,
    take: limit,
    select,
  });
  const wrapped = after.length < limit && at ? await db.listing.findMany({ where, orderBy, take: limit - after.length, select }) : [];
  const rows = [...after, ...wrapped].map((l) => ({ id: l.id, asin: l.asin!, marketplaceId: l.marketplaceId, productLinkId: l.productLinkId }));
  // One marketplace per batch: the listings of the first one, up to where another begins.
  const other = rows.findIndex((l) => l.marketplaceId !== rows[0]!.marketplaceId);
  const batch = other < 0 ? rows : rows.slice(0, other);
  // A wrapped batch never reads a listing twice.
  return batch.filter((l, i) => batch.findIndex((m) => m.id === l.id) === i);
}

async function listingsForAsins(projectId: string, asins: readonly string[], currencies: string[] | null): Promise<DueListing[]> {
  const rows = await db.listing.findMany({
    where: { projectId, platform: 'amazon', status: PRICED_STATUS, asin: { in: [...asins] }, ...(currencies ? { currency: { in: currencies } } : {}) },
    select: { id: true, asin: true, marketplaceId: true, productLinkId: true },
  });
  return rows.map((l) => ({ id: l.id, asin: l.asin!, marketplaceId: l.marketplaceId, productLinkId: l.productLinkId }));
}

// ─── The timer ────────────────────────────────────────────────────────────────────────────────────

const JOB_KIND = 'pricing.monitor';

/**
 * Claim a shop's monitor turn. Returns null when another instance has it (or it isn't due), else when
 * the previous turn started (listings written since then are checked for outside edits).
 */
async function claimTurn(projectId: string, instanceId: string, intervalMs: number): Promise<{ previousStart: Date | null; cursor: string | null } | null> {
  const dedupeKey = `${JOB_KIND}:${projectId}`;
  const now = new Date();
  await db.backgroundJob
    .create({ data: { projectId, kind: JOB_KIND, dedupeKey, status: 'running', runAfter: now } })
    .catch(() => undefined); // exists already
  const before = await db.backgroundJob.findUnique({ where: { dedupeKey }, select: { startedAt: true, completedAt: true, payload: true } });
  const { count } = await db.backgroundJob.updateMany({
    where: { dedupeKey, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }], runAfter: { lte: now } },
    data: { claimedBy: instanceId, leaseUntil: new Date(now.getTime() + Math.max(intervalMs * 6, 90_000)), startedAt: now, attempts: { increment: 1 } },
  });
  if (count !== 1) return null;
  // A pass that never completed leaves its edits unchecked: start from the last completed one.
  const finished = before?.completedAt && before.startedAt && before.completedAt >= before.startedAt;
  const cursor = (before?.payload as { cursor?: string } | null)?.cursor ?? null;
  return { previousStart: finished ? before.startedAt : null, cursor };
}

async function releaseTurn(projectId: string, instanceId: string, intervalMs: number, result: MonitorTickResult | null, error?: string): Promise<void> {
  await db.backgroundJob.updateMany({
    where: { dedupeKey: `${JOB_KIND}:${projectId}`, claimedBy: instanceId },
    data: {
      claimedBy: null,
      leaseUntil: null,
      runAfter: new Date(Date.now() + intervalMs),
      completedAt: new Date(),
      progressDone: { increment: result?.asins.length ?? 0 },
      ...(result ? { payload: { cursor: result.cursor ?? null } } : {}),
      error: error ?? result?.error ?? null,
      ...(result ? { result: { asins: result.asins.length, recorded: result.recorded, triggers: result.triggers.length, suggestionsCreated: result.suggestions?.created ?? 0 } } : {}),
    },
  });
}

/**
 * Amazon has no webhook for a price the seller edits in Seller Central: the listings are refreshed
 * (an incremental sync through the registry) every `refreshMs`, and the next pass notices the edit.
 */
async function refreshAmazonListings(projectId: string, lastRefresh: Map<string, number>, refreshMs: number, log?: (m: string) => void): Promise<void> {
  const last = lastRefresh.get(projectId) ?? 0;
  if (Date.now() - last < refreshMs) return;
  lastRefresh.set(projectId, Date.now());
  try {
    // Loaded here: the sync service brings the whole registry (and Shopify's app config) with it.
    const { startPlatformSync } = await import('../../services/platform-sync.server');
    await startPlatformSync(projectId, 'amazon', { mode: 'incremental', trigger: 'schedule' });
  } catch (error) {
    log?.(`[pricing monitor] Amazon listing refresh for ${projectId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Starts the monitor in this process; returns its stop function. */
export function startMonitor(options: MonitorOptions = {}): () => Promise<void> {
  const intervalMs = options.intervalMs ?? (Number(process.env.PRICING_MONITOR_INTERVAL_MS) || 10_000);
  const refreshMs = options.listingRefreshMs ?? (Number(process.env.PRICING_LISTING_REFRESH_MS) || 15 * 60_000);
  const lastRefresh = new Map<string, number>();
  const instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}:monitor`;
  let stopped = false;
  let current: Promise<void> | null = null;
  const tick = async () => {
    const shops = await db.amazonIntegration.findMany({ where: { status: 'connected' }, select: { projectId: true }, distinct: ['projectId'] });
    for (const { projectId } of shops) {
      if (stopped) return;
      const turn = await claimTurn(projectId, instanceId, intervalMs);
      if (!turn) continue;
      try {
        if (refreshMs > 0) await refreshAmazonListings(projectId, lastRefresh, refreshMs, options.log);
        const result = await monitorShop(projectId, { editsSince: turn.previousStart, cursor: turn.cursor });
        await releaseTurn(projectId, instanceId, intervalMs, result);
        if (result.error) options.log?.(`[pricing monitor] ${projectId}: ${result.error}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        options.log?.(`[pricing monitor] ${projectId}: ${message}`);
        await releaseTurn(projectId, instanceId, intervalMs, null, message).catch(() => undefined);
      }
    }
  };
  const timer = setInterval(() => {
    if (current || stopped) return;
    current = tick()
      .catch((error: unknown) => options.log?.(`[pricing monitor] ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        current = null;
      });
  }, intervalMs);
  timer.unref?.();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
