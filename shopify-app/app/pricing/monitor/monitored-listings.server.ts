// Which of a shop's listings the monitor reads, and how far its first readings have got. "Read" means the
// monitor's own account says so: a CompetitiveFreshness row with a reading's time (written in the same
// transaction as the CompetitorPriceObservation, whichever source brought it: poll or notification).
import type { Prisma } from '@calibr/db';
import { db } from '../../db.server';
import { PRICED_STATUS } from '../items.server';
import { monitoredCurrencies } from './monitor-scheduler.server';

export interface ReadingProgress {
  /** Listings the monitor reads (Amazon listings that are priced). */
  total: number;
  /** Of those, how many have been read at least once. */
  read: number;
}

/** A listing read at least once (its freshness has a reading's time). */
export const READ: Prisma.ListingWhereInput = { competitiveFreshness: { is: { observedAt: { not: null } } } };
/** A listing never read: no freshness, or only tries that brought no reading. */
export const NEVER_READ: Prisma.ListingWhereInput = { OR: [{ competitiveFreshness: { is: null } }, { competitiveFreshness: { is: { observedAt: null } } }] };

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
  const [total, read] = await Promise.all([db.listing.count({ where }), db.listing.count({ where: { AND: [where, READ] } })]);
  return { total, read };
}
