// The monitor: on a timer, for each shop with a connected Amazon seller, the next ASINs in a round robin
// over its Amazon listings (one getItemOffersBatch of up to 20, the most Amazon's 0.1 request/s allows per
// tick at the default 10 s interval) are read through the Amazon service, and what moved (Buy Box, lowest offer,
// our own price edited outside Calibrate) makes the policy look at those products again.
//
// Several app instances may run it: each shop's monitor turn is a BackgroundJob row claimed with a lease
// (the same conditional UPDATE as the push), so one instance at a time reads a shop's prices.
import os from 'node:os';
import { db } from '../../db.server';
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
  const due = options.asins ? await listingsForAsins(projectId, options.asins) : await dueListings(projectId, options.batchSize ?? OFFERS_BATCH_SIZE, options.cursor ?? null);
  const result: MonitorTickResult = { asins: [...new Set(due.map((l) => l.asin))], recorded: 0, triggers: [], suggestions: null, cursor: due.at(-1)?.id ?? null };
  if (result.asins.length > 0) {
    const marketplaceId = due[0]!.marketplaceId || undefined;
    try {
      const answer = await refreshCompetitivePrices(project.shopDomain, result.asins, marketplaceId);
      result.recorded = answer.recorded;
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
    }
  }
  const triggers = new Map<string, Trigger>();
  for (const change of await marketChanges(projectId, due.map((l) => l.id))) {
    const listing = due.find((l) => l.id === change.listingId);
    triggers.set(listing?.productLinkId ?? change.listingId, change.trigger);
  }
  // Our own price edited elsewhere counts first: the merchant moved, the rules look again.
  for (const edit of await noticeOwnPriceEdits(projectId, { since: options.editsSince ?? null })) triggers.set(edit.itemId, edit.trigger);
  result.triggers = [...triggers].map(([itemId, trigger]) => ({ itemId, trigger }));
  if (triggers.size > 0) result.suggestions = await generateSuggestions(projectId, { ids: [...triggers.keys()], triggers });
  return result;
}

interface DueListing {
  id: string;
  asin: string;
  marketplaceId: string;
  productLinkId: string | null;
}

/**
 * The next Amazon listings (with an ASIN, in one marketplace) after `cursor`, in id order, wrapping
 * around: round robin, so every listing is read once per sweep even when some readings fail.
 */
async function dueListings(projectId: string, limit: number, cursor: string | null): Promise<DueListing[]> {
  const first = await db.listing.findFirst({
    where: { projectId, platform: 'amazon', status: { not: 'deleted' }, asin: { not: null } },
    orderBy: [{ productLinkId: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
    select: { marketplaceId: true },
  });
  if (!first) return [];
  const where = { projectId, platform: 'amazon', marketplaceId: first.marketplaceId, status: { not: 'deleted' }, asin: { not: null } };
  const select = { id: true, asin: true, marketplaceId: true, productLinkId: true } as const;
  const after = await db.listing.findMany({ where: { ...where, ...(cursor ? { id: { gt: cursor } } : {}) }, orderBy: { id: 'asc' }, take: limit, select });
  const wrapped = after.length < limit && cursor ? await db.listing.findMany({ where: { ...where, id: { lte: cursor } }, orderBy: { id: 'asc' }, take: limit - after.length, select }) : [];
  return [...after, ...wrapped].map((l) => ({ id: l.id, asin: l.asin!, marketplaceId: l.marketplaceId, productLinkId: l.productLinkId }));
}

async function listingsForAsins(projectId: string, asins: readonly string[]): Promise<DueListing[]> {
  const rows = await db.listing.findMany({
    where: { projectId, platform: 'amazon', status: { not: 'deleted' }, asin: { in: [...asins] } },
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
