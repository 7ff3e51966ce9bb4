// What gets priced: a product linked across platforms (one price for every linked listing), or a
// listing on its own. Each item is read from the database into the policy engine's ListingContext:
// our current price (the Amazon listing's when there is one: that is where the Buy Box is), the latest
// competitive observation, the cost and per-product bounds (ProductCost, by SKU), tags and collections.
//
// A product listed in several Amazon marketplaces is priced per marketplace: one item per marketplace,
// in its currency, against that marketplace's competition. The other platforms' listings (Shopify) go
// with the marketplace priced in their currency. Such an item's id is its reference listing's id (a
// product in one marketplace keeps the product link's id). Retired listings (a marketplace the seller
// no longer chose) and deleted ones are never priced.
import { normalizeSku, type CompetitiveOffer, type Money } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { ianaZone } from '../lib/shop-day';
import { findInSlices } from './chunks';
import { storedMoney, type CompetitiveSnapshot, type CompetitorMove, type ListingContext, type RecentChange, type Trigger } from './policy';

export interface ItemListing {
  id: string;
  platform: string;
  marketplaceId: string;
  externalId: string;
  sku: string | null;
  asin: string | null;
  title: string;
  currency: string;
  priceAmount: string;
  status: string;
}

export interface PricedItem {
  /**
   * The product link's id, or the listing's id for a listing that is not linked, or the reference
   * listing's id for one marketplace of a product priced per marketplace.
   */
  id: string;
  productLinkId: string | null;
  title: string;
  sku: string | null;
  /** The listing whose price is "current" (and whose competition the rules read). */
  reference: ItemListing;
  /** Every listing the item's new price goes to. */
  listings: ItemListing[];
  context: ListingContext;
}

export interface LoadItemsOptions {
  /** Only these items (product link ids: all of its marketplaces; listing ids: the item holding it). */
  ids?: readonly string[];
  /** "What moved" for an item, by its id, its product link's id or one of its listings' ids. */
  triggerFor?: (itemId: string) => Trigger | null | undefined;
  /** What moved for an item `triggerFor` names nothing for. */
  fallbackTrigger?: Trigger | null;
  /** How far back our own changes and competitors' moves are read for the price-war guard (default 24 h). */
  guardWindowMinutes?: number;
  /** The time the items are priced at (the guard's windows end here); default now. */
  now?: Date;
}

/** The price-war guard reads at least a day back: "changes per day" is a 24 h window. */
export const DEFAULT_GUARD_WINDOW_MINUTES = 24 * 60;

/** Listings that are priced: not deleted, not retired. */
export const PRICED_STATUS = { notIn: ['deleted', 'retired'] };

const listingSelect = {
  id: true,
  platform: true,
  marketplaceId: true,
  externalId: true,
  sku: true,
  asin: true,
  title: true,
  currency: true,
  priceAmount: true,
  status: true,
  tags: true,
  collectionIds: true,
  productLinkId: true,
} as const;

type ListingRow = ItemListing & { tags: unknown; collectionIds: unknown; productLinkId: string | null };

