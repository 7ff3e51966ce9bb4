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
// Several app instances may run it: each shop's monitor turn is a BackgroundJob row claimed with a lease
// (the same conditional UPDATE as the push), so one instance at a time reads a shop's prices.
import os from 'node:os';
import { competitiveBatchSize, type PlatformConnector } from '@calibr/shared-contracts';
import { db } from '../../db.server';
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
    const { getPlatformRegistry } = await import('../../registry/registry.server');
    return (await getPlatformRegistry())
      .all()
      .filter((r) => r.descriptor.capabilities.competitivePricing)
      .map((r) => ({ platform: r.descriptor.platform, webhooks: r.descriptor.capabilities.webhooks }));
  },
  async connector(platform, projectId) {
    const { getPlatformRegistry } = await import('../../registry/registry.server');
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
async function monitoredCurrencies(projectId: string): Promise<string[] | null> {
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
    const { startPlatformSync } = await import('../../services/platform-sync.server');
    await startPlatformSync(projectId, platform, { mode: 'incremental', trigger: 'schedule' });
  } catch (error) {
    log?.(`[pricing monitor] ${platform} listing refresh for ${projectId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Shops with listings to read on a competitive platform. */
async function shopsToMonitor(platforms: string[]): Promise<string[]> {
  if (platforms.length === 0) return [];
  const rows = await db.listing.findMany({ where: { platform: { in: platforms }, status: PRICED_STATUS, asin: { not: null } }, select: { projectId: true }, distinct: ['projectId'] });
  return rows.map((r) => r.projectId);
}

/** Starts the monitor in this process; returns its stop function. */
export function startMonitor(options: MonitorOptions & { platforms?: MonitorPlatforms } = {}): () => Promise<void> {
  const source = options.platforms ?? registryPlatforms;
  const intervalMs = options.intervalMs ?? (Number(process.env.PRICING_MONITOR_INTERVAL_MS) || 10_000);
  const refreshMs = options.listingRefreshMs ?? (Number(process.env.PRICING_LISTING_REFRESH_MS) || 15 * 60_000);
  const lastRefresh = new Map<string, number>();
  const instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}:monitor`;
  let stopped = false;
  let current: Promise<void> | null = null;
  const tick = async () => {
    const competitive = await source.competitive();
    for (const projectId of await shopsToMonitor(competitive.map((p) => p.platform))) {
      if (stopped) return;
      const turn = await claimTurn(projectId, instanceId, intervalMs);
      if (!turn) continue;
      try {
        if (refreshMs > 0) {
          for (const p of competitive.filter((c) => !c.webhooks)) await refreshListings(projectId, p.platform, lastRefresh, refreshMs, options.log);
        }
        const result = await monitorShop(projectId, { editsSince: turn.previousStart, cursor: turn.cursor, platforms: source });
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
