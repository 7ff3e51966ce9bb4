// Listing rows for a platform synced by the generic runner (every one but Shopify): every sellable listing of a
// synced page, keyed by (shop, platform, marketplace, externalId). A row carrying a newer platform
// update time is never overwritten by an older page.
import type { Prisma } from '@calibr/db';
import type { NormalizedProduct } from '@calibr/shared-contracts';
import { db } from '../db.server';

export async function storePlatformListings(projectId: string, platform: string, products: readonly NormalizedProduct[], seenAt: Date): Promise<number> {
  const listings = products.flatMap((product) => product.listings.map((listing) => ({ product, listing })));
  if (listings.length === 0) return 0;
  const existing = await db.listing.findMany({
    where: { projectId, platform, externalId: { in: listings.map((l) => l.listing.externalId) } },
    select: { id: true, externalId: true, marketplaceId: true, platformUpdatedAt: true },
  });
  const byKey = new Map(existing.map((row) => [`${row.marketplaceId}\u0000${row.externalId}`, row]));
  const writes: Prisma.PrismaPromise<unknown>[] = [];
  for (const { product, listing } of listings) {
    const marketplaceId = listing.marketplaceId ?? '';
    const updatedAt = listing.updatedAt ?? product.updatedAt;
    const platformUpdatedAt = updatedAt ? new Date(updatedAt) : null;
    const row = byKey.get(`${marketplaceId}\u0000${listing.externalId}`);
    if (row?.platformUpdatedAt && platformUpdatedAt && row.platformUpdatedAt > platformUpdatedAt) continue;
    const fields = {
      productExternalId: listing.productExternalId,
      sku: listing.sku,
      asin: listing.asin ?? null,
      title: product.title,
      variantTitle: listing.title === product.title ? null : listing.title,
      status: listing.status === 'active' ? 'active' : 'inactive',
      // A listing without an offer has no price: kept as empty amount and currency.
      currency: listing.price?.currency ?? '',
      priceAmount: listing.price?.amount ?? '',
      compareAtAmount: listing.compareAtPrice?.amount ?? null,
      inventoryQuantity: listing.inventoryQuantity ?? null,
      platformUpdatedAt,
      lastSyncedAt: seenAt,
      data: {
        ...(listing.minPrice ? { minPrice: { ...listing.minPrice } } : {}),
        ...(listing.maxPrice ? { maxPrice: { ...listing.maxPrice } } : {}),
        ...(product.brand ? { brand: product.brand } : {}),
      },
    };
    writes.push(
      row
        ? db.listing.update({ where: { id: row.id }, data: fields })
        : db.listing.create({ data: { projectId, platform, marketplaceId, externalId: listing.externalId, ...fields } }),
    );
  }
  if (writes.length > 0) await db.$transaction(writes);
  return writes.length;
}

/** After a full sync: listings the platform no longer returned are marked deleted (kept for history). */
export async function markUnseenPlatformListingsDeleted(projectId: string, platform: string, syncStartedAt: Date): Promise<number> {
  const { count } = await db.listing.updateMany({
    where: { projectId, platform, lastSyncedAt: { lt: syncStartedAt }, status: { not: 'deleted' } },
    data: { status: 'deleted', productLinkId: null },
  });
  return count;
}
