// The monitor: on a timer, for each shop with listings on a platform whose connector reads competitive
// offers (capabilities.competitivePricing: Amazon), the next items in a round robin over those listings
// (one batch of the connector's maxCompetitiveBatch, Amazon's getItemOffersBatch of 20: the most its 0.1
// request/s allows per tick at the default 10 s interval) are read through the registry, and what moved
// (Buy Box, lowest offer, our own price edited outside Calibrate) makes the policy look at those products
// again. Whether the shop is connected there, and which offers are ours, the connector says.
//
// The round robin covers every marketplace whose currency a rule prices in (all of them while some
// active rule has no currency, or none is active yet), one platform and marketplace per batch; retired
// listings (a marketplace the seller no longer chose) are not read. What moved in one marketplace
// re-prices that marketplace's listing of the product, not the others.
//
// Several app instances may run it: each shop's monitor turn is a recurring job of the job engine
// (@calibr/jobs, queue `pricing.monitor`, one job per shop), claimed with a lease, so one instance at a
// time reads a shop's prices, once per interval.
import os from 'node:os';
import { Worker, type Jobs } from '@calibr/jobs';
import { competitiveBatchSize, type PlatformConnector } from '@calibr/shared-contracts';
import { db } from '../../db.server';
import { jobsOn } from '../../jobs.server';
import { PRICED_STATUS } from '../items.server';
import type { Trigger } from '../policy';
import { generateSuggestions, type GenerateResult } from '../suggestions.server';
import { readCompetition } from './competitive-readings.server';
import { marketChanges } from './market-changes.server';
import { noticeOwnPriceEdits } from './own-price.server';

export interface MonitorOptions {
  /** Between ticks; each tick reads at most one batch per shop. Default 10 s (getItemOffersBatch: 0.1/s). */
  intervalMs?: number;
  /** Default: hostname:pid:monitor. */
  instanceId?: string;
  /** Default PRICING_LISTING_REFRESH_MS or 15 min; 0 turns the listing refresh (platforms without webhooks) off. */
  listingRefreshMs?: number;
  log?: (message: string) => void;
}

/** Where the monitor's platforms come from (default: the app's registry). */
export interface MonitorPlatforms {
  /** Registered platforms whose connector reads competitive offers, with whether they push changes (webhooks). */
  competitive(): Promise<Array<{ platform: string; webhooks: boolean }>>;
  connector(platform: string, projectId: string): Promise<PlatformConnector>;
}

