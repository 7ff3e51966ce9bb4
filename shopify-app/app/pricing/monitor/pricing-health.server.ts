// The platform saying our offer lost Featured Offer (Buy Box) eligibility on price (Amazon's PRICING_HEALTH,
// pulled with the offer changes: `include: ['pricingHealth']`, capability `pricingHealth`). Each becomes an
// open PricingFlag `buy_box_ineligible` on every listing of that item in that marketplace (the flag's
// itemId is the listing's id: it is that offer the platform judged), with our price and the reference
// price as decimal strings and their currency, and asks for a policy run on the listing. A later offer
// change clears it when it shows us holding the Buy Box or our price at or under that reference. Event
// times decide, not arrival order: an older announcement never reopens a flag a newer change cleared,
// and reading the same item twice writes the same flag.
import { compareMoney, type Money, type OfferChange, type PricingHealthChange, type ReferencePriceKind } from '@calibr/shared-contracts';
import type { Prisma } from '@calibr/db';
import { db } from '../../db.server';
import type { Trigger } from '../policy';

export const BUY_BOX_INELIGIBLE = 'buy_box_ineligible';

/** What a `buy_box_ineligible` flag holds in `detail` (Money as decimal strings with their currency). */
export interface BuyBoxIneligibleDetail {
  sku: string;
  asin: string;
  marketplaceId: string;
  /** The platform's own name for the issue (Amazon's issueType). */
  issue: string;
  /** Our landed price as the platform judged it. */
  price: Money;
  /** The reference price it is above (null: the platform named none we could compare). */
  reference: { kind: ReferencePriceKind; price: Money } | null;
  notificationId: string;
  /** ISO 8601: the platform's event time; only a later offer change clears the flag. */
  observedAt: string;
}

const REFERENCE_WORDS: Record<ReferencePriceKind, string> = {
  competitivePrice: 'competitive price',
  averageSellingPrice: 'average selling price',
  retailOfferPrice: "Amazon's retail offer price",
  msrp: 'list price',
};

/** "Amazon: your offer on SKU-1 lost Buy Box eligibility: price 24.99 is above Amazon's reference price 21.50 (competitive price)". */
export function buyBoxIneligibleMessage(detail: Partial<BuyBoxIneligibleDetail>): string {
  const head = `Amazon: your offer on ${detail.sku ?? detail.asin ?? 'a listing'} lost Buy Box eligibility`;
  if (!detail.price) return head;
  if (!detail.reference) return `${head}: price ${detail.price.amount} is not competitive`;
  return `${head}: price ${detail.price.amount} is above Amazon's reference price ${detail.reference.price.amount} (${REFERENCE_WORDS[detail.reference.kind] ?? detail.reference.kind})`;
}

export interface PricingHealthWrites {
  /** Flag writes, for the pull's transaction (with the cursor's advance). */
  writes: Prisma.PrismaPromise<unknown>[];
  /** Listings that lost eligibility: a policy run is asked for them. */
  triggers: Map<string, Trigger>;
  raised: number;
  cleared: number;
}

type FlagRow = { id: string; listingId: string | null; detail: unknown; raisedAt: Date; clearedAt: Date | null };

/**
 * The flag writes of one pull: raise (or refresh) a flag per listing for each pricing-health item, then
 * clear the open ones a later offer change shows eligible again. Reads now; the writes run in the caller's transaction.
 */
