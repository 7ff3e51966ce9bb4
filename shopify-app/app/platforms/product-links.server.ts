// The same product on several platforms: listings linked by SKU automatically (normalized, so
// " cal-shoe-9 " and "CAL-SHOE-9" meet), and by the merchant by hand when the SKUs differ. A listing the
// merchant linked or unlinked by hand (`linkSource` manual / unlinked) is never touched by auto-linking.
import { isPrismaError, type Prisma } from '@calibr/db';
import { ConflictError, NotFoundError, ValidationError, normalizeSku } from '@calibr/shared-contracts';
import { db } from '../db.server';

export interface LinkedListingView {
  id: string;
  platform: string;
  marketplaceId: string | null;
  externalId: string;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  status: string;
  /** The listing's current price as last read from the platform (sync, webhook or price read). */
  price: { amount: string; currency: string } | null;
  lastSyncedAt: string;
  linkSource: string | null;
}

export interface ProductLinkView {
  id: string;
  sku: string;
  title: string | null;
  source: 'auto' | 'manual';
  createdAt: string;
  listings: LinkedListingView[];
  /** The platforms the listings are on, for the side-by-side columns. */
  platforms: string[];
}

const listingSelect = {
  id: true,
  platform: true,
  marketplaceId: true,
  externalId: true,
  sku: true,
  title: true,
  variantTitle: true,
  status: true,
  priceAmount: true,
  currency: true,
  lastSyncedAt: true,
  linkSource: true,
  productLinkId: true,
} satisfies Prisma.ListingSelect;

type ListingPick = Prisma.ListingGetPayload<{ select: typeof listingSelect }>;

export function listingView(row: ListingPick): LinkedListingView {
  return {
    id: row.id,
    platform: row.platform,
    marketplaceId: row.marketplaceId || null,
    externalId: row.externalId,
    sku: row.sku,
    title: row.title,
    variantTitle: row.variantTitle,
    status: row.status,
    price: row.priceAmount && row.currency ? { amount: row.priceAmount, currency: row.currency } : null,
    lastSyncedAt: row.lastSyncedAt.toISOString(),
    linkSource: row.linkSource,
  };
}

function linkView(link: { id: string; sku: string; title: string | null; source: string; createdAt: Date; listings: ListingPick[] }): ProductLinkView {
  const listings = [...link.listings].sort((a, b) => a.platform.localeCompare(b.platform) || a.marketplaceId.localeCompare(b.marketplaceId));
  return {
    id: link.id,
    sku: link.sku,
    title: link.title,
    source: link.source === 'manual' ? 'manual' : 'auto',
    createdAt: link.createdAt.toISOString(),
    listings: listings.map(listingView),
    platforms: [...new Set(listings.map((l) => l.platform))],
  };
}

// Auto-linking of one shop runs one at a time in this process (two syncs finishing together).
const linking = new Map<string, Promise<AutoLinkResult>>();

export interface AutoLinkResult {
  linksCreated: number;
  listingsLinked: number;
  listingsUnlinked: number;
}

/** Link every listing whose SKU appears on two or more platforms; drop auto links that no longer hold. */
export function autoLinkBySku(projectId: string): Promise<AutoLinkResult> {
  const previous = linking.get(projectId) ?? Promise.resolve(undefined);
  const run = previous.catch(() => undefined).then(() => runAutoLink(projectId));
  linking.set(projectId, run);
  void run.finally(() => {
    if (linking.get(projectId) === run) linking.delete(projectId);
  }).catch(() => undefined);
  return run;
}

