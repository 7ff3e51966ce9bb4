// How fresh each listing's competitive data is, for the console: when its competitors' offers were last
// read (the reading's own time: the platform's event time for a notification), by which source, and when
// the monitor last asked. One shop's listings only.
import { db } from '../../db.server';

export interface ListingFreshness {
  listingId: string;
  /** ISO 8601: the latest reading's own time; null when none was stored yet. */
  observedAt: string | null;
  /** Who brought it: `notification` (the platform announced it) or `poll` (the monitor read it); null: none yet. */
  source: 'notification' | 'poll' | null;
  /** ISO 8601: when the monitor last read (or tried to read) it. */
  readAt: string;
  /** ISO 8601: when a reading last showed its Buy Box or lowest offer move; null: not seen. */
  movedAt: string | null;
}

/** The freshness of `listingIds` of the shop `projectId` (listings never read are left out). */
export async function competitiveFreshness(projectId: string, listingIds: readonly string[]): Promise<ListingFreshness[]> {
  const out: ListingFreshness[] = [];
  const ids = [...new Set(listingIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.competitiveFreshness.findMany({ where: { projectId, listingId: { in: ids.slice(i, i + 500) } }, select: { listingId: true, observedAt: true, source: true, readAt: true, movedAt: true } });
    for (const r of rows) {
      out.push({
        listingId: r.listingId,
        observedAt: r.observedAt?.toISOString() ?? null,
        source: r.source === 'notification' || r.source === 'poll' ? r.source : null,
        readAt: r.readAt.toISOString(),
        movedAt: r.movedAt?.toISOString() ?? null,
      });
    }
  }
  return out;
}

/** "Competitor prices read 12 s ago (notification)", or why there is nothing to tell. */
export function freshnessText(freshness: Pick<ListingFreshness, 'observedAt' | 'source'> | null | undefined, now: Date = new Date()): string {
  if (!freshness?.observedAt) return 'Competitor prices not read yet';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(freshness.observedAt)) / 1000));
  const ago = seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${Math.round(seconds / 60)} min` : seconds < 86_400 ? `${Math.round(seconds / 3600)} h` : `${Math.round(seconds / 86_400)} d`;
  return `Competitor prices read ${ago} ago${freshness.source ? ` (${freshness.source})` : ''}`;
}

/** The product page's lines: one per listing of the product (or the listing `itemId`) whose competitors were read. */
export async function productFreshnessLines(projectId: string, itemId: string, now: Date = new Date()): Promise<Array<{ listingId: string; marketplaceId: string; text: string }>> {
  const listings = await db.listing.findMany({
    where: { projectId, OR: [{ productLinkId: itemId }, { id: itemId }], competitiveFreshness: { isNot: null } },
    select: { id: true, marketplaceId: true },
    orderBy: { marketplaceId: 'asc' },
  });
  const byId = new Map((await competitiveFreshness(projectId, listings.map((l) => l.id))).map((f) => [f.listingId, f]));
  return listings.map((l) => ({ listingId: l.id, marketplaceId: l.marketplaceId, text: freshnessText(byId.get(l.id), now) }));
}