export async function pricingHealthWrites(projectId: string, platform: string, health: readonly PricingHealthChange[], changes: readonly OfferChange[]): Promise<PricingHealthWrites> {
  const out: PricingHealthWrites = { writes: [], triggers: new Map(), raised: 0, cleared: 0 };
  const items = [...health.map((h) => ({ itemId: h.itemId, marketplaceId: h.marketplaceId ?? '' })), ...changes.map((c) => ({ itemId: c.listing.itemId, marketplaceId: c.listing.marketplaceId ?? '' }))];
  if (items.length === 0) return out;
  const listings = await db.listing.findMany({
    where: { projectId, platform, asin: { in: [...new Set(items.map((i) => i.itemId))] }, marketplaceId: { in: [...new Set(items.map((i) => i.marketplaceId))] } },
    select: { id: true, asin: true, marketplaceId: true, externalId: true, sku: true, productLinkId: true },
  });
  if (listings.length === 0) return out;
  const flags = await db.pricingFlag.findMany({
    where: { projectId, kind: BUY_BOX_INELIGIBLE, itemId: { in: listings.map((l) => l.id) } },
    select: { id: true, listingId: true, detail: true, raisedAt: true, clearedAt: true },
  });
  // The state each listing's flag is in, as this pull leaves it (written once, at the end).
  const state = new Map<string, { row: FlagRow | null; open: boolean; detail: BuyBoxIneligibleDetail | null; raisedAt: Date | null; clearedAt: Date | null; dirty: boolean }>();
  for (const l of listings) {
    const row = flags.find((f) => f.listingId === l.id) ?? null;
    state.set(l.id, { row, open: !!row && !row.clearedAt, detail: (row?.detail as BuyBoxIneligibleDetail | null) ?? null, raisedAt: row?.raisedAt ?? null, clearedAt: row?.clearedAt ?? null, dirty: false });
  }
  const of = (itemId: string, marketplaceId: string) => listings.filter((l) => l.asin === itemId && l.marketplaceId === marketplaceId);

  for (const h of health) {
    const at = new Date(h.observedAt);
    for (const l of of(h.itemId, h.marketplaceId ?? '')) {
      const s = state.get(l.id)!;
      // Already known as of a later time (raised by a newer announcement, or cleared by a newer change).
      if (s.open && s.detail && Date.parse(s.detail.observedAt) >= at.getTime()) continue;
      if (!s.open && s.clearedAt && s.clearedAt.getTime() >= at.getTime()) continue;
      s.detail = {
        sku: l.sku ?? l.externalId,
        asin: h.itemId,
        marketplaceId: h.marketplaceId ?? '',
        issue: h.issue,
        price: h.ourPrice,
        reference: h.exceeded ? { kind: h.exceeded.kind, price: h.exceeded.price } : null,
        notificationId: h.notificationId,
        observedAt: at.toISOString(),
      };
      if (!s.open) s.raisedAt = at;
      s.open = true;
      s.clearedAt = null;
      s.dirty = true;
      out.raised++;
      out.triggers.set(l.id, { kind: 'buy_box_ineligible', platform, from: h.ourPrice.amount, to: h.exceeded?.price.amount ?? null, at: at.toISOString() });
    }
  }

  for (const c of changes) {
    const at = new Date(c.listing.observedAt);
    const ours = c.listing.offers.filter((o) => o.isOurs);
    if (ours.length === 0) continue;
    for (const l of of(c.listing.itemId, c.listing.marketplaceId ?? '')) {
      const s = state.get(l.id)!;
      if (!s.open || !s.detail || at.getTime() <= Date.parse(s.detail.observedAt)) continue;
      const reference = s.detail.reference?.price;
      const eligible = ours.some((o) => o.isBuyBoxWinner || (reference !== undefined && o.landed.currency === reference.currency && compareMoney(o.landed, reference) <= 0));
      if (!eligible) continue;
      s.open = false;
      s.clearedAt = at;
      s.dirty = true;
      out.cleared++;
      out.triggers.delete(l.id);
    }
  }

  for (const l of listings) {
    const s = state.get(l.id)!;
    if (!s.dirty || !s.detail) continue;
    const data = { productLinkId: l.productLinkId, listingId: l.id, detail: s.detail as unknown as Prisma.InputJsonValue, raisedAt: s.raisedAt!, clearedAt: s.clearedAt };
    out.writes.push(
      db.pricingFlag.upsert({
        where: { projectId_itemId_kind: { projectId, itemId: l.id, kind: BUY_BOX_INELIGIBLE } },
        create: { projectId, itemId: l.id, kind: BUY_BOX_INELIGIBLE, ...data },
        update: data,
      }),
    );
  }
  return out;
}