/** Every priced item of a shop (or the ones asked for). Deleted and retired listings are left out. */
export async function loadPricedItems(projectId: string, options: LoadItemsOptions = {}): Promise<PricedItem[]> {
  const ids = options.ids ? [...new Set(options.ids)] : null;
  const wanted = ids ? new Set(ids) : null;
  const query = (slice: string[] | null) =>
    db.listing.findMany({
      where: { projectId, status: PRICED_STATUS, ...(slice ? { OR: [{ productLinkId: { in: slice } }, { id: { in: slice } }] } : {}) },
      select: listingSelect,
      orderBy: [{ title: 'asc' }, { id: 'asc' }],
    });
  // A listing id asked for brings its whole product (its marketplaces are told apart below).
  const linksOfListings = ids
    ? await findInSlices(ids, (slice) => db.listing.findMany({ where: { projectId, id: { in: slice }, productLinkId: { not: null } }, select: { productLinkId: true } }))
    : [];
  const loadIds = ids ? [...new Set([...ids, ...linksOfListings.map((l) => l.productLinkId!)])] : null;
  // Each slice names its ids twice (link or listing id), so slices stay within the parameter limit.
  const listings: ListingRow[] = loadIds ? await findInSlices(loadIds, (slice) => query(slice), 400) : await query(null);
  if (listings.length === 0) return [];

  const linkIds = [...new Set(listings.map((l) => l.productLinkId).filter((id): id is string => id !== null))];
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - Math.max(options.guardWindowMinutes ?? 0, DEFAULT_GUARD_WINDOW_MINUTES) * 60_000);
  const amazonIds = listings.filter((l) => l.platform === 'amazon').map((l) => l.id);
  const [links, costs, observations, changes, moves, project] = await Promise.all([
    findInSlices(linkIds, (slice) => db.productLink.findMany({ where: { projectId, id: { in: slice } }, select: { id: true, sku: true, title: true } })),
    db.productCost.findMany({ where: { projectId }, select: { sku: true, currency: true, costAmount: true, floorAmount: true, ceilingAmount: true, mapAmount: true } }),
    latestObservations(projectId, amazonIds),
    recentChangesOf(projectId, listings.map((l) => l.id), since),
    competitorMovesOf(projectId, amazonIds, since),
    // The shop's zone: the times the policy's words name ("held until …") are on the merchant's clock.
    db.project.findUnique({ where: { id: projectId }, select: { timezone: true } }),
  ]);
  const timeZone = ianaZone(project?.timezone);
  const linkById = new Map(links.map((l) => [l.id, l]));
  const costBySku = new Map(costs.map((c) => [normalizeSku(c.sku), c]));

  const groups = new Map<string, ListingRow[]>();
  for (const listing of listings) {
    const key = listing.productLinkId ?? listing.id;
    const group = groups.get(key);
    if (group) group.push(listing);
    else groups.set(key, [listing]);
  }

  const items: PricedItem[] = [];
  for (const [groupId, group] of groups) {
    const markets = marketsOf(group, observations);
    for (const market of markets) {
      const reference = pickReference(market, observations);
      const id = markets.length > 1 ? reference.id : groupId;
      const link = group[0]?.productLinkId ? linkById.get(group[0].productLinkId) : undefined;
      const keys = [id, ...(link ? [link.id] : []), ...market.map((l) => l.id)];
      if (wanted && !keys.some((key) => wanted.has(key))) continue;
      const sku = link?.sku ?? reference.sku;
      const cost = costBySku.get(normalizeSku(sku));
      const observation = observations.get(reference.id);
      const inCurrency = (amount: string | null | undefined, currency: string): Money | null => (amount ? storedMoney(amount, currency) : null);
      const shopify = group.filter((l) => l.platform === 'shopify');
      // Of what moved for this item, our own price edited elsewhere counts first (as the monitor says).
      const moved = options.triggerFor ? keys.map((key) => options.triggerFor!(key)).filter((t): t is Trigger => !!t) : [];
      const trigger = moved.find((t) => t.kind === 'own_price_edited') ?? moved[0] ?? options.fallbackTrigger ?? null;
      items.push({
        id,
        productLinkId: link?.id ?? null,
        title: link?.title ?? reference.title,
        sku,
        reference: strip(reference),
        // One price for the whole market: every listing in the reference's currency gets it.
        listings: market.filter((l) => l.currency === reference.currency).map(strip),
        context: {
          id,
          productLinkId: link?.id ?? null,
          sku,
          title: link?.title ?? reference.title,
          tags: shopify.flatMap((l) => stringArray(l.tags)),
          collectionIds: shopify.flatMap((l) => stringArray(l.collectionIds)),
          currentPrice: reference.priceAmount ? storedMoney(reference.priceAmount, reference.currency) : null,
          cost: cost ? inCurrency(cost.costAmount, cost.currency) : null,
          bounds: cost
            ? { floor: inCurrency(cost.floorAmount, cost.currency), ceiling: inCurrency(cost.ceilingAmount, cost.currency), map: inCurrency(cost.mapAmount, cost.currency) }
            : null,
          competition: observation ?? null,
          trigger,
          platform: reference.platform,
          recentChanges: changes.get(reference.id) ?? [],
          competitorMoves: moves.get(reference.id) ?? [],
          now: now.toISOString(),
          timeZone,
        },
      });
    }
  }
  return items;
}

