// The monitor: on a schedule, for each shop with a connected Amazon seller, the next ASINs in a round robin
// over its Amazon listings (one getItemOffersBatch of up to 20, the most Amazon's 0.1 request/s allows per
// tick at the default 10 s interval) are read through the Amazon service, and what moved (Buy Box, lowest offer,
// our own price edited outside Calibrate) makes the policy look at those products again.
//
// The round robin covers every marketplace whose currency a rule prices in (all of them while some
// active rule has no currency, or none is active yet), one marketplace per batch; retired listings (a
// marketplace the seller no longer chose) are not read. What moved in one marketplace re-prices that
// marketplace's listing of the product, not the others.
//
// Several app instances may run it: each shop's monitor turn is a recurring job of the job engine
// (@calibr/jobs, queue `pricing.monitor`, one job per shop), claimed with a lease, so one instance at a
// time reads a shop's prices, once per interval.
import os from 'node:os';
import type { Prisma } from '@calibr/db';
import { Worker, type ClaimedJob, type Jobs } from '@calibr/jobs';
import { db } from '../../db.server';
import { appJobs } from '../../jobs.server';
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

// ─── The schedule ─────────────────────────────────────────────────────────────────────────────────

/** Each monitored shop's turns: one recurring job per shop, run again `intervalMs` after each turn. */
export const MONITOR_QUEUE = 'pricing.monitor';
/** One recurring job that gives every newly monitored shop its turn job. */
export const MONITOR_SHOPS_QUEUE = 'pricing.monitor.shops';

/** What a shop's turn job carries from one turn to the next. */
interface TurnState {
  projectId: string;
  /** Where the round robin continues. */
  cursor?: string | null;
  /** When the last completed turn started: listings written since then are checked for outside edits. */
  lastStart?: string | null;
}

/** The shops the monitor reads: those with a connected Amazon seller. */
async function monitoredShops(): Promise<string[]> {
  const shops = await db.amazonIntegration.findMany({ where: { status: 'connected' }, select: { projectId: true }, distinct: ['projectId'] });
  return shops.map((s) => s.projectId);
}

/** Gives every monitored shop its turn job (a live one is left as it is). Returns how many shops. */
export async function scheduleMonitorTurns(jobs: Jobs = appJobs()): Promise<number> {
  const shops = await monitoredShops();
  for (const projectId of shops) {
    await jobs.enqueue<TurnState>({ queue: MONITOR_QUEUE, key: projectId, groupKey: `shop:${projectId}`, payload: { projectId }, again: true });
  }
  return shops.length;
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

/**
 * The monitor's worker (not started): its queues and handlers on `jobs`. Each claimed turn reads one batch
 * for its shop and is queued again `intervalMs` after it was due; a turn that fails is tried again after
 * the interval. The server starts it (startMonitor); tests drive it with runOnce and the engine's clock.
 */
export function monitorWorker(jobs: Jobs, options: MonitorOptions = {}): Worker {
  const intervalMs = options.intervalMs ?? (Number(process.env.PRICING_MONITOR_INTERVAL_MS) || 10_000);
  const refreshMs = options.listingRefreshMs ?? (Number(process.env.PRICING_LISTING_REFRESH_MS) || 15 * 60_000);
  const lastRefresh = new Map<string, number>();
  const log = options.log;
  const worker = new Worker(jobs, {
    id: options.instanceId ?? `${os.hostname()}:${process.pid}:monitor`,
    // A turn waits at most this long past its due time.
    pollMs: Math.min(intervalMs, 1_000),
    leaseMs: Math.max(intervalMs * 6, 90_000),
    ...(log ? { log: (message: string, error?: unknown) => log(`[pricing monitor] ${message}${error ? `: ${error instanceof Error ? error.message : String(error)}` : ''}`) } : {}),
  });
  const retryAfterInterval = { onError: () => intervalMs, every: intervalMs };
  worker.handle(MONITOR_SHOPS_QUEUE, async () => ({ shops: await scheduleMonitorTurns(jobs) }), retryAfterInterval);
  worker.handle<TurnState>(
    MONITOR_QUEUE,
    async (job, context) => {
      const state = job.payload;
      if (!(await monitoredShops()).includes(state.projectId)) {
        // The seller was disconnected: no more turns (the shops job gives it one again on reconnect).
        await context.complete(job, { result: { monitored: false } });
        return;
      }
      const started = jobs.now();
      if (refreshMs > 0) await refreshAmazonListings(state.projectId, lastRefresh, refreshMs, log);
      const result = await monitorShop(state.projectId, { editsSince: state.lastStart ? new Date(state.lastStart) : null, cursor: state.cursor ?? null });
      if (result.error) log?.(`[pricing monitor] ${state.projectId}: ${result.error}`);
      const summary = { asins: result.asins.length, recorded: result.recorded, triggers: result.triggers.length, suggestionsCreated: result.suggestions?.created ?? 0, error: result.error ?? null };
      await keepTurnState(job, { projectId: state.projectId, cursor: result.cursor ?? null, lastStart: started.toISOString() }, summary);
      return summary;
    },
    retryAfterInterval,
  );
  return worker;
}

/**
 * The next turn's state (and this turn's summary) on the shop's job, while this turn still holds it. A
 * recurring job is queued again by the engine without a result, so the turn writes them itself.
 */
async function keepTurnState(job: ClaimedJob<TurnState>, state: TurnState, summary: Prisma.InputJsonObject): Promise<void> {
  await db.job.updateMany({ where: { id: job.id, claimedBy: job.claimedBy, status: 'running' }, data: { payload: { ...state }, result: summary } });
}

/** Starts the monitor in this process (on the app's job engine); returns its stop function. */
export function startMonitor(options: MonitorOptions = {}): () => Promise<void> {
  const jobs = appJobs();
  const worker = monitorWorker(jobs, options);
  let stopped = false;
  // The shops job exists once per database (a live one is left as it is); then this process polls.
  const started = jobs
    .enqueue({ queue: MONITOR_SHOPS_QUEUE, key: 'all', again: true })
    .then(() => void (stopped || worker.start()))
    .catch((error: unknown) => options.log?.(`[pricing monitor] not started: ${error instanceof Error ? error.message : String(error)}`));
  return async () => {
    stopped = true;
    await started;
    await worker.stop();
  };
}
