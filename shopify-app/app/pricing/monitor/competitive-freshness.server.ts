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