/**
 * A product's listings by market: one per Amazon marketplace; every other listing joins the marketplace
 * priced in its currency (the one with competitive data first), or, with none in its currency, forms
 * a market of its own. A product in one marketplace (or none) is one market, as it always was.
 */
function marketsOf(group: ListingRow[], observations: Map<string, CompetitiveSnapshot>): ListingRow[][] {
  const byMarketplace = new Map<string, ListingRow[]>();
  for (const listing of group) {
    if (listing.platform !== 'amazon') continue;
    const market = byMarketplace.get(listing.marketplaceId);
    if (market) market.push(listing);
    else byMarketplace.set(listing.marketplaceId, [listing]);
  }
  if (byMarketplace.size <= 1) return [group];
  const markets = [...byMarketplace.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, market]) => market);
  const currencyOf = (market: ListingRow[]) => market.find((l) => l.currency)?.currency ?? '';
  const own: ListingRow[] = [];
  for (const listing of group) {
    if (listing.platform === 'amazon') continue;
    const same = markets.filter((m) => listing.currency && currencyOf(m) === listing.currency);
    const home = same.find((m) => m.some((l) => observations.has(l.id))) ?? same[0];
    if (home) home.push(listing);
    else own.push(listing);
  }
  return own.length > 0 ? [...markets, own] : markets;
}

/** Finds the item a stored suggestion (or change) belongs to: by its listing, else its product or lone listing. */
export function itemResolver(items: readonly PricedItem[]): (row: { productLinkId: string | null; listingId: string | null }) => PricedItem | undefined {
  const byId = new Map(items.map((i) => [i.id, i]));
  const byListing = new Map<string, PricedItem>();
  for (const item of items) for (const listing of [item.reference, ...item.listings]) byListing.set(listing.id, item);
  return (row) => (row.listingId ? byListing.get(row.listingId) : undefined) ?? byId.get(row.productLinkId ?? row.listingId ?? '');
}

/** The Amazon listing with competitive data, else any Amazon listing, else the first (Shopify) listing. */
function pickReference(group: ListingRow[], observations: Map<string, CompetitiveSnapshot>): ListingRow {
  return group.find((l) => l.platform === 'amazon' && observations.has(l.id)) ?? group.find((l) => l.platform === 'amazon') ?? group[0]!;
}

/**
 * Our own price changes of each listing since `since`, newest first: every attempt that was not a
 * failure (applied, or queued/pending on its way), at the time it was applied or else approved.
 */
export async function recentChangesOf(projectId: string, listingIds: readonly string[], since: Date): Promise<Map<string, RecentChange[]>> {
  const out = new Map<string, RecentChange[]>();
  const rows = await findInSlices([...listingIds], (slice) =>
    db.priceChangeAttempt.findMany({
      where: { projectId, listingId: { in: slice }, createdAt: { gte: since }, status: { not: 'failed' }, priceChange: { status: { notIn: ['failed', 'cancelled'] } } },
      select: { listingId: true, amount: true, previousAmount: true, appliedAt: true, createdAt: true, priceChange: { select: { fromAmount: true } } },
    }),
  );
  for (const row of rows) {
    const list = out.get(row.listingId) ?? [];
    list.push({ at: (row.appliedAt ?? row.createdAt).toISOString(), from: row.previousAmount ?? row.priceChange.fromAmount, to: row.amount });
    out.set(row.listingId, list);
  }
  for (const list of out.values()) list.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return out;
}