/** The registry's platforms; loaded on first use (the registry brings every platform's code with it). */
export const registryPlatforms: MonitorPlatforms = {
  async competitive() {
    const { getPlatformRegistry } = await import('../../platforms/registry.server');
    return (await getPlatformRegistry())
      .all()
      .filter((r) => r.descriptor.capabilities.competitivePricing)
      .map((r) => ({ platform: r.descriptor.platform, webhooks: r.descriptor.capabilities.webhooks }));
  },
  async connector(platform, projectId) {
    const { getPlatformRegistry } = await import('../../platforms/registry.server');
    return (await getPlatformRegistry()).connector(platform, projectId);
  },
};

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
  options: { batchSize?: number; asins?: readonly string[]; editsSince?: Date | null; cursor?: string | null; platforms?: MonitorPlatforms } = {},
): Promise<MonitorTickResult> {
  const source = options.platforms ?? registryPlatforms;
  const platforms = (await source.competitive()).map((p) => p.platform);
  const project = await db.project.findUnique({ where: { id: projectId }, select: { id: true } });
  if (!project || platforms.length === 0) return { asins: [], recorded: 0, triggers: [], suggestions: null, cursor: null };
  const currencies = await monitoredCurrencies(projectId);
  const due = options.asins
    ? await listingsForAsins(projectId, platforms, options.asins, currencies)
    : await dueListings(projectId, platforms, options.batchSize ?? null, options.cursor ?? null, currencies, source);
  const last = due.at(-1);
  const result: MonitorTickResult = { asins: [...new Set(due.map((l) => l.asin))], recorded: 0, triggers: [], suggestions: null, cursor: last ? cursorOf(last) : null };
  // One read per platform and marketplace (the round robin's batch is always one).
  for (const batch of new Set(due.map((l) => `${l.platform}\u0000${l.marketplaceId}`))) {
    const [platform, marketplaceId] = batch.split('\u0000') as [string, string];
    const asins = [...new Set(due.filter((l) => l.platform === platform && l.marketplaceId === marketplaceId).map((l) => l.asin))];
    try {
      const connector = await source.connector(platform, projectId);
      // A seller no longer connected there leaves its listings behind: nothing to read until it is back.
      if (!(await connector.isAuthenticated())) continue;
      result.recorded += (await readCompetition(connector, projectId, marketplaceId, asins)).recorded;
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
  platform: string;
  asin: string;
  marketplaceId: string;
  productLinkId: string | null;
}

/** The currencies the shop's active rules price in; null: every currency (a rule without one, or no rule yet). */
export async function monitoredCurrencies(projectId: string): Promise<string[] | null> {
  const rules = await db.pricingRule.findMany({ where: { projectId, isActive: true }, select: { currency: true }, distinct: ['currency'] });
  if (rules.length === 0 || rules.some((r) => r.currency === null)) return null;
  return rules.map((r) => r.currency!);
}

/** The round robin's position: the last listing read, in (platform, marketplace, id) order. */
function cursorOf(listing: DueListing): string {
  return JSON.stringify([listing.platform, listing.marketplaceId, listing.id]);
}

function parseCursor(cursor: string | null): { platform: string; marketplaceId: string; id: string } | null {
  try {
    const [platform, marketplaceId, id] = JSON.parse(cursor ?? 'null') as unknown[];
    return typeof platform === 'string' && typeof marketplaceId === 'string' && typeof id === 'string' ? { platform, marketplaceId, id } : null;
  } catch {
    return null; // a cursor of an older format: start the sweep again
  }
}

const DUE_SELECT = { id: true, platform: true, asin: true, marketplaceId: true, productLinkId: true } as const;
type DueRow = { id: string; platform: string; asin: string | null; marketplaceId: string; productLinkId: string | null };
const due = (l: DueRow): DueListing => ({ id: l.id, platform: l.platform, asin: l.asin!, marketplaceId: l.marketplaceId, productLinkId: l.productLinkId });

/**
 * The next listings (with a catalog item to read, of one platform and marketplace) after `cursor` in
 * (platform, marketplace, id) order, wrapping around: round robin, so every listing is read once per
 * sweep even when some readings fail. `limit`: the platform's batch (maxCompetitiveBatch) unless given.
 */
async function dueListings(projectId: string, platforms: string[], limit: number | null, cursor: string | null, currencies: string[] | null, source: MonitorPlatforms): Promise<DueListing[]> {
  const where = { projectId, platform: { in: platforms }, status: PRICED_STATUS, asin: { not: null }, ...(currencies ? { currency: { in: currencies } } : {}) };
  const orderBy = [{ platform: 'asc' as const }, { marketplaceId: 'asc' as const }, { id: 'asc' as const }];
  const at = parseCursor(cursor);
  const next = await db.listing.findFirst({
    where: {
      ...where,
      ...(at
        ? { OR: [{ platform: { gt: at.platform } }, { platform: at.platform, marketplaceId: { gt: at.marketplaceId } }, { platform: at.platform, marketplaceId: at.marketplaceId, id: { gt: at.id } }] }
        : {}),
    },
    orderBy,
    select: DUE_SELECT,
  });
  const first = next ?? (at ? await db.listing.findFirst({ where, orderBy, select: DUE_SELECT }) : null);
  if (!first) return [];
  const take = limit ?? competitiveBatchSize((await source.connector(first.platform, projectId)).capabilities);
  // One platform and marketplace per batch: from the first due listing, up to where another begins, wrapping.
  const scope = { ...where, platform: first.platform, marketplaceId: first.marketplaceId };
  const after = await db.listing.findMany({ where: { ...scope, id: { gte: first.id } }, orderBy, take, select: DUE_SELECT });
  // Past the end of everything: the sweep starts again, and a short batch fills up from the start when
  // that is the same platform and marketplace (never reading a listing twice).
  const start = after.length < take && at ? await db.listing.findFirst({ where, orderBy, select: DUE_SELECT }) : null;
  const wrapped =
    start && start.platform === first.platform && start.marketplaceId === first.marketplaceId && start.id < first.id
      ? await db.listing.findMany({ where: { ...scope, id: { lt: first.id } }, orderBy, take: take - after.length, select: DUE_SELECT })
      : [];
  return [...after, ...wrapped].map(due);
}

async function listingsForAsins(projectId: string, platforms: string[], asins: readonly string[], currencies: string[] | null): Promise<DueListing[]> {
  const rows = await db.listing.findMany({
    where: { projectId, platform: { in: platforms }, status: PRICED_STATUS, asin: { in: [...asins] }, ...(currencies ? { currency: { in: currencies } } : {}) },
    select: DUE_SELECT,
  });
  return rows.map(due);
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

/** The shops the monitor reads: those with listings to read on a competitive platform (whether the shop is connected there, its connector says at each turn). */
async function monitoredShops(source: MonitorPlatforms = registryPlatforms): Promise<string[]> {
  const platforms = (await source.competitive()).map((p) => p.platform);
  if (platforms.length === 0) return [];
  const rows = await db.listing.findMany({ where: { platform: { in: platforms }, status: PRICED_STATUS, asin: { not: null } }, select: { projectId: true }, distinct: ['projectId'] });
  return rows.map((r) => r.projectId);
}

/** Gives every monitored shop its turn job (a live one is left as it is). Returns how many shops. */
export async function scheduleMonitorTurns(jobs: Jobs = jobsOn(), source: MonitorPlatforms = registryPlatforms): Promise<number> {
  const shops = await monitoredShops(source);
  for (const projectId of shops) {
    await jobs.enqueue<TurnState>({ queue: MONITOR_QUEUE, key: projectId, groupKey: `shop:${projectId}`, payload: { projectId }, again: true });
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

/**
 * The monitor's worker (not started): its queues and handlers on `jobs`. Each claimed turn reads one batch
 * for its shop and is queued again `intervalMs` after it was due; a turn that fails is tried again after
 * the interval. The server starts it (startMonitor); tests drive it with runOnce and the engine's clock.
 */
export function monitorWorker(jobs: Jobs, options: MonitorOptions & { platforms?: MonitorPlatforms } = {}): Worker {
  const source = options.platforms ?? registryPlatforms;
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
  worker.handle(MONITOR_SHOPS_QUEUE, async () => ({ shops: await scheduleMonitorTurns(jobs, source) }), retryAfterInterval);
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
      const result = await monitorShop(state.projectId, { editsSince: state.lastStart ? new Date(state.lastStart) : null, cursor: state.cursor ?? null, platforms: source });
      if (result.error) log?.(`[pricing monitor] ${state.projectId}: ${result.error}`);
      const summary = { asins: result.asins.length, recorded: result.recorded, triggers: result.triggers.length, suggestionsCreated: result.suggestions?.created ?? 0, error: result.error ?? null };
      // The next turn, `intervalMs` after this one was due, carries where the round robin goes on.
      const next: TurnState = { projectId: state.projectId, cursor: result.cursor ?? null, lastStart: started.toISOString() };
      await context.reschedule(job, new Date(Math.max(job.runAt.getTime() + intervalMs, jobs.now().getTime())), { payload: next, result: summary });
      return summary;
    },
    retryAfterInterval,
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
