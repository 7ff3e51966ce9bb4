// Shopify variants stored as Listings. A listing's `platformUpdatedAt` is its product's `updated_at`:
// a write carrying an older `updated_at` (a late webhook, a slow sync page) never overwrites newer state.
import type { Money, NormalizedProduct } from '@calibr/shared-contracts';
import { db } from '../db.server';
import type { VariantLocation, VariantLocator } from '../connectors/shopify';

export interface ListingWriteResult {
  created: number;
  updated: number;
  /** Skipped because the stored state is newer. */
  stale: number;
  /** Price changes seen on existing listings: [listingId, from, to]. */
  priceChanges: Array<{ listingId: string; externalId: string; from: string; to: string; currency: string }>;
}

export async function upsertShopifyProducts(
  projectId: string,
  products: readonly NormalizedProduct[],
  seenAt = new Date(),
): Promise<ListingWriteResult> {
  const result: ListingWriteResult = { created: 0, updated: 0, stale: 0, priceChanges: [] };
  const listings = products.flatMap((p) => p.listings.map((l) => ({ product: p, listing: l })));
  if (listings.length === 0) return result;
  // Read in chunks: databases cap the parameters of one query (SQLite's limit is the lowest).
  const ids = listings.map((l) => l.listing.externalId);
  const existing = [];
  for (let i = 0; i < ids.length; i += 400) {
    existing.push(...(await db.listing.findMany({ where: { projectId, platform: 'shopify', marketplaceId: '', externalId: { in: ids.slice(i, i + 400) } } })));
  }
  const byId = new Map(existing.map((row) => [row.externalId, row]));
  const writes = [];
  for (const { product, listing } of listings) {
    const updatedAt = product.updatedAt ? new Date(product.updatedAt) : null;
    const row = byId.get(listing.externalId);
    const fields = {
      productExternalId: product.externalId,
      sku: listing.sku,
      title: product.title,
      variantTitle: listing.title === product.title ? null : listing.title.slice(product.title.length + 3),
      status: product.status === 'active' ? 'active' : 'inactive',
      currency: listing.price?.currency ?? row?.currency ?? 'USD',
      priceAmount: listing.price?.amount ?? row?.priceAmount ?? '0',
      compareAtAmount: listing.compareAtPrice ? listing.compareAtPrice.amount : null,
      platformUpdatedAt: updatedAt,
      lastSyncedAt: seenAt,
      data: { handle: product.handle ?? null, vendor: product.brand ?? null, productType: product.productType ?? null, productStatus: product.status },
    };
    if (!row) {
      result.created++;
      writes.push(db.listing.create({ data: { projectId, platform: 'shopify', marketplaceId: '', externalId: listing.externalId, ...fields } }));
      continue;
    }
    if (row.platformUpdatedAt && updatedAt && row.platformUpdatedAt > updatedAt) {
      result.stale++;
      continue;
    }
    if (row.priceAmount !== fields.priceAmount) {
      result.priceChanges.push({ listingId: row.id, externalId: row.externalId, from: row.priceAmount, to: fields.priceAmount, currency: fields.currency });
    }
    result.updated++;
    // Conditional on the stored updated_at, so a concurrent older delivery that read the same row can't win.
    writes.push(db.listing.updateMany({ where: { id: row.id, ...(updatedAt ? { OR: [{ platformUpdatedAt: null }, { platformUpdatedAt: { lte: updatedAt } }] } : {}) }, data: fields }));
  }
  if (writes.length > 0) await db.$transaction(writes);
  return result;
}

/** After a full sync: variants Shopify no longer has are marked deleted (kept for history). */
export async function markUnseenListingsDeleted(projectId: string, syncStartedAt: Date): Promise<number> {
  const { count } = await db.listing.updateMany({
    where: { projectId, platform: 'shopify', lastSyncedAt: { lt: syncStartedAt }, status: { not: 'deleted' } },
    data: { status: 'deleted' },
  });
  return count;
}

/** The connector's fast path from variant to product, answered from synced listings. */
export function listingLocator(projectId: string): VariantLocator {
  return {
    async locate(variantIds) {
      const rows = [];
      for (let i = 0; i < variantIds.length; i += 400) {
        rows.push(
          ...(await db.listing.findMany({
            where: { projectId, platform: 'shopify', marketplaceId: '', externalId: { in: variantIds.slice(i, i + 400) }, status: { not: 'deleted' } },
            select: { externalId: true, productExternalId: true, priceAmount: true, currency: true },
          })),
        );
      }
      const found = new Map<string, VariantLocation>();
      for (const row of rows) {
        if (!row.productExternalId) continue;
        const price: Money = { amount: row.priceAmount, currency: row.currency };
        found.set(row.externalId, { productId: row.productExternalId, price });
      }
      return found;
    },
  };
}
