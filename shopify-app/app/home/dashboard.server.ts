// The home's facts for one shop: the onboarding checklist (each step done or not, with where to do it),
// then the dashboard's figures, each with the filtered list it links to, and how far the first reading of
// competitors' prices has got. Every query is scoped to the shop's project.
import { db } from '../db.server';
import { belowTargetMargin } from '../listings/below-margin.server';
import { shopDayStart } from '../pricing/changes.server';
import { PRICED_STATUS } from '../pricing/items.server';
import { readingProgress } from '../pricing/monitor/monitored-listings.server';
import { BUY_BOX_INELIGIBLE } from '../pricing/monitor/pricing-health.server';

export const STEP_IDS = ['shopify_synced', 'amazon_connected', 'costs_entered', 'rule_created', 'first_approval'] as const;
export type StepId = (typeof STEP_IDS)[number];

export interface ChecklistStep {
  id: StepId;
  title: string;
  done: boolean;
  /** What is there now, or what to do. */
  detail: string;
  /** Where the merchant does it. */
  url: string;
  action: string;
}

export interface Figure {
  count: number;
  url: string;
}

export interface AuthorizationFigure {
  platform: string;
  displayName: string;
  expiresAt: string | null;
  reconnectReason: string | null;
}

export interface Dashboard {
  suggestionsWaiting: Figure;
  appliedToday: Figure;
  failedToday: Figure;
  /** Listings whose latest reading says we hold the Buy Box, of the listings read; percent rounded, null when none read. */
  buyBox: { held: number; read: number; percent: number | null; url: string };
  priceWars: Figure;
  /** Amazon listings whose offer Amazon says lost Buy Box eligibility on price (open `buy_box_ineligible` flags). */
  buyBoxIneligible: Figure;
  belowMargin: Figure;
  /** Authorizations ending within `withinDays` days, or already refused (reconnect). */
  authorizations: { expiring: AuthorizationFigure[]; withinDays: number; url: string };
  /** Price changes settled today with an attempt Amazon refused (its feed's errors). */
  feedErrors: Figure;
}

export interface HomeFacts {
  checklist: { steps: ChecklistStep[]; done: number; total: number; complete: boolean };
  /** Once the checklist is complete; null before. */
  dashboard: Dashboard | null;
  /** Listings competitors' prices are read for, and how many have been read at least once. */
  readings: { read: number; total: number; inProgress: boolean; url: string };
}

/** The platform facts the home asks the registry for (a test gives its own). */
export interface HomePlatforms {
  /** Platforms whose connector reads competitive offers (the monitor reads their listings). */
  competitive(): Promise<string[]>;
  /** The shop's platform authorizations (expiry, refusal) as the connectors report them. */
  authorizations(projectId: string): Promise<AuthorizationFigure[]>;
}

export const registryHomePlatforms: HomePlatforms = {
  async competitive() {
    const { registryPlatforms } = await import('../pricing/monitor/monitor-scheduler.server');
    return (await registryPlatforms.competitive()).map((p) => p.platform);
  },
  async authorizations(projectId) {
    const { platformAuthorizations } = await import('../platforms/platform-authorizations.server');
    return platformAuthorizations(projectId);
  },
};

/** Amazon asks sellers to authorize again every year; its service warns this many days ahead. */
export const AUTHORIZATION_WARNING_DAYS = 30;
const FEED_PLATFORM = 'amazon';

