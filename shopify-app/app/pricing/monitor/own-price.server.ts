// Our own price, watched: every listing's current price (kept fresh by Shopify's products/update webhook
// and by Amazon listing refreshes) is compared with the last price we saw. A price we pushed was
// recorded by the push itself; anything else was edited outside Calibrate (Shopify Admin, Seller
// Central): it is recorded, written to the audit log (Shopify's handler already does that for Shopify),
// and the product is evaluated again.
import { db } from '../../db.server';
import type { Trigger } from '../policy';

export interface OwnPriceEdit {
  listingId: string;
  itemId: string;
  trigger: Trigger;
}

export async function noticeOwnPriceEdits(projectId: string, options: { listingIds?: readonly string[] } = {}): Promise<OwnPriceEdit[]> {
  const listings = await db.listing.findMany({
    where: { projectId, status: { not: 'deleted' }, priceAmount: { not: '' }, ...(options.listingIds ? { id: { in: [...options.listingIds] } } : {}) },
    select: { id: true, platform: true, currency: true, priceAmount: true, productLinkId: true, externalId: true },
  });
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
    for (const listing of part) {
      const seen = last.get(listing.id);
      if (seen && seen.amount === listing.priceAmount && seen.currency === listing.currency) continue;
      // First sight is the baseline, not an edit.
      const edited = seen !== undefined;
      await db.listingPriceSnapshot.create({
        data: { projectId, listingId: listing.id, platform: listing.platform, currency: listing.currency, amount: listing.priceAmount, source: edited ? 'outside_edit' : 'monitor', observedAt: now },
      });
      if (!edited) continue;
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