async function runAutoLink(projectId: string): Promise<AutoLinkResult> {
  const result: AutoLinkResult = { linksCreated: 0, listingsLinked: 0, listingsUnlinked: 0 };
  const [listings, links] = await Promise.all([
    db.listing.findMany({
      where: { projectId, status: { not: 'deleted' }, sku: { not: null } },
      select: { id: true, platform: true, sku: true, title: true, productLinkId: true, linkSource: true },
    }),
    db.productLink.findMany({ where: { projectId }, select: { id: true, sku: true, source: true } }),
  ]);
  const linkBySku = new Map(links.map((l) => [l.sku, l]));
  const linkById = new Map(links.map((l) => [l.id, l]));

  // Listings auto-linking may move: never linked, or linked automatically.
  const movable = listings.filter((l) => l.linkSource === null || l.linkSource === 'auto');
  const groups = new Map<string, typeof listings>();
  for (const listing of movable) {
    const key = normalizeSku(listing.sku);
    if (!key) continue;
    groups.set(key, [...(groups.get(key) ?? []), listing]);
  }

  // An auto-linked listing whose SKU no longer matches its link's leaves it.
  for (const listing of movable) {
    if (!listing.productLinkId) continue;
    const link = linkById.get(listing.productLinkId);
    if (link && link.sku !== normalizeSku(listing.sku)) {
      await db.listing.update({ where: { id: listing.id }, data: { productLinkId: null, linkSource: null } });
      listing.productLinkId = null;
      result.listingsUnlinked++;
    }
  }

  for (const [sku, group] of groups) {
    let link = linkBySku.get(sku);
    if (!link) {
      const platforms = new Set(group.map((l) => l.platform));
      if (platforms.size < 2) continue;
      try {
        link = await db.productLink.create({ data: { projectId, sku, title: group[0]?.title ?? null, source: 'auto' }, select: { id: true, sku: true, source: true } });
        result.linksCreated++;
      } catch (error) {
        // Another process linked it first.
        if (!isPrismaError(error, 'P2002')) throw error;
        link = await db.productLink.findUniqueOrThrow({ where: { projectId_sku: { projectId, sku } }, select: { id: true, sku: true, source: true } });
      }
      linkBySku.set(sku, link);
    }
    const joining = group.filter((l) => l.productLinkId !== link.id).map((l) => l.id);
    if (joining.length > 0) {
      await db.listing.updateMany({ where: { id: { in: joining }, projectId }, data: { productLinkId: link.id, linkSource: 'auto' } });
      result.listingsLinked += joining.length;
    }
  }

  // Auto links left with fewer than two listings are no link at all.
  result.listingsUnlinked += await dropHollowAutoLinks(projectId);
  return result;
}

async function dropHollowAutoLinks(projectId: string): Promise<number> {
  const hollow = await db.productLink.findMany({
    where: { projectId, source: 'auto' },
    select: { id: true, listings: { where: { status: { not: 'deleted' } }, select: { id: true, platform: true } } },
  });
  let unlinked = 0;
  for (const link of hollow) {
    if (new Set(link.listings.map((l) => l.platform)).size >= 2) continue;
    const { count } = await db.listing.updateMany({ where: { productLinkId: link.id }, data: { productLinkId: null, linkSource: null } });
    unlinked += count;
    await deleteLinkIfUnused(link.id);
  }
  return unlinked;
}

/**
 * A link that pricing already refers to (rules, suggestions, changes) is kept, empty, so deleting it
 * never cascades into the merchant's pricing history; any other is deleted.
 */
async function deleteLinkIfUnused(linkId: string): Promise<void> {
  const link = await db.productLink.findUnique({
    where: { id: linkId },
    select: { _count: { select: { pricingRules: true, priceSuggestions: true, priceChanges: true, listings: true } } },
  });
  if (!link) return;
  const { pricingRules, priceSuggestions, priceChanges, listings } = link._count;
  if (pricingRules + priceSuggestions + priceChanges + listings > 0) return;
  await db.productLink.delete({ where: { id: linkId } }).catch((error: unknown) => {
    if (!isPrismaError(error, 'P2025')) throw error;
  });
}

export interface LinkQuery {
  query?: string;
  page?: number;
  pageSize?: number;
}

