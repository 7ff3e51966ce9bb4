// The monitor: for each shop with listings on a platform whose connector reads competitive offers
// (capabilities.competitivePricing: Amazon), the next batch of those listings in priority order
// (poll-priority.server.ts: never read, a recent move, high value, then the oldest reading; one batch of
// the connector's maxCompetitiveBatch, Amazon's getItemOffersBatch of 20) is read through the registry,
// and what moved (Buy Box, lowest offer, our own price edited outside Calibrate) makes the policy look at
// those products again. Whether the shop is connected there, and which offers are ours, the connector says.
//
// Pacing: by default a shop's turns follow each other at once, one read in flight per shop (seller), and
// the connector's own rate limiter (the Amazon service's, seeded from the usage plan and adjusted to
// `x-amzn-RateLimit-Limit`) holds each call until the seller's quota allows it: the quota is used, and
// never exceeded. `intervalMs` (PRICING_MONITOR_INTERVAL_MS) sets a fixed period instead.
//
// Where the platform also pushes offer changes (capabilities.offerChanges: Amazon's ANY_OFFER_CHANGED),
// they are pulled by offer-changes.server.ts and priced at once; polling then reconciles, in the same order.
//
// The batch covers every marketplace whose currency a rule prices in (all of them while some active rule
// has no currency, or none is active yet), one platform and marketplace per batch; retired listings (a
// marketplace the seller no longer chose) are not read. What moved in one marketplace re-prices that
// marketplace's listing of the product, not the others.
//
// Several app instances may run it: each shop's monitor turn is a recurring job of the job engine
// (@calibr/jobs, queue `pricing.monitor`, one job per shop), claimed with a lease, so one instance at a
// time reads a shop's prices.
import os from 'node:os';
import { Worker, type Jobs } from '@calibr/jobs';
import { RateLimitedError, competitiveBatchSize, type PlatformConnector } from '@calibr/shared-contracts';
import { db } from '../../db.server';
import { jobsOn } from '../../jobs.server';
import { PRICED_STATUS } from '../items.server';
import type { Trigger } from '../policy';
import { generateSuggestions, type GenerateResult } from '../suggestions.server';
import { readCompetition } from './competitive-readings.server';
import { marketChanges } from './market-changes.server';
import { OFFER_CHANGES_QUEUE, pullOfferChanges, scheduleOfferChanges, waitSecondsOf, type OfferChangesOptions, type PullState } from './offer-changes.server';
import { noticeOwnPriceEdits } from './own-price.server';
import { priorityBatch, type DueListing, type PriorityOptions } from './poll-priority.server';
import { REPRICE_QUEUE, handleReprice, requestReprice } from './reprice-queue.server';

export interface MonitorOptions {
  /**
   * A fixed period between a shop's turns (each reads at most one batch). Default 0: the next turn at
   * once, paced by the connector's rate limiter (one read in flight per shop).
   */
  intervalMs?: number;
  /** The priority order's windows (tests move them). */
  priority?: PriorityOptions;
  /** The offer-change pull (long poll seconds). */
  offerChanges?: OfferChangesOptions;
  /** Default: hostname:pid:monitor. */
  instanceId?: string;
  /** Default PRICING_LISTING_REFRESH_MS or 15 min; 0 turns the listing refresh (platforms without webhooks) off. */
  listingRefreshMs?: number;
  log?: (message: string) => void;
}

/** Where the monitor's platforms come from (default: the app's registry). */
export interface MonitorPlatforms {
  /** Registered platforms whose connector reads competitive offers, with whether they push listing changes (webhooks) and offer changes. */
  competitive(): Promise<Array<{ platform: string; webhooks: boolean; offerChanges: boolean }>>;
  connector(platform: string, projectId: string): Promise<PlatformConnector>;
}

/** The registry's platforms; loaded on first use (the registry brings every platform's code with it). */
export const registryPlatforms: MonitorPlatforms = {
  async competitive() {
    const { getPlatformRegistry } = await import('../../platforms/registry.server');
    return (await getPlatformRegistry())
      .all()
      .filter((r) => r.descriptor.capabilities.competitivePricing)
      .map((r) => ({ platform: r.descriptor.platform, webhooks: r.descriptor.capabilities.webhooks, offerChanges: r.descriptor.capabilities.offerChanges === true }));
  },
  async connector(platform, projectId) {
    const { getPlatformRegistry } = await import('../../platforms/registry.server');
    return (await getPlatformRegistry()).connector(platform, projectId);
  },
};