export const HOME_LINKS = {
  integrations: '/app/integrations',
  costs: '/app/pricing/costs',
  rules: '/app/pricing/rules',
  suggestions: '/app/pricing?status=pending',
  appliedToday: '/app/pricing/changes?status=applied&day=today',
  failedToday: '/app/pricing/changes?status=failed&day=today',
  feedErrors: `/app/pricing/changes?failedOn=${FEED_PLATFORM}&day=today`,
  buyBox: '/app/listings?view=no_buy_box',
  priceWars: '/app/listings?view=price_war',
  buyBoxIneligible: '/app/listings?view=buy_box_ineligible',
  belowMargin: '/app/listings?view=below_margin',
  unread: '/app/listings?view=unread',
} as const;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export async function homeFacts(projectId: string, options: { platforms?: HomePlatforms; now?: Date } = {}): Promise<HomeFacts> {
  const platforms = options.platforms ?? registryHomePlatforms;
  const now = options.now ?? new Date();
  // Competitors' prices are read on the platforms that read them where the shop is connected (the monitor
  // skips a disconnected shop): listings elsewhere are not "being read".
  const [competitive, connected] = await Promise.all([
    platforms.competitive(),
    db.platformIntegration.findMany({ where: { projectId, status: 'connected' }, select: { platform: true } }),
  ]);
  const reading = competitive.filter((p) => connected.some((c) => c.platform === p));
  const readable = { projectId, platform: { in: reading }, status: PRICED_STATUS, asin: { not: null } };

  const [shopifyListings, shopifySynced, amazon, costs, rules, changes, pending, progress] = await Promise.all([
    db.listing.count({ where: { projectId, platform: 'shopify', status: { not: 'deleted' } } }),
    db.platformSyncLog.count({ where: { projectId, platform: 'shopify', status: 'completed' } }),
    db.platformIntegration.findUnique({ where: { projectId_platform: { projectId, platform: 'amazon' } }, select: { status: true, externalId: true } }),
    db.productCost.count({ where: { projectId } }),
    db.pricingRule.count({ where: { projectId } }),
    db.priceChange.count({ where: { projectId } }),
    db.priceSuggestion.count({ where: { projectId, status: 'pending' } }),
    // The same count as the listings' banner; the monitor reads Amazon, only while the shop is connected there.
    reading.includes('amazon') ? readingProgress(projectId) : { total: 0, read: 0 },
  ]);

  const steps: ChecklistStep[] = [
    {
      id: 'shopify_synced',
      title: 'Sync your Shopify products',
      done: shopifyListings > 0 || shopifySynced > 0,
      detail: shopifyListings > 0 ? `${plural(shopifyListings, 'variant')} synced from Shopify` : 'No products synced yet',
      url: HOME_LINKS.integrations,
      action: 'Open integrations',
    },
    {
      id: 'amazon_connected',
      title: 'Connect Amazon',
      done: amazon?.status === 'connected',
      detail: amazon?.status === 'connected' ? `Connected${amazon.externalId ? ` as ${amazon.externalId}` : ''}` : amazon?.status === 'needs_reconnect' ? 'Amazon asks you to reconnect' : 'Not connected',
      url: HOME_LINKS.integrations,
      action: 'Connect Amazon',
    },
    {
      id: 'costs_entered',
      title: 'Enter your costs',
      done: costs > 0,
      detail: costs > 0 ? `${plural(costs, 'product cost')} entered` : 'Margins and the fee-aware floor need each product’s cost',
      url: HOME_LINKS.costs,
      action: 'Enter costs',
    },
    {
      id: 'rule_created',
      title: 'Create your first pricing rule',
      done: rules > 0,
      detail: rules > 0 ? `${plural(rules, 'rule')}` : 'A rule decides how Calibrate prices against competitors',
      url: HOME_LINKS.rules,
      action: 'Create a rule',
    },
    {
      id: 'first_approval',
      title: 'Approve your first price',
      done: changes > 0,
      detail: changes > 0 ? `${plural(changes, 'price change')} approved` : pending > 0 ? `${plural(pending, 'suggestion')} waiting for you` : 'Suggestions appear once competitors’ prices are read',
      url: HOME_LINKS.suggestions,
      action: 'Review suggestions',
    },
  ];
  const done = steps.filter((s) => s.done).length;
  const complete = done === steps.length;
  return {
    checklist: { steps, done, total: steps.length, complete },
    // The dashboard is what a set-up shop sees; until then its figures are not read.
    dashboard: complete ? await dashboardFigures(projectId, pending, readable, platforms, now) : null,
    readings: { read: progress.read, total: progress.total, inProgress: progress.total > 0 && progress.read < progress.total, url: HOME_LINKS.unread },
  };
}

type Readable = { projectId: string; platform: { in: string[] }; status: typeof PRICED_STATUS; asin: { not: null } };

async function dashboardFigures(projectId: string, pending: number, readable: Readable, platforms: HomePlatforms, now: Date): Promise<Dashboard> {
  const dayStart = await shopDayStart(projectId, now);
  const [appliedToday, failedToday, feedErrors, priceWars, buyBoxIneligible, buyBoxGroups, belowMargin, authorizations] = await Promise.all([
    db.priceChange.count({ where: { projectId, status: 'applied', completedAt: { gte: dayStart } } }),
    db.priceChange.count({ where: { projectId, status: 'failed', completedAt: { gte: dayStart } } }),
    db.priceChange.count({ where: { projectId, completedAt: { gte: dayStart }, attempts: { some: { platform: FEED_PLATFORM, status: 'failed' } } } }),
    db.pricingFlag.count({ where: { projectId, kind: 'price_war', clearedAt: null } }),
    db.pricingFlag.count({ where: { projectId, kind: BUY_BOX_INELIGIBLE, clearedAt: null } }),
    // The latest reading of each listing, by whether it said the Buy Box is ours: at most three rows per
    // listing, aggregated in the database (readings pile up: every listing is read again and again).
    db.competitorPriceObservation.groupBy({
      by: ['listingId', 'buyBoxIsOurs'],
      where: { projectId, listing: readable },
      _max: { observedAt: true },
    }),
    belowTargetMargin(projectId),
    platforms.authorizations(projectId),
  ]);

  // Per listing, the group whose latest reading is the newest is its latest reading.
  const latest = new Map<string, { at: number; ours: boolean }>();
  for (const g of buyBoxGroups) {
    if (!g.listingId || !g._max.observedAt) continue;
    const at = g._max.observedAt.getTime();
    const seen = latest.get(g.listingId);
    if (!seen || at > seen.at) latest.set(g.listingId, { at, ours: g.buyBoxIsOurs === true });
  }
  const read = latest.size;
  const held = [...latest.values()].filter((l) => l.ours).length;

  const horizon = now.getTime() + AUTHORIZATION_WARNING_DAYS * 86_400_000;
  const expiring = authorizations.filter((a) => a.reconnectReason !== null || (a.expiresAt !== null && Date.parse(a.expiresAt) <= horizon));

  return {
    suggestionsWaiting: { count: pending, url: HOME_LINKS.suggestions },
    appliedToday: { count: appliedToday, url: HOME_LINKS.appliedToday },
    failedToday: { count: failedToday, url: HOME_LINKS.failedToday },
    buyBox: { held, read, percent: read > 0 ? Math.round((held * 100) / read) : null, url: HOME_LINKS.buyBox },
    priceWars: { count: priceWars, url: HOME_LINKS.priceWars },
    buyBoxIneligible: { count: buyBoxIneligible, url: HOME_LINKS.buyBoxIneligible },
    belowMargin: { count: belowMargin.size, url: HOME_LINKS.belowMargin },
    authorizations: { expiring, withinDays: AUTHORIZATION_WARNING_DAYS, url: HOME_LINKS.integrations },
    feedErrors: { count: feedErrors, url: HOME_LINKS.feedErrors },
  };
}
