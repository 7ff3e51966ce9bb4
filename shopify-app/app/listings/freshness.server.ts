// When each listing's competition was last read: the time of its latest CompetitorPriceObservation. The
// workspace shows it as "read 2 min ago" or "Reading…" (never read yet), and the banner counts how many of
// the shop's monitored listings have been read since it connected. One function, so the monitor's own
// account of freshness can replace it without touching the pages.
import type { Prisma } from '@calibr/db';
import { db } from '../db.server';
import { findInSlices } from '../pricing/chunks';
import { PRICED_STATUS } from '../pricing/items.server';
import { monitoredCurrencies } from '../pricing/monitor/monitor-scheduler.server';

/** Listing id → when it was last read, or null when it never was. */
export async function lastReadAt(projectId: string, listingIds: readonly string[]): Promise<Map<string, Date | null>> {
  const out = new Map<string, Date | null>(listingIds.map((id) => [id, null]));
  const rows = await findInSlices([...listingIds], (slice) =>
    db.competitorPriceObservation.groupBy({ by: ['listingId'], where: { projectId, listingId: { in: slice } }, _max: { observedAt: true } }),
  );
  for (const row of rows) if (row.listingId) out.set(row.listingId, row._max.observedAt ?? null);
  return out;
}

export interface ReadingProgress {
  /** Listings the monitor reads (Amazon listings that are priced). */
  total: number;
  /** Of those, how many have been read at least once. */
  read: number;
}

/**
 * The listings the monitor reads, as its round robin picks them: Amazon listings that are priced, with a
 * catalog item (ASIN) to read, in a currency an active rule prices in (any, while a rule has none).
 */
export async function monitoredListings(projectId: string): Promise<{ where: Prisma.ListingWhereInput; isMonitored: (listing: { platform: string; asin: string | null; currency: string; status: string }) => boolean }> {
  const currencies = await monitoredCurrencies(projectId);
  return {
    where: { projectId, platform: 'amazon', status: PRICED_STATUS, asin: { not: null }, ...(currencies ? { currency: { in: currencies } } : {}) },
    isMonitored: (l) => l.platform === 'amazon' && !PRICED_STATUS.notIn.includes(l.status) && l.asin !== null && (currencies === null || currencies.includes(l.currency)),
  };
}

/** How far the first readings have got: "Reading competitor prices: N of M listings read". */
export async function readingProgress(projectId: string): Promise<ReadingProgress> {
  const { where } = await monitoredListings(projectId);
  const [total, read] = await Promise.all([
    db.listing.count({ where }),
    db.listing.count({ where: { ...where, competitorPriceObservations: { some: {} } } }),
  ]);
  return { total, read };
}
