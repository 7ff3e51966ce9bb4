// A product's prices over time, for its chart: our own price on each platform (the monitor's and the
// push's snapshots) against the Buy Box and the lowest offer (the competitive observations). Amounts stay
// decimal strings; the series share one time axis, each carrying its last known value forward (prices
// are step functions: a price holds until it changes).
import { NotFoundError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { actorLabels } from './staff-names.server';

export interface HistoryPoint {
  /** ISO 8601 */
  at: string;
  /** Decimal string, or null before the first known value / when nobody held the Buy Box. */
  value: string | null;
}

export interface HistorySeries {
  key: 'our_amazon' | 'our_shopify' | 'buy_box' | 'lowest_offer' | string;
  name: string;
  points: HistoryPoint[];
}

export interface PriceHistory {
  itemId: string;
  title: string;
  sku: string | null;
  currency: string | null;
  series: HistorySeries[];
  changes: Array<{ id: string; at: string; from: string; to: string; status: string; source: string; approvedBy: string | null; approvedByName: string | null }>;
}

const MAX_POINTS = 300;

export async function priceHistory(projectId: string, itemId: string, options: { since?: Date } = {}): Promise<PriceHistory> {
  const link = await db.productLink.findFirst({ where: { id: itemId, projectId }, include: { listings: true } });
  const listings = link ? link.listings : await db.listing.findMany({ where: { id: itemId, projectId } });
  if (listings.length === 0) throw new NotFoundError('No such product in this shop', { resource: 'product', resourceId: itemId });
  const since = options.since ?? new Date(Date.now() - 90 * 24 * 3600_000);
  const amazon = listings.find((l) => l.platform === 'amazon');
  const currency = (amazon ?? listings[0])!.currency;

  const [snapshots, observations, changes] = await Promise.all([
    db.listingPriceSnapshot.findMany({ where: { projectId, listingId: { in: listings.map((l) => l.id) }, observedAt: { gte: since } }, orderBy: { observedAt: 'asc' } }),
    amazon ? db.competitorPriceObservation.findMany({ where: { projectId, listingId: amazon.id, observedAt: { gte: since } }, orderBy: { observedAt: 'asc' } }) : [],
    db.priceChange.findMany({
      where: { projectId, ...(link ? { productLinkId: link.id } : { listingId: itemId }) },
      orderBy: { approvedAt: 'asc' },
      select: { id: true, approvedAt: true, fromAmount: true, toAmount: true, status: true, source: true, approvedBy: true },
    }),
  ]);

  const approver = await actorLabels(projectId, changes.map((c) => c.approvedBy));

  const raw: Array<{ key: string; name: string; events: Array<{ at: number; value: string | null }> }> = [];
  for (const listing of listings.filter((l) => l.currency === currency)) {
    const own = snapshots.filter((s) => s.listingId === listing.id).map((s) => ({ at: s.observedAt.getTime(), value: s.amount }));
    // Today's price closes the line (a listing never snapshotted yet still shows where it stands).
    if (listing.priceAmount) own.push({ at: Date.now(), value: listing.priceAmount });
    const platform = listing.platform === 'amazon' ? 'Amazon' : listing.platform === 'shopify' ? 'Shopify' : listing.platform;
    raw.push({ key: `our_${listing.platform}`, name: `Our price (${platform})`, events: own });
  }
  if (amazon) {
    raw.push({ key: 'buy_box', name: 'Buy Box', events: observations.map((o) => ({ at: o.observedAt.getTime(), value: o.buyBoxAmount })) });
    raw.push({ key: 'lowest_offer', name: 'Lowest offer', events: observations.map((o) => ({ at: o.observedAt.getTime(), value: o.lowestOfferAmount })) });
  }

  // One time axis for every series (the chart draws them against the same x values).
  let axis = [...new Set(raw.flatMap((s) => s.events.map((e) => e.at)))].sort((a, b) => a - b);
  if (axis.length > MAX_POINTS) axis = axis.slice(-MAX_POINTS);
  const series = raw.map((s) => {
    let i = 0;
    let last: string | null = null;
    const points = axis.map((at) => {
      while (i < s.events.length && s.events[i]!.at <= at) last = s.events[i++]!.value;
      return { at: new Date(at).toISOString(), value: last };
    });
    return { key: s.key, name: s.name, points };
  });

  return {
    itemId,
    title: link?.title ?? listings[0]!.title,
    sku: link?.sku ?? listings[0]!.sku,
    currency,
    series,
    changes: changes.map((c) => ({ id: c.id, at: c.approvedAt.toISOString(), from: c.fromAmount, to: c.toAmount, status: c.status, source: c.source, approvedBy: c.approvedBy, approvedByName: approver(c.approvedBy) })),
  };
}
