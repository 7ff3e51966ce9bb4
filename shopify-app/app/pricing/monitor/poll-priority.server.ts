// Which listings the monitor reads next, when a seller's quota allows one batch (Amazon's
// getItemOffersBatch: 20 ASINs, 0.1 call/s): in priority order, from CompetitiveFreshness —
//   1. never read (no freshness row: nothing known about its market);
//   2. a recent move (its Buy Box or lowest offer moved in the last `recentMoveMs`) not read in the last
//      `rereadAfterMs`: a market that moves is looked at again, notifications or not;
//   3. high value (the top `highValueShare` of the marketplace's listings by price: the app has no sales
//      figures, so value is the listing's price alone) not read in the last `highValueMaxAgeMs`;
//   4. the oldest reading.
// One batch is one platform and marketplace (one call): the first listing by that order picks it, and the
// batch fills up from the same tiers within it.
import type { Prisma } from '@calibr/db';
import { db } from '../../db.server';

export interface DueListing {
  id: string;
  platform: string;
  asin: string;
  marketplaceId: string;
  productLinkId: string | null;
}

export interface PriorityOptions {
  /** A move this recent puts a listing in the second tier. Default 15 min. */
  recentMoveMs?: number;
  /** …unless it was read this recently. Default 60 s. */
  rereadAfterMs?: number;
  /** The share of a marketplace's listings (by price) that counts as high value. Default 0.1. */
  highValueShare?: number;
  /** A high-value listing read longer ago than this is read before the oldest others. Default 10 min. */
  highValueMaxAgeMs?: number;
  now?: Date;
}

const SELECT = { id: true, platform: true, asin: true, marketplaceId: true, productLinkId: true } as const;
type Row = { id: string; platform: string; asin: string | null; marketplaceId: string; productLinkId: string | null };
const due = (l: Row): DueListing => ({ id: l.id, platform: l.platform, asin: l.asin!, marketplaceId: l.marketplaceId, productLinkId: l.productLinkId });
const OLDEST_READ = [{ competitiveFreshness: { readAt: 'asc' as const } }, { id: 'asc' as const }];

/**
 * The next batch of at most `take` listings among `where` (the shop's readable listings), in priority
 * order, all of one platform and marketplace. `take` may depend on the platform (its batch size).
 */
export async function priorityBatch(where: Prisma.ListingWhereInput, take: number | ((platform: string) => Promise<number>), options: PriorityOptions = {}): Promise<DueListing[]> {
  const now = (options.now ?? new Date()).getTime();
  const never: Prisma.ListingWhereInput = { competitiveFreshness: { is: null } };
  const moved: Prisma.ListingWhereInput = {
    competitiveFreshness: { is: { movedAt: { gte: new Date(now - (options.recentMoveMs ?? 15 * 60_000)) }, readAt: { lt: new Date(now - (options.rereadAfterMs ?? 60_000)) } } },
  };
  // The first listing by priority picks the platform and marketplace.
  const first =
    (await db.listing.findFirst({ where: { AND: [where, never] }, orderBy: { id: 'asc' }, select: SELECT })) ??
    (await db.listing.findFirst({ where: { AND: [where, moved] }, orderBy: OLDEST_READ, select: SELECT })) ??
    (await db.listing.findFirst({ where, orderBy: OLDEST_READ, select: SELECT }));
  if (!first) return [];
  const size = typeof take === 'number' ? take : await take(first.platform);
  const scope: Prisma.ListingWhereInput = { AND: [where, { platform: first.platform, marketplaceId: first.marketplaceId }] };
  const picked = new Map<string, Row>();
  const fill = async (extra: Prisma.ListingWhereInput, orderBy: Prisma.ListingOrderByWithRelationInput[]) => {
    if (picked.size >= size) return;
    const rows = await db.listing.findMany({ where: { AND: [scope, extra, { id: { notIn: [...picked.keys()] } }] }, orderBy, take: size - picked.size, select: SELECT });
    for (const r of rows) picked.set(r.id, r);
  };
  await fill(never, [{ id: 'asc' }]);
  await fill(moved, OLDEST_READ);
  const threshold = await highValueThreshold(scope, options.highValueShare ?? 0.1);
  if (threshold !== null) {
    await fill({ competitiveFreshness: { is: { valueMinor: { gte: threshold }, readAt: { lt: new Date(now - (options.highValueMaxAgeMs ?? 10 * 60_000)) } } } }, OLDEST_READ);
  }
  await fill({}, OLDEST_READ);
  return [...picked.values()].map(due);
}

/** The lowest value in the top `share` of the scope's listings already read (null when there are none). */
async function highValueThreshold(scope: Prisma.ListingWhereInput, share: number): Promise<bigint | null> {
  if (share <= 0) return null;
  const read: Prisma.ListingWhereInput = { AND: [scope, { competitiveFreshness: { isNot: null } }] };
  const count = await db.listing.count({ where: read });
  if (count === 0) return null;
  const at = await db.listing.findFirst({
    where: read,
    orderBy: [{ competitiveFreshness: { valueMinor: 'desc' } }, { id: 'asc' }],
    skip: Math.max(0, Math.ceil(count * share) - 1),
    select: { competitiveFreshness: { select: { valueMinor: true } } },
  });
  return at?.competitiveFreshness?.valueMinor ?? null;
}