export interface LinkPage {
  links: ProductLinkView[];
  page: number;
  pageSize: number;
  total: number;
}

export async function listProductLinks(projectId: string, options: LinkQuery = {}): Promise<LinkPage> {
  const pageSize = Math.min(Math.max(options.pageSize ?? 25, 1), 100);
  const page = Math.max(options.page ?? 1, 1);
  const q = options.query?.trim();
  const where: Prisma.ProductLinkWhereInput = {
    projectId,
    // A link kept only for its pricing history (no listings left) isn't a linked product.
    listings: { some: { status: { not: 'deleted' } } },
    ...(q
      ? { AND: [{ OR: [{ sku: { contains: q.toUpperCase() } }, { title: { contains: q } }, { listings: { some: { OR: [{ sku: { contains: q } }, { title: { contains: q } }] } } }] }] }
      : {}),
  };
  const [total, links] = await Promise.all([
    db.productLink.count({ where }),
    db.productLink.findMany({
      where,
      orderBy: [{ title: 'asc' }, { sku: 'asc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: { id: true, sku: true, title: true, source: true, createdAt: true, listings: { where: { status: { not: 'deleted' } }, select: listingSelect } },
    }),
  ]);
  return { links: links.map(linkView), page, pageSize, total };
}

export async function getProductLink(projectId: string, linkId: string): Promise<ProductLinkView> {
  const link = await db.productLink.findFirst({
    where: { id: linkId, projectId },
    select: { id: true, sku: true, title: true, source: true, createdAt: true, listings: { where: { status: { not: 'deleted' } }, select: listingSelect } },
  });
  // Another shop's link is as absent as one that never existed.
  if (!link) throw new NotFoundError(`No product link ${linkId}`, { resource: 'product_link', resourceId: linkId });
  return linkView(link);
}

/** Listings in no link, for the merchant to link by hand (optionally one platform, searched). */
export async function unlinkedListings(projectId: string, options: { platform?: string; query?: string; limit?: number } = {}): Promise<LinkedListingView[]> {
  const q = options.query?.trim();
  const rows = await db.listing.findMany({
    where: {
      projectId,
      productLinkId: null,
      status: { not: 'deleted' },
      ...(options.platform ? { platform: options.platform } : {}),
      ...(q ? { OR: [{ sku: { contains: q } }, { title: { contains: q } }, { externalId: { contains: q } }] } : {}),
    },
    orderBy: [{ platform: 'asc' }, { title: 'asc' }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 200),
    select: listingSelect,
  });
  return rows.map(listingView);
}

async function ownedListings(projectId: string, listingIds: readonly string[]): Promise<ListingPick[]> {
  const ids = [...new Set(listingIds)];
  const rows = await db.listing.findMany({ where: { projectId, id: { in: ids }, status: { not: 'deleted' } }, select: listingSelect });
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    throw new NotFoundError(`No listing ${missing.join(', ')}`, { resource: 'listing', resourceId: missing[0] as string });
  }
  return rows;
}

/**
 * Link listings by hand (their SKUs may differ). The link's SKU is the one given, or the first listing's.
 * A listing already in another link moves here; a link that already has this SKU takes the listings in.
 */
export async function createManualLink(projectId: string, input: { listingIds: readonly string[]; sku?: string; title?: string }, actor: string): Promise<ProductLinkView> {
  if (!Array.isArray(input.listingIds) || input.listingIds.length < 2) {
    throw ValidationError.field('listingIds', 'choose at least two listings to link', 'too_small');
  }
  const rows = await ownedListings(projectId, input.listingIds);
  const ordered = input.listingIds.map((id) => rows.find((r) => r.id === id) as ListingPick);
  const sku = normalizeSku(input.sku ?? ordered.find((r) => r.sku)?.sku ?? null);
  if (!sku) throw ValidationError.field('sku', 'none of these listings has a SKU: give the link one', 'required');
  const previousLinks = [...new Set(rows.map((r) => r.productLinkId).filter((id): id is string => id !== null))];
  const link = await db.productLink.upsert({
    where: { projectId_sku: { projectId, sku } },
    create: { projectId, sku, title: input.title ?? ordered[0]?.title ?? null, source: 'manual', createdBy: actor },
    update: { source: 'manual', ...(input.title ? { title: input.title } : {}) },
  });
  await db.$transaction([
    db.listing.updateMany({ where: { projectId, id: { in: rows.map((r) => r.id) } }, data: { productLinkId: link.id, linkSource: 'manual' } }),
    db.auditLog.create({
      data: { projectId, actor, actorType: 'user', action: 'product_link.linked', entityType: 'ProductLink', entityId: link.id, data: { sku, listingIds: rows.map((r) => r.id) } },
    }),
  ]);
  await dropEmptyLinks(projectId, previousLinks.filter((id) => id !== link.id));
  return getProductLink(projectId, link.id);
}

/** Add listings to a link or take them out. A listing taken out is marked so auto-linking leaves it alone. */
export async function updateLink(projectId: string, linkId: string, change: { add?: readonly string[]; remove?: readonly string[] }, actor: string): Promise<ProductLinkView | null> {
  const link = await getProductLink(projectId, linkId);
  const add = change.add ?? [];
  const remove = change.remove ?? [];
  if (add.length === 0 && remove.length === 0) throw ValidationError.field('add', 'give listings to add or remove', 'required');
  if (add.length > 0) {
    const rows = await ownedListings(projectId, add);
    const previous = [...new Set(rows.map((r) => r.productLinkId).filter((id): id is string => id !== null && id !== linkId))];
    await db.listing.updateMany({ where: { projectId, id: { in: rows.map((r) => r.id) } }, data: { productLinkId: linkId, linkSource: 'manual' } });
    await db.productLink.update({ where: { id: linkId }, data: { source: 'manual' } });
    await dropEmptyLinks(projectId, previous);
  }
  if (remove.length > 0) {
    const members = new Set(link.listings.map((l) => l.id));
    const strangers = remove.filter((id) => !members.has(id));
    if (strangers.length > 0) throw new ConflictError(`Listing ${strangers.join(', ')} is not in this link`);
    await db.listing.updateMany({ where: { projectId, id: { in: [...remove] } }, data: { productLinkId: null, linkSource: 'unlinked' } });
  }
  await db.auditLog.create({
    data: { projectId, actor, actorType: 'user', action: 'product_link.changed', entityType: 'ProductLink', entityId: linkId, data: { add: [...add], remove: [...remove] } },
  });
  const left = await db.listing.count({ where: { productLinkId: linkId, status: { not: 'deleted' } } });
  if (left < 2) {
    await unlink(projectId, linkId, actor);
    return null;
  }
  return getProductLink(projectId, linkId);
}

/** Undo a link: its listings stay apart (auto-linking won't join them again) until linked by hand. */
export async function unlink(projectId: string, linkId: string, actor: string): Promise<void> {
  await getProductLink(projectId, linkId);
  await db.$transaction([
    db.listing.updateMany({ where: { projectId, productLinkId: linkId }, data: { productLinkId: null, linkSource: 'unlinked' } }),
    db.auditLog.create({ data: { projectId, actor, actorType: 'user', action: 'product_link.unlinked', entityType: 'ProductLink', entityId: linkId } }),
  ]);
  await deleteLinkIfUnused(linkId);
}

async function dropEmptyLinks(projectId: string, linkIds: readonly string[]): Promise<void> {
  for (const id of linkIds) {
    const left = await db.listing.count({ where: { productLinkId: id, status: { not: 'deleted' } } });
    if (left >= 2) continue;
    await db.listing.updateMany({ where: { projectId, productLinkId: id }, data: { productLinkId: null, linkSource: null } });
    await deleteLinkIfUnused(id);
  }
}
