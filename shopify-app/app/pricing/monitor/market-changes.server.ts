// What moved since the previous reading of each listing's competition: the Buy Box (its price, or who
// holds it) and the lowest offer. The two latest observations are compared, so each reading is judged
// once, against the one before it.
import { db } from '../../db.server';
import type { Trigger } from '../policy';

export interface MarketChange {
  listingId: string;
  trigger: Trigger;
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
    const at = latest.observedAt.toISOString();
    let trigger: Trigger | null = null;
    if (previous.buyBoxIsOurs === true && latest.buyBoxIsOurs !== true) {
      trigger = { kind: 'buy_box_lost', platform: 'amazon', from: previous.buyBoxAmount, to: latest.buyBoxAmount, at };
    } else if (previous.buyBoxIsOurs !== true && latest.buyBoxIsOurs === true) {
      trigger = { kind: 'buy_box_won', platform: 'amazon', from: previous.buyBoxAmount, to: latest.buyBoxAmount, at };
    } else if (previous.buyBoxAmount !== latest.buyBoxAmount) {
      trigger = { kind: 'buy_box_moved', platform: 'amazon', from: previous.buyBoxAmount, to: latest.buyBoxAmount, at };
    } else if (previous.lowestOfferAmount !== latest.lowestOfferAmount) {
      trigger = { kind: 'lowest_offer_moved', platform: 'amazon', from: previous.lowestOfferAmount, to: latest.lowestOfferAmount, at };
    }
    if (trigger) changes.push({ listingId, trigger });
  }
  return changes;
}