/** Competitors' price moves on each listing since `since` (monitor/competitive-readings.server.ts records them), newest first. */
export async function competitorMovesOf(projectId: string, listingIds: readonly string[], since: Date): Promise<Map<string, CompetitorMove[]>> {
  const out = new Map<string, CompetitorMove[]>();
  const rows = await findInSlices([...listingIds], (slice) =>
    db.competitorPriceMove.findMany({
      where: { projectId, listingId: { in: slice }, movedAt: { gte: since } },
      orderBy: [{ movedAt: 'desc' }, { id: 'desc' }],
      select: { listingId: true, sellerId: true, fromAmount: true, toAmount: true, movedAt: true },
    }),
  );
  for (const row of rows) {
    const list = out.get(row.listingId) ?? [];
    list.push({ at: row.movedAt.toISOString(), sellerId: row.sellerId, from: row.fromAmount, to: row.toAmount });
    out.set(row.listingId, list);
  }
  return out;
}

/** The latest competitive observation of each listing, as the engine reads it. */
export async function latestObservations(projectId: string, listingIds: readonly string[]): Promise<Map<string, CompetitiveSnapshot>> {
  const out = new Map<string, CompetitiveSnapshot>();
  for (let i = 0; i < listingIds.length; i += 500) {
    const part = listingIds.slice(i, i + 500);
    const rows = await db.competitorPriceObservation.findMany({
      where: { projectId, listingId: { in: part } },
      orderBy: [{ listingId: 'asc' }, { observedAt: 'desc' }],
      distinct: ['listingId'],
      select: { listingId: true, currency: true, buyBoxAmount: true, buyBoxIsOurs: true, lowestOfferAmount: true, offerCount: true, details: true, observedAt: true },
    });
    for (const row of rows) {
      if (!row.listingId) continue;
      out.set(row.listingId, {
        buyBox: row.buyBoxAmount ? storedMoney(row.buyBoxAmount, row.currency) : null,
        buyBoxIsOurs: row.buyBoxIsOurs,
        lowestOffer: row.lowestOfferAmount ? storedMoney(row.lowestOfferAmount, row.currency) : null,
        offerCount: row.offerCount,
        offers: storedOffers(row.details, row.currency),
        observedAt: row.observedAt.toISOString(),
      });
    }
  }
  return out;
}

/** The offers recorded with a reading (details.offers, from the connector's getCompetitiveOffers), ours marked; null when it has none. */
function storedOffers(details: unknown, currency: string): CompetitiveOffer[] | null {
  const list = (details as { offers?: unknown } | null)?.offers;
  if (!Array.isArray(list)) return null;
  const offers: CompetitiveOffer[] = [];
  for (const o of list as Array<Record<string, unknown>>) {
    if (typeof o?.landed !== 'string' || typeof o.isOurs !== 'boolean') continue;
    offers.push({
      sellerId: typeof o.sellerId === 'string' ? o.sellerId : null,
      isOurs: o.isOurs,
      fulfillment: o.fulfillment === 'AFN' ? 'AFN' : 'MFN',
      landed: storedMoney(o.landed, currency),
      isBuyBoxWinner: o.isBuyBoxWinner === true,
      // What the rule's competitor filters read, when the reading had it.
      ...(typeof o.isBuyBoxEligible === 'boolean' ? { isBuyBoxEligible: o.isBuyBoxEligible } : {}),
      ...(typeof o.isPrime === 'boolean' ? { isPrime: o.isPrime } : {}),
      ...(typeof o.condition === 'string' ? { condition: o.condition } : {}),
      ...(feedbackOf(o.feedback) ? { feedback: feedbackOf(o.feedback)! } : {}),
    });
  }
  return offers;
}

function feedbackOf(value: unknown): { percentage: number | null; count: number | null } | null {
  if (typeof value !== 'object' || value === null) return null;
  const f = value as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { percentage: num(f.percentage), count: num(f.count) };
}

function strip(row: ListingRow): ItemListing {
  const { tags: _tags, collectionIds: _collections, productLinkId: _link, ...listing } = row;
  return listing;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
