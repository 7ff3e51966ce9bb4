// What moved since the previous reading of each listing's competition: the Buy Box (its price, or who
// holds it) and the lowest offer. The two latest observations are compared, so each reading is judged
// once, against the one before it. `triggerBetween` is the comparison itself, also used when a
// notification's snapshot is stored (its trigger is decided before the write, in the same transaction).
import { db } from '../../db.server';
import type { Trigger } from '../policy';

export interface MarketChange {
  listingId: string;
  trigger: Trigger;
}

/** The fields of a reading the comparison looks at. */
export interface ReadingSummary {
  buyBoxAmount: string | null;
  buyBoxIsOurs: boolean | null;
  lowestOfferAmount: string | null;
  observedAt: Date;
}

/** What moved from `previous` to `latest`, or null (same Buy Box, same lowest offer). */
export function triggerBetween(previous: ReadingSummary, latest: ReadingSummary, platform = 'amazon'): Trigger | null {
  const at = latest.observedAt.toISOString();
  if (previous.buyBoxIsOurs === true && latest.buyBoxIsOurs !== true) return { kind: 'buy_box_lost', platform, from: previous.buyBoxAmount, to: latest.buyBoxAmount, at };
  if (previous.buyBoxIsOurs !== true && latest.buyBoxIsOurs === true) return { kind: 'buy_box_won', platform, from: previous.buyBoxAmount, to: latest.buyBoxAmount, at };
  if (previous.buyBoxAmount !== latest.buyBoxAmount) return { kind: 'buy_box_moved', platform, from: previous.buyBoxAmount, to: latest.buyBoxAmount, at };
  if (previous.lowestOfferAmount !== latest.lowestOfferAmount) return { kind: 'lowest_offer_moved', platform, from: previous.lowestOfferAmount, to: latest.lowestOfferAmount, at };
  return null;
}

export async function marketChanges(projectId: string, listingIds: readonly string[]): Promise<MarketChange[]> {
  const changes: MarketChange[] = [];
  for (const listingId of listingIds) {
    const [latest, previous] = await db.competitorPriceObservation.findMany({
      where: { projectId, listingId },
      orderBy: [{ observedAt: 'desc' }, { id: 'desc' }],
      take: 2,
      select: { buyBoxAmount: true, buyBoxIsOurs: true, lowestOfferAmount: true, observedAt: true },
    });
    if (!latest || !previous) continue;
    const trigger = triggerBetween(previous, latest);
    if (trigger) changes.push({ listingId, trigger });
  }
  return changes;
}
