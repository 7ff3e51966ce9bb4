// Pulls the seller's listings into Listing rows, one searchListingsItems page (20 SKUs) per step, so a
// sync is resumable with Amazon's page token as the cursor.
import type { NormalizedProduct, SellableListing } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { markSynced } from '../integrations/integration-store';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { productTypeOf, searchListingsPage, toSellableListing, type ListingsItem } from './listings-items';

export async function storeListings(ctx: AmazonContext, projectId: string, marketplaceId: string, items: readonly ListingsItem[]): Promise<SellableListing[]> {
  const listings = items.map((item) => toSellableListing(item, marketplaceId));
  const now = new Date();
  await ctx.db.$transaction(
    items.map((item, i) => {
      const listing = listings[i]!;
      const fields = {
        productExternalId: listing.productExternalId,
        sku: item.sku,
        asin: listing.asin ?? null,
        title: listing.title,
        status: listing.status === 'active' ? 'active' : 'inactive',
        currency: listing.price?.currency ?? listing.minPrice?.currency ?? '',
        priceAmount: listing.price?.amount ?? '',
        platformUpdatedAt: listing.updatedAt ? new Date(listing.updatedAt) : null,
        lastSyncedAt: now,
        data: {
          productType: productTypeOf(item, marketplaceId) ?? null,
          minPrice: listing.minPrice ? { ...listing.minPrice } : null,
          maxPrice: listing.maxPrice ? { ...listing.maxPrice } : null,
          issues: (item.issues ?? []).slice(0, 10),
        },
      };
      return ctx.db.listing.upsert({
        where: { projectId_platform_marketplaceId_externalId: { projectId, platform: 'amazon', marketplaceId, externalId: item.sku } },
        create: { projectId, platform: 'amazon', marketplaceId, externalId: item.sku, ...fields },
        update: fields,
      });
    }),
  );
  return listings;
}

/** Groups listings into products by ASIN (the product an Amazon SKU sells). */
export function productsFromListings(listings: readonly SellableListing[]): NormalizedProduct[] {
  const byAsin = new Map<string, SellableListing[]>();
  for (const listing of listings) byAsin.set(listing.productExternalId, [...(byAsin.get(listing.productExternalId) ?? []), listing]);
  return [...byAsin.entries()].map(([asin, group]) => ({
    platform: 'amazon',
    externalId: asin,
    title: group[0]!.title,
    status: group.some((l) => l.status === 'active') ? 'active' : 'inactive',
    listings: group,
  }));
}

export interface ListingsSyncStep {
  listings: SellableListing[];
  nextToken: string | undefined;
}

export async function syncListingsPage(ctx: AmazonContext, client: SpApiClient, input: { projectId: string; integrationId: string; marketplaceId: string; pageToken?: string; since?: string }): Promise<ListingsSyncStep> {
  const page = await searchListingsPage(client, input.marketplaceId, input.pageToken, input.since ? { lastUpdatedAfter: input.since } : {});
  const listings = await storeListings(ctx, input.projectId, input.marketplaceId, page.items);
  if (!page.nextToken) await markSynced(ctx, input.integrationId);
  return { listings, nextToken: page.nextToken };
}
