// The listings workspace (/app/listings): every linked product of a shop, a page at a time, with what the
// merchant prices it by (cost, floor, ceiling, MAP), each channel's price, who holds the Buy Box, how many
// compete, when the competition was last read, and the last price change.
//
// The list is ordered and filtered by the database (search by title or SKU, sort by title, SKU or date
// linked); the views that need the pricing facts (below target margin, Buy Box held by another seller)
// narrow the ordered ids in memory. Only the page's products are then read in full.
import type { Prisma } from '@calibr/db';
import { databaseProvider, providerOf, resolveDatabaseUrl, type DatabaseProvider } from '@calibr/db';
import { normalizeSku, ValidationError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { findInSlices } from '../pricing/chunks';
import { latestObservations, PRICED_STATUS } from '../pricing/items.server';
import { belowTargetMargin } from './below-margin.server';
import { competitiveFreshness } from '../pricing/monitor/competitive-freshness.server';
import { NEVER_READ, monitoredListings, readingProgress, type ReadingProgress } from '../pricing/monitor/monitored-listings.server';
import { offerChangeStatus } from '../pricing/monitor/offer-changes.server';
import { BUY_BOX_INELIGIBLE } from '../pricing/monitor/pricing-health.server';

import { LISTING_SORTS, LISTING_VIEWS, type ListingSort, type ListingView } from './views';

export { LISTING_SORTS, LISTING_VIEWS, type ListingSort, type ListingView };

export interface ListListingsOptions {
  view?: ListingView;
  q?: string;
  sort?: ListingSort;
  direction?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export interface MoneyView {
  amount: string;
  currency: string;
}

export interface ListingRowView {
  /** The product link's id (or, for a listing no link holds, the listing's): the listing page's id. */
  id: string;
  title: string;
  sku: string;
  /** The shop's currency, in which cost, floor, ceiling and MAP are entered (the stored cost's, when there is one). */
  currency: string;
  cost: string | null;
  floor: string | null;
  ceiling: string | null;
  map: string | null;
  channels: Array<{ listingId: string; platform: string; marketplaceId: string | null; price: MoneyView | null; status: string }>;
  /** From the latest reading: ours, another seller's (with their id), nobody's; null: never read. */
  buyBox: { holder: 'ours' | 'other' | 'none'; sellerId: string | null; price: MoneyView | null } | null;
  /** Competing offers in the latest reading (ours left out); null: never read. */
  competitors: number | null;
  /** When the competition was last read (ISO 8601: the reading's own time); null: never read. */
  readAt: string | null;
  /** Who brought that reading: the platform's notification or the monitor's poll; null: never read. */
  readSource: 'notification' | 'poll' | null;
  /** read: read at least once; reading: monitored but not read yet; not_monitored: nothing the monitor reads (no Amazon listing, no ASIN, or a currency no rule prices). */
  reading: 'read' | 'reading' | 'not_monitored';
  lastChange: { at: string; from: string; to: string; currency: string; status: string } | null;
  priceWar: boolean;
}

export interface ListListingsResult {
  rows: ListingRowView[];
  total: number;
  page: number;
  pageSize: number;
  view: ListingView;
  progress: ReadingProgress;
  /** Platforms whose live offer-change notifications are down (the monitor polls alone meanwhile). */
  alertsDown: string[];
}

/** The query string of GET /api/listings (and the page's), strictly: an unknown value is a 400 naming it. */
export function listingOptionsFrom(query: URLSearchParams): ListListingsOptions {
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const value = query.get(name);
    if (value === null || value === '') return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw ValidationError.field(name, `${name} must be one of ${allowed.join(', ')}`, 'invalid_enum');
    return value as T;
  };
  const count = (name: string, max: number): number | undefined => {
    const value = query.get(name);
    if (value === null || value === '') return undefined;
    const n = /^[0-9]{1,9}$/.test(value) ? Number(value) : NaN;
    if (!(n >= 1 && n <= max)) throw ValidationError.field(name, `${name} must be a whole number from 1 to ${max}`, 'invalid_number');
    return n;
  };
  const options: ListListingsOptions = {};
  const view = pick('view', LISTING_VIEWS);
  const sort = pick('sort', LISTING_SORTS);
  const direction = pick('direction', ['asc', 'desc'] as const);
  const page = count('page', 1_000_000);
  const pageSize = count('pageSize', 100);
  const q = query.get('q')?.trim();
  if (view) options.view = view;
  if (sort) options.sort = sort;
  if (direction) options.direction = direction;
  if (page) options.page = page;
  if (pageSize) options.pageSize = pageSize;
  if (q) options.q = q;
  return options;
}

function provider(): DatabaseProvider {
  try {
    return providerOf(db);
  } catch {
    return databaseProvider(resolveDatabaseUrl());
  }
}

export async function listListings(projectId: string, options: ListListingsOptions = {}): Promise<ListListingsResult> {
  const view = options.view ?? 'all';
  const pageSize = options.pageSize ?? 25;
  const page = options.page ?? 1;
  const direction = options.direction ?? 'asc';
  const where: Prisma.ProductLinkWhereInput[] = [{ projectId }];
  if (options.q) {
    // SQLite's LIKE ignores ASCII case already; PostgreSQL needs ILIKE (`mode: insensitive`).
    const contains = (provider() === 'postgresql' ? { contains: options.q, mode: 'insensitive' } : { contains: options.q }) as Prisma.StringFilter;
    where.push({ OR: [{ title: contains }, { sku: contains }, { listings: { some: { OR: [{ title: contains }, { sku: contains }] } } }] });
  }
  if (view === 'price_war') where.push({ id: { in: await openFlagged(projectId, 'price_war') } });
  if (view === 'buy_box_ineligible') where.push({ id: { in: await openFlagged(projectId, BUY_BOX_INELIGIBLE) } });
  if (view === 'unread') {
    const { where: monitored } = await monitoredListings(projectId);
    where.push({ listings: { some: { AND: [monitored, NEVER_READ] } } });
  }
  const orderBy: Prisma.ProductLinkOrderByWithRelationInput[] =
    options.sort === 'sku' ? [{ sku: direction }, { id: direction }] : options.sort === 'linked' ? [{ createdAt: direction }, { id: direction }] : [{ title: direction }, { sku: direction }, { id: direction }];
  let ids = (await db.productLink.findMany({ where: { AND: where }, orderBy, select: { id: true } })).map((l) => l.id);
  if (view === 'below_margin') {
    const below = await belowTargetMargin(projectId);
    const linkIds = new Set([...below.values()].map((b) => b.productLinkId));
    ids = ids.filter((id) => linkIds.has(id));
  }
  if (view === 'no_buy_box') {
    const others = await otherSellerHoldsBuyBox(projectId);
    ids = ids.filter((id) => others.has(id));
  }
  const pageIds = ids.slice((page - 1) * pageSize, page * pageSize);
  const [rows, progress, channels] = await Promise.all([listingRows(projectId, pageIds), readingProgress(projectId), offerChangeStatus(projectId)]);
  return { rows, total: ids.length, page, pageSize, view, progress, alertsDown: channels.filter((c) => c.state === 'down').map((c) => c.platform) };
}

/** Product links with an open flag of a kind (a price war; an Amazon offer not Buy Box eligible on price). */
async function openFlagged(projectId: string, kind: string): Promise<string[]> {
  const flags = await db.pricingFlag.findMany({ where: { projectId, kind, clearedAt: null, productLinkId: { not: null } }, select: { productLinkId: true } });
  return [...new Set(flags.map((f) => f.productLinkId!))];
}

/** Product links whose latest reading (of any of their Amazon listings) shows another seller holding the Buy Box. */
async function otherSellerHoldsBuyBox(projectId: string): Promise<Set<string>> {
  const amazon = await db.listing.findMany({ where: { projectId, platform: 'amazon', status: PRICED_STATUS, productLinkId: { not: null } }, select: { id: true, productLinkId: true } });
  const latest = await latestObservations(projectId, amazon.map((l) => l.id));
  const out = new Set<string>();
  for (const listing of amazon) {
    const reading = latest.get(listing.id);
    if (reading?.buyBox && reading.buyBoxIsOurs === false) out.add(listing.productLinkId!);
  }
  return out;
}

const ROW_LISTING = { id: true, platform: true, marketplaceId: true, title: true, sku: true, asin: true, currency: true, priceAmount: true, status: true } as const;

/** What a row is built from: a product link and its listings, or a listing no link holds, on its own. */
interface RowProduct {
  id: string;
  sku: string;
  title: string | null;
  listings: Array<{ id: string; platform: string; marketplaceId: string; title: string; sku: string | null; asin: string | null; currency: string; priceAmount: string; status: string }>;
}

/** The page's products in full, in the order of `ids`. */
export async function listingRows(projectId: string, ids: readonly string[]): Promise<ListingRowView[]> {
  if (ids.length === 0) return [];
  const links = await db.productLink.findMany({
    where: { projectId, id: { in: [...ids] } },
    select: { id: true, sku: true, title: true, listings: { where: { status: { not: 'deleted' } }, select: ROW_LISTING, orderBy: [{ platform: 'asc' }, { marketplaceId: 'asc' }] } },
  });
  return rowsOf(projectId, ids, links, 'link');
}

/**
 * The row of a listing no product link holds, shown alone (its page is /app/listings/<listing id>); null
 * when the shop has no such listing or a link holds it. A deleted listing still has its row: its history.
 */
export async function loneListingRow(projectId: string, listingId: string): Promise<ListingRowView | null> {
  const listing = await db.listing.findFirst({ where: { id: listingId, projectId, productLinkId: null }, select: ROW_LISTING });
  if (!listing) return null;
  const [row] = await rowsOf(projectId, [listing.id], [{ id: listing.id, sku: listing.sku ?? '', title: listing.title, listings: [listing] }], 'listing');
  return row ?? null;
}

/**
 * Rows for products already read. `by` says what their ids are: product links (their changes and flags
 * carry the link's id) or lone listings (the listing's id: the item the loop priced).
 */
async function rowsOf(projectId: string, ids: readonly string[], products: readonly RowProduct[], by: 'link' | 'listing'): Promise<ListingRowView[]> {
  const skus = [...new Set(products.flatMap((l) => [l.sku, ...l.listings.map((x) => x.sku)]).filter((s): s is string => !!s))];
  const amazonIds = products.flatMap((l) => l.listings.filter((x) => x.platform === 'amazon' && x.status !== 'retired').map((x) => x.id));
  const [project, wars, { isMonitored }, costs, observations, freshness, changes] = await Promise.all([
    db.project.findUnique({ where: { id: projectId }, select: { currency: true } }),
    db.pricingFlag.findMany({ where: { projectId, kind: 'price_war', clearedAt: null, ...(by === 'link' ? { productLinkId: { in: [...ids] } } : { itemId: { in: [...ids] } }) }, select: { productLinkId: true, itemId: true } }),
    monitoredListings(projectId),
    costsBySku(projectId, skus),
    latestObservations(projectId, amazonIds),
    competitiveFreshness(projectId, amazonIds),
    findInSlices([...ids], (slice) =>
      db.priceChange.findMany({
        where: { projectId, ...(by === 'link' ? { productLinkId: { in: slice } } : { listingId: { in: slice } }) },
        orderBy: [{ approvedAt: 'desc' }, { id: 'desc' }],
        select: { productLinkId: true, listingId: true, approvedAt: true, fromAmount: true, toAmount: true, currency: true, status: true },
      }),
    ),
  ]);
  const lastChange = new Map<string, (typeof changes)[number]>();
  for (const c of changes) {
    const key = by === 'link' ? c.productLinkId : c.listingId;
    if (key && !lastChange.has(key)) lastChange.set(key, c);
  }
  const warLinks = new Set(wars.map((w) => (by === 'link' ? w.productLinkId : w.itemId)));
  const fresh = new Map(freshness.filter((f) => f.observedAt !== null).map((f) => [f.listingId, f]));
  const byId = new Map(products.map((l) => [l.id, l]));
  return ids.flatMap((id): ListingRowView[] => {
    const link = byId.get(id);
    if (!link) return [];
    const cost = costs.get(normalizeSku(link.sku) ?? '');
    const amazon = link.listings.filter((l) => l.platform === 'amazon' && l.status !== 'retired');
    // The reference reading: the most recent of the product's Amazon listings.
    const readings = amazon.flatMap((l) => {
      const f = fresh.get(l.id);
      return f ? [{ listing: l, reading: observations.get(l.id), at: f.observedAt!, source: f.source }] : [];
    });
    readings.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    const latest = readings[0]?.reading;
    const change = lastChange.get(id);
    return [
      {
        id,
        title: link.title ?? link.listings[0]?.title ?? link.sku,
        sku: link.sku,
        currency: cost?.currency ?? project?.currency ?? link.listings[0]?.currency ?? 'USD',
        cost: cost?.costAmount ?? null,
        floor: cost?.floorAmount ?? null,
        ceiling: cost?.ceilingAmount ?? null,
        map: cost?.mapAmount ?? null,
        channels: link.listings.map((l) => ({ listingId: l.id, platform: l.platform, marketplaceId: l.marketplaceId || null, price: l.priceAmount ? { amount: l.priceAmount, currency: l.currency } : null, status: l.status })),
        buyBox: latest
          ? {
              holder: latest.buyBoxIsOurs === true ? 'ours' : latest.buyBox ? 'other' : 'none',
              sellerId: latest.buyBoxIsOurs === true ? null : (latest.offers?.find((o) => o.isBuyBoxWinner)?.sellerId ?? null),
              price: latest.buyBox ? { amount: latest.buyBox.amount, currency: latest.buyBox.currency } : null,
            }
          : null,
        competitors: latest ? (latest.offers ? latest.offers.filter((o) => !o.isOurs).length : (latest.offerCount ?? null)) : null,
        readAt: readings[0]?.at ?? null,
        readSource: readings[0]?.source ?? null,
        // Read once is read; never read is "Reading…" while the monitor has it in its round, else not monitored.
        reading: readings.length > 0 ? 'read' : amazon.some(isMonitored) ? 'reading' : 'not_monitored',
        lastChange: change ? { at: change.approvedAt.toISOString(), from: change.fromAmount, to: change.toAmount, currency: change.currency, status: change.status } : null,
        priceWar: warLinks.has(id),
      },
    ];
  });
}

type CostRow = { sku: string; currency: string; costAmount: string; floorAmount: string | null; ceilingAmount: string | null; mapAmount: string | null; id: string; updatedAt: Date };

/** The stored costs of these SKUs, by normalized SKU (a cost's SKU may be spelt as the merchant typed it). */
export async function costsBySku(projectId: string, skus: readonly string[]): Promise<Map<string, CostRow>> {
  const wanted = new Set(skus.map((s) => normalizeSku(s)).filter((s): s is string => !!s));
  const out = new Map<string, CostRow>();
  if (wanted.size === 0) return out;
  // Spellings differ only in case and spaces: the exact ones first, then the shop's costs scanned when some are missing.
  const exact = await findInSlices([...new Set([...skus, ...wanted])], (slice) => db.productCost.findMany({ where: { projectId, sku: { in: slice } } }));
  for (const c of exact) out.set(normalizeSku(c.sku)!, c);
  if ([...wanted].some((s) => !out.has(s))) {
    for (const c of await db.productCost.findMany({ where: { projectId } })) {
      const key = normalizeSku(c.sku);
      if (key && wanted.has(key) && !out.has(key)) out.set(key, c);
    }
  }
  return out;
}
