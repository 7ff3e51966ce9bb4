// What gets priced: a product linked across platforms (one price for every linked listing), or a
// listing on its own. Each item is read from the database into the policy engine's ListingContext:
// our current price (the Amazon listing's when there is one: that is where the Buy Box is), the latest
// competitive observation, the cost and per-product bounds (ProductCost, by SKU), tags and collections.
import { normalizeSku, type CompetitiveOffer, type Money } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { findInSlices } from './chunks';
import { storedMoney, type CompetitiveSnapshot, type ListingContext, type Trigger } from './policy';

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
  /** The product link's id, or the listing's id for a listing that is not linked. */
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
  /** Only these items (product link ids or listing ids). */
  ids?: readonly string[];
  /** "What moved" for an item, by its id. */
  triggerFor?: (itemId: string) => Trigger | null | undefined;
}

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

/** Every priced item of a shop (or the ones asked for). Deleted listings are left out. */
export async function loadPricedItems(projectId: string, options: LoadItemsOptions = {}): Promise<PricedItem[]> {
  const ids = options.ids ? [...new Set(options.ids)] : null;
  const wanted = ids ? new Set(ids) : null;
  const query = (slice: string[] | null) =>
    db.listing.findMany({
      where: { projectId, status: { not: 'deleted' }, ...(slice ? { OR: [{ productLinkId: { in: slice } }, { id: { in: slice } }] } : {}) },
      select: listingSelect,
      orderBy: [{ title: 'asc' }, { id: 'asc' }],
    });
  // Each slice names its ids twice (link or listing id), so slices stay within the parameter limit.
  const listings: ListingRow[] = ids ? await findInSlices(ids, (slice) => query(slice), 400) : await query(null);
  if (listings.length === 0) return [];

  const linkIds = [...new Set(listings.map((l) => l.productLinkId).filter((id): id is string => id !== null))];
  const [links, costs, observations] = await Promise.all([
    findInSlices(linkIds, (slice) => db.productLink.findMany({ where: { projectId, id: { in: slice } }, select: { id: true, sku: true, title: true } })),
    db.productCost.findMany({ where: { projectId }, select: { sku: true, currency: true, costAmount: true, floorAmount: true, ceilingAmount: true, mapAmount: true } }),
    latestObservations(projectId, listings.filter((l) => l.platform === 'amazon').map((l) => l.id)),
  ]);
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
  for (const [id, group] of groups) {
    if (wanted && !wanted.has(id)) continue;
    const link = group[0]?.productLinkId ? linkById.get(group[0].productLinkId) : undefined;
    const reference = pickReference(group, observations);
    const sku = link?.sku ?? reference.sku;
    const cost = costBySku.get(normalizeSku(sku));
    const observation = observations.get(reference.id);
    const inCurrency = (amount: string | null | undefined, currency: string): Money | null => (amount ? storedMoney(amount, currency) : null);
    const shopify = group.filter((l) => l.platform === 'shopify');
    items.push({
      id,
      productLinkId: link?.id ?? null,
      title: link?.title ?? reference.title,
      sku,
      reference: strip(reference),
      // One price for the whole product: every listing in the reference's currency gets it.
      listings: group.filter((l) => l.currency === reference.currency && l.status !== 'deleted').map(strip),
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
        trigger: options.triggerFor?.(id) ?? null,
      },
    });
  }
  return items;
}

/** The Amazon listing with competitive data, else any Amazon listing, else the first (Shopify) listing. */
function pickReference(group: ListingRow[], observations: Map<string, CompetitiveSnapshot>): ListingRow {
  return group.find((l) => l.platform === 'amazon' && observations.has(l.id)) ?? group.find((l) => l.platform === 'amazon') ?? group[0]!;
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

/** The offers the Amazon service recorded with a reading (details.offers), ours marked; null when it has none. */
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
    });
  }
  return offers;
}

function strip(row: ListingRow): ItemListing {
  const { tags: _tags, collectionIds: _collections, productLinkId: _link, ...listing } = row;
  return listing;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
