// Our own price, watched: every listing's current price (kept fresh by Shopify's products/update webhook
// and by Amazon listing refreshes) is compared with the last price we saw. A price we pushed was
// recorded by the push itself; anything else was edited outside Calibrate (Shopify Admin, Seller
// Central): it is recorded, written to the audit log (Shopify's handler already does that for Shopify),
// and the product is evaluated again.
import { db } from '../../db.server';
import { findInSlices } from '../chunks';
import { PRICED_STATUS } from '../items.server';
import type { Trigger } from '../policy';

/** How long after a push its price still counts as ours (as the products/update handler counts it). */
const OWN_CHANGE_WINDOW_MS = 24 * 60 * 60_000;

export interface OwnPriceEdit {
  listingId: string;
  itemId: string;
  trigger: Trigger;
}

/** `since`: only listings written since then (the previous pass); without it, every listing (the baseline). */
export async function noticeOwnPriceEdits(projectId: string, options: { listingIds?: readonly string[]; since?: Date | null } = {}): Promise<OwnPriceEdit[]> {
  const query = (ids: string[] | null) =>
    db.listing.findMany({
      where: { projectId, status: PRICED_STATUS, priceAmount: { not: '' }, ...(ids ? { id: { in: ids } } : {}), ...(options.since ? { updatedAt: { gte: options.since } } : {}) },
      select: { id: true, platform: true, currency: true, priceAmount: true, productLinkId: true, externalId: true },
    });
  const listings = options.listingIds ? await findInSlices([...options.listingIds], query) : await query(null);
  const edits: OwnPriceEdit[] = [];
  for (let i = 0; i < listings.length; i += 500) {
    const part = listings.slice(i, i + 500);
    const snapshots = await db.listingPriceSnapshot.findMany({
      where: { listingId: { in: part.map((l) => l.id) } },
      orderBy: [{ listingId: 'asc' }, { observedAt: 'desc' }],
      distinct: ['listingId'],
      select: { listingId: true, amount: true, currency: true },
    });
    const last = new Map(snapshots.map((s) => [s.listingId, s]));
    const now = new Date();
    const moved = part.filter((l) => {
      const seen = last.get(l.id);
      return !(seen && seen.amount === l.priceAmount && seen.currency === l.currency);
    });
    // Our own price on its way (the webhook can tell the listing before the push records its answer).
    const ours = new Set(
      (
        await db.priceChangeAttempt.findMany({
          where: {
            listingId: { in: moved.map((l) => l.id) },
            // A queued attempt already sent once may be on the platform although its answer was lost.
            OR: [{ status: { in: ['pending', 'applied'] } }, { status: 'queued', attemptCount: { gt: 0 } }],
            updatedAt: { gte: new Date(now.getTime() - OWN_CHANGE_WINDOW_MS) },
          },
          select: { listingId: true, amount: true, currency: true },
        })
      ).map((a) => `${a.listingId} ${a.amount} ${a.currency}`),
    );
    for (const listing of moved) {
      const seen = last.get(listing.id);
      const pushed = ours.has(`${listing.id} ${listing.priceAmount} ${listing.currency}`);
      // First sight is the baseline, not an edit; nor is a price we pushed.
      const edited = seen !== undefined && !pushed;
      await db.listingPriceSnapshot.create({
        data: { projectId, listingId: listing.id, platform: listing.platform, currency: listing.currency, amount: listing.priceAmount, source: pushed ? 'push' : edited ? 'outside_edit' : 'monitor', observedAt: now },
      });
      if (!edited || !seen) continue;
      const trigger: Trigger = { kind: 'own_price_edited', platform: listing.platform, from: seen.amount, to: listing.priceAmount, at: now.toISOString() };
      edits.push({ listingId: listing.id, itemId: listing.productLinkId ?? listing.id, trigger });
      if (listing.platform !== 'shopify') {
        await db.auditLog.create({
          data: {
            projectId,
            actor: listing.platform,
            actorType: 'system',
            action: 'listing.price_changed_outside_calibrate',
            entityType: 'Listing',
            entityId: listing.id,
            data: { externalId: listing.externalId, from: seen.amount, to: listing.priceAmount, currency: listing.currency, noticedBy: 'pricing monitor' },
          },
        });
      }
    }
  }
  return edits;
}
