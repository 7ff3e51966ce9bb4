// The monitor: on a timer, for each shop with a connected Amazon seller, the least recently read linked
// ASINs (one getItemOffersBatch of up to 20, the most Amazon's 0.1 request/s allows per tick at the
// default 10 s interval) are read through the Amazon service, and what moved (Buy Box, lowest offer,
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
  log?: (message: string) => void;
}

export interface MonitorTickResult {
  asins: string[];
  recorded: number;
  triggers: Array<{ itemId: string; trigger: Trigger }>;
  suggestions: GenerateResult | null;
  error?: string;
}

/** One monitoring pass for one shop: read competition, notice changes, suggest. */
export async function monitorShop(projectId: string, options: { batchSize?: number; asins?: readonly string[] } = {}): Promise<MonitorTickResult> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { shopDomain: true } });
  if (!project) return { asins: [], recorded: 0, triggers: [], suggestions: null };
  const due = options.asins ? await listingsForAsins(projectId, options.asins) : await dueListings(projectId, options.batchSize ?? OFFERS_BATCH_SIZE);
  const result: MonitorTickResult = { asins: [...new Set(due.map((l) => l.asin))], recorded: 0, triggers: [], suggestions: null };
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
  for (const edit of await noticeOwnPriceEdits(projectId)) triggers.set(edit.itemId, edit.trigger);
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

/** Amazon listings of the shop with an ASIN, the least recently observed first (never observed first of all). */
async function dueListings(projectId: string, limit: number): Promise<DueListing[]> {
  const listings = await db.listing.findMany({
    where: { projectId, platform: 'amazon', status: { not: 'deleted' }, asin: { not: null } },
    select: { id: true, asin: true, marketplaceId: true, productLinkId: true },
    orderBy: [{ productLinkId: 'asc' }, { id: 'asc' }],
  });
  if (listings.length === 0) return [];
  // One marketplace per call: the first marketplace's listings (linked products first).
  const marketplace = listings.find((l) => l.productLinkId)?.marketplaceId ?? listings[0]!.marketplaceId;
  const candidates = listings.filter((l) => l.marketplaceId === marketplace);
  const latest = await db.competitorPriceObservation.findMany({
    where: { projectId, listingId: { in: candidates.map((l) => l.id) } },
    orderBy: [{ listingId: 'asc' }, { observedAt: 'desc' }],
    distinct: ['listingId'],
    select: { listingId: true, observedAt: true },
  });
  const seenAt = new Map(latest.map((o) => [o.listingId, o.observedAt.getTime()]));
  return candidates
    .map((l) => ({ id: l.id, asin: l.asin!, marketplaceId: l.marketplaceId, productLinkId: l.productLinkId }))
    .sort((a, b) => (seenAt.get(a.id) ?? 0) - (seenAt.get(b.id) ?? 0) || Number(b.productLinkId !== null) - Number(a.productLinkId !== null))
    .slice(0, limit);
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

/** Claim a shop's monitor turn: true when this instance may run it now. */
async function claimTurn(projectId: string, instanceId: string, intervalMs: number): Promise<boolean> {
  const dedupeKey = `${JOB_KIND}:${projectId}`;
  const now = new Date();
  await db.backgroundJob
    .create({ data: { projectId, kind: JOB_KIND, dedupeKey, status: 'running', runAfter: now } })
    .catch(() => undefined); // exists already
  const { count } = await db.backgroundJob.updateMany({
    where: { dedupeKey, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }], runAfter: { lte: now } },
    data: { claimedBy: instanceId, leaseUntil: new Date(now.getTime() + Math.max(intervalMs * 6, 90_000)), startedAt: now, attempts: { increment: 1 } },
  });
  return count === 1;
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
      error: error ?? result?.error ?? null,
      ...(result ? { result: { asins: result.asins.length, recorded: result.recorded, triggers: result.triggers.length, suggestionsCreated: result.suggestions?.created ?? 0 } } : {}),
    },
  });
}

/** Starts the monitor in this process; returns its stop function. */
export function startMonitor(options: MonitorOptions = {}): () => Promise<void> {
  const intervalMs = options.intervalMs ?? (Number(process.env.PRICING_MONITOR_INTERVAL_MS) || 10_000);
  const instanceId = `${os.hostname()}:${process.pid}:monitor`;
  let stopped = false;
  let current: Promise<void> | null = null;
  const tick = async () => {
    const shops = await db.amazonIntegration.findMany({ where: { status: 'connected' }, select: { projectId: true }, distinct: ['projectId'] });
    for (const { projectId } of shops) {
      if (stopped) return;
      if (!(await claimTurn(projectId, instanceId, intervalMs))) continue;
      try {
        const result = await monitorShop(projectId);
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