export interface MonitorTickResult {
  asins: string[];
  /** Reads made (a disconnected seller's batch is not read). */
  reads: number;
  recorded: number;
  triggers: Array<{ itemId: string; trigger: Trigger }>;
  suggestions: GenerateResult | null;
  error?: string;
  /** The platform's quota was used up: seconds until it allows the next read (0: at once, its limiter paces it). */
  retryAfter?: number;
}

/** One monitoring pass for one shop: read competition, notice changes, suggest. */
export async function monitorShop(
  projectId: string,
  options: {
    batchSize?: number;
    asins?: readonly string[];
    editsSince?: Date | null;
    priority?: PriorityOptions;
    platforms?: MonitorPlatforms;
    /** Hand what moved to the shop's policy queue instead of pricing it here (the scheduled turns). */
    reprice?: (triggers: ReadonlyMap<string, Trigger>) => Promise<void>;
  } = {},
): Promise<MonitorTickResult> {
  const source = options.platforms ?? registryPlatforms;
  const platforms = (await source.competitive()).map((p) => p.platform);
  const project = await db.project.findUnique({ where: { id: projectId }, select: { id: true } });
  if (!project || platforms.length === 0) return { asins: [], reads: 0, recorded: 0, triggers: [], suggestions: null };
  const currencies = await monitoredCurrencies(projectId);
  const due = options.asins
    ? await listingsForAsins(projectId, platforms, options.asins, currencies)
    : await priorityBatch(
        { projectId, platform: { in: platforms }, status: PRICED_STATUS, asin: { not: null }, ...(currencies ? { currency: { in: currencies } } : {}) },
        options.batchSize ?? (async (platform) => competitiveBatchSize((await source.connector(platform, projectId)).capabilities)),
        options.priority,
      );
  const result: MonitorTickResult = { asins: [...new Set(due.map((l) => l.asin))], reads: 0, recorded: 0, triggers: [], suggestions: null };
  // One read per platform and marketplace (the priority batch is always one).
  for (const batch of new Set(due.map((l) => `${l.platform}\u0000${l.marketplaceId}`))) {
    const [platform, marketplaceId] = batch.split('\u0000') as [string, string];
    const asins = [...new Set(due.filter((l) => l.platform === platform && l.marketplaceId === marketplaceId).map((l) => l.asin))];
    try {
      const connector = await source.connector(platform, projectId);
      // A seller no longer connected there leaves its listings behind: nothing to read until it is back.
      if (!(await connector.isAuthenticated())) continue;
      result.reads++;
      result.recorded += (await readCompetition(connector, projectId, marketplaceId, asins)).recorded;
    } catch (error) {
      result.error ??= error instanceof Error ? error.message : String(error);
      if (error instanceof RateLimitedError) result.retryAfter = error.retryAfter;
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
  if (triggers.size > 0 && options.reprice) await options.reprice(triggers);
  else if (triggers.size > 0) result.suggestions = await generateSuggestions(projectId, { ids: [...triggers.keys()], triggers });
  return result;
}

/** The currencies the shop's active rules price in; null: every currency (a rule without one, or no rule yet). */
export async function monitoredCurrencies(projectId: string): Promise<string[] | null> {
  const rules = await db.pricingRule.findMany({ where: { projectId, isActive: true }, select: { currency: true }, distinct: ['currency'] });
  if (rules.length === 0 || rules.some((r) => r.currency === null)) return null;
  return rules.map((r) => r.currency!);
}

const DUE_SELECT = { id: true, platform: true, asin: true, marketplaceId: true, productLinkId: true } as const;

async function listingsForAsins(projectId: string, platforms: string[], asins: readonly string[], currencies: string[] | null): Promise<DueListing[]> {
  const rows = await db.listing.findMany({
    where: { projectId, platform: { in: platforms }, status: PRICED_STATUS, asin: { in: [...asins] }, ...(currencies ? { currency: { in: currencies } } : {}) },
    select: DUE_SELECT,
  });
  return rows.map((l) => ({ id: l.id, platform: l.platform, asin: l.asin!, marketplaceId: l.marketplaceId, productLinkId: l.productLinkId }));
}


// ─── The schedule ─────────────────────────────────────────────────────────────────────────────────

/** Each monitored shop's turns: one recurring job per shop, the next one as soon as the last is done (or `intervalMs` after it). */
export const MONITOR_QUEUE = 'pricing.monitor';
/** One recurring job that gives every newly monitored shop its turn job (and its offer-change pulls). */
export const MONITOR_SHOPS_QUEUE = 'pricing.monitor.shops';
export { OFFER_CHANGES_QUEUE, REPRICE_QUEUE };

/** What a shop's turn job carries from one turn to the next. */
interface TurnState {
  projectId: string;
  /** When the last completed turn started: listings written since then are checked for outside edits. */
  lastStart?: string | null;
}

/** The shops the monitor reads: those with listings to read on a competitive platform (whether the shop is connected there, its connector says at each turn). */
async function monitoredShops(source: MonitorPlatforms = registryPlatforms): Promise<string[]> {
  const platforms = (await source.competitive()).map((p) => p.platform);
  if (platforms.length === 0) return [];
  const rows = await db.listing.findMany({ where: { platform: { in: platforms }, status: PRICED_STATUS, asin: { not: null } }, select: { projectId: true }, distinct: ['projectId'] });
  return rows.map((r) => r.projectId);
}

/** Gives every monitored shop its turn job, and a pull job per platform announcing offer changes (live ones are left as they are). Returns how many shops. */
export async function scheduleMonitorTurns(jobs: Jobs = jobsOn(), source: MonitorPlatforms = registryPlatforms): Promise<number> {
  const shops = await monitoredShops(source);
  const announcing = (await source.competitive()).filter((p) => p.offerChanges).map((p) => p.platform);
  for (const projectId of shops) {
    await jobs.enqueue<TurnState>({ queue: MONITOR_QUEUE, key: projectId, groupKey: `shop:${projectId}`, payload: { projectId }, again: true });
    await scheduleOfferChanges(jobs, projectId, announcing);
  }
  return shops.length;
}

/**
 * A platform without webhooks (Amazon: none for a price the seller edits in Seller Central) tells us
 * nothing: its listings are refreshed (an incremental sync through the registry) every `refreshMs`, and
 * the next pass notices the edit.
 */
async function refreshListings(projectId: string, platform: string, lastRefresh: Map<string, number>, refreshMs: number, log?: (m: string) => void): Promise<void> {
  const key = `${platform}\u0000${projectId}`;
  if (Date.now() - (lastRefresh.get(key) ?? 0) < refreshMs) return;
  lastRefresh.set(key, Date.now());
  try {
    // Loaded here: the sync service brings the whole registry (and Shopify's app config) with it.
    const { startPlatformSync } = await import('../../platforms/platform-sync.server');
    await startPlatformSync(projectId, platform, { mode: 'incremental', trigger: 'schedule' });
  } catch (error) {
    log?.(`[pricing monitor] ${platform} listing refresh for ${projectId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** How long a shop's turns pause when a turn read nothing or failed (a disconnected seller, a platform away). */
const IDLE_MS = 10_000;

/**
 * The monitor's worker (not started): its queues and handlers on `jobs`. Each claimed turn reads one batch
 * for its shop and is queued again at once (the connector's limiter paces the reads), or `intervalMs`
 * after it was due when a period is set; a turn that reads nothing or fails pauses. The offer-change pulls
 * and the policy runs (one at a time per shop) are its queues too. The server starts it (startMonitor);
 * tests drive it with runOnce and the engine's clock.
 */
export function monitorWorker(jobs: Jobs, options: MonitorOptions & { platforms?: MonitorPlatforms } = {}): Worker {
  const source = options.platforms ?? registryPlatforms;
  const intervalMs = options.intervalMs ?? (Number(process.env.PRICING_MONITOR_INTERVAL_MS) || 0);
  const refreshMs = options.listingRefreshMs ?? (Number(process.env.PRICING_LISTING_REFRESH_MS) || 15 * 60_000);
  const waitSeconds = waitSecondsOf(options.offerChanges);
  const idleMs = options.offerChanges?.idleMs ?? 30_000;
  const lastRefresh = new Map<string, number>();
  const log = options.log;
  const worker = new Worker(jobs, {
    id: options.instanceId ?? `${os.hostname()}:${process.pid}:monitor`,
    // A turn waits at most this long past its due time (a turn that claimed something polls again at once).
    pollMs: intervalMs > 0 ? Math.min(intervalMs, 1_000) : 1_000,
    leaseMs: Math.max(intervalMs * 6, 90_000),
    ...(log ? { log: (message: string, error?: unknown) => log(`[pricing monitor] ${message}${error ? `: ${error instanceof Error ? error.message : String(error)}` : ''}`) } : {}),
  });
  const pauseMs = intervalMs || IDLE_MS;
  worker.handle(MONITOR_SHOPS_QUEUE, async () => ({ shops: await scheduleMonitorTurns(jobs, source) }), { onError: () => pauseMs, every: pauseMs });
  worker.handle<TurnState>(
    MONITOR_QUEUE,
    async (job, context) => {
      const state = job.payload;
      if (!(await monitoredShops(source)).includes(state.projectId)) {
        // Nothing left to read there: no more turns (the shops job gives it one again on reconnect).
        await context.complete(job, { result: { monitored: false } });
        return;
      }
      const started = jobs.now();
      if (refreshMs > 0) {
        for (const p of (await source.competitive()).filter((c) => !c.webhooks)) await refreshListings(state.projectId, p.platform, lastRefresh, refreshMs, log);
      }
      const result = await monitorShop(state.projectId, {
        editsSince: state.lastStart ? new Date(state.lastStart) : null,
        platforms: source,
        ...(options.priority ? { priority: options.priority } : {}),
        reprice: async (triggers) => {
          await requestReprice(jobs, state.projectId, triggers);
          worker.wake(REPRICE_QUEUE);
        },
      });
      if (result.error) log?.(`[pricing monitor] ${state.projectId}: ${result.error}`);
      const summary = { asins: result.asins.length, reads: result.reads, recorded: result.recorded, triggers: result.triggers.length, error: result.error ?? null };
      const next: TurnState = { projectId: state.projectId, lastStart: started.toISOString() };
      const now = jobs.now().getTime();
      // A quota used up is no reason to idle: the next read goes when the platform allows it (its limiter drained).
      const throttled = result.retryAfter !== undefined;
      const at =
        intervalMs > 0 ? Math.max(job.runAt.getTime() + intervalMs, now) : throttled ? now + result.retryAfter! * 1000 : result.reads > 0 && !result.error ? now : now + IDLE_MS;
      await context.reschedule(job, new Date(at), { payload: next, result: summary });
      return summary;
    },
    { onError: () => pauseMs, every: pauseMs },
  );
  worker.handle<PullState>(
    OFFER_CHANGES_QUEUE,
    async (job, context) => {
      const { projectId, platform } = job.payload;
      const announcing = (await source.competitive()).some((p) => p.platform === platform && p.offerChanges);
      if (!announcing || !(await monitoredShops(source)).includes(projectId)) {
        await context.complete(job, { result: { monitored: false } });
        return;
      }
      const result = await pullOfferChanges(jobs, await source.connector(platform, projectId), projectId, { waitSeconds });
      if (result.moved > 0) worker.wake(REPRICE_QUEUE);
      // Live: the next pull at once (it waits for a change); otherwise ask again in a while.
      const now = jobs.now().getTime();
      const at = result.state === 'live' || result.received > 0 ? now : now + idleMs;
      await context.reschedule(job, new Date(at), { result });
      return result;
    },
    { perGroup: 1, leaseMs: (waitSeconds + 60) * 1_000, onError: () => IDLE_MS },
  );
  worker.handle<{ projectId: string }>(
    REPRICE_QUEUE,
    async (job) => {
      const result = await handleReprice(job.payload.projectId);
      return result ? { evaluated: result.evaluated, created: result.created, autoApproved: result.autoApproved } : { evaluated: 0 };
    },
    { perGroup: 1, batchSize: 20 },
  );
  return worker;
}

/** Starts the monitor in this process (on the app's job engine); returns its stop function. */
export function startMonitor(options: MonitorOptions & { platforms?: MonitorPlatforms } = {}): () => Promise<void> {
  const jobs = jobsOn();
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
