// Pulls the seller's listings into AmazonListing rows, one searchListingsItems page (20 SKUs) per step, so a
// sync is resumable with its position (createdDate window + Amazon's page token) as the cursor.
import type { NormalizedProduct, SellableListing } from '@calibr/shared-contracts';
import { isPrismaError } from '@calibr/db';
import type { AmazonContext } from '../amazon-context';
import { markSynced } from '../integrations/integration-store';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { LISTINGS_PAGE_SIZE, productTypeOf, toSellableListing, type ListingsItem } from './listings-items';
import { decodePosition, encodePosition, firstPosition, windowedPage } from './listings-windows';

export async function storeListings(ctx: AmazonContext, projectId: string, marketplaceId: string, items: readonly ListingsItem[]): Promise<SellableListing[]> {
  const listings = items.map((item) => toSellableListing(item, marketplaceId));
  if (items.length === 0) return listings;
  const now = new Date();
  const rows = items.map((item, i) => {
    const listing = listings[i]!;
    return {
      externalId: item.sku,
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
  });
  // New listings in one insert; known ones updated in one transaction (upserts one by one are slow).
  const existing = await ctx.db.amazonListing.findMany({
    where: { projectId, marketplaceId, externalId: { in: rows.map((r) => r.externalId) } },
    select: { id: true, externalId: true },
  });
  const ids = new Map(existing.map((e) => [e.externalId, e.id]));
  const fresh = rows.filter((r) => !ids.has(r.externalId));
  if (fresh.length) {
    try {
      await ctx.db.amazonListing.createMany({ data: fresh.map((r) => ({ projectId, marketplaceId, ...r })) });
    } catch (error) {
      // Another sync stored some of them meanwhile: fall back to one upsert each.
      if (!isPrismaError(error, 'P2002')) throw error;
      for (const { externalId, ...fields } of fresh) {
        await ctx.db.amazonListing.upsert({
          where: { projectId_marketplaceId_externalId: { projectId, marketplaceId, externalId } },
          create: { projectId, marketplaceId, externalId, ...fields },
          update: fields,
        });
      }
    }
  }
  const known = rows.filter((r) => ids.has(r.externalId));
  if (known.length) {
    await ctx.db.$transaction(known.map(({ externalId, ...fields }) => ctx.db.amazonListing.update({ where: { id: ids.get(externalId)! }, data: fields })));
  }
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
  /** Where the next step resumes (opaque: a createdDate window and Amazon's page token in it); undefined when done. */
  nextToken: string | undefined;
}

/**
 * One step of a sync: the next page of listings stored. Every SKU, however many, once, in a stable order
 * (createdDate windows oldest first, SKUs ascending inside one); see listings-windows.ts.
 */
export async function syncListingsPage(ctx: AmazonContext, client: SpApiClient, input: { projectId: string; integrationId: string; marketplaceId: string; pageToken?: string; since?: string; limit?: number }): Promise<ListingsSyncStep> {
  const position = input.pageToken ? decodePosition(input.pageToken) : await firstPosition(client, input.marketplaceId, input.since);
  const pageSize = input.limit ? Math.min(Math.max(1, input.limit), LISTINGS_PAGE_SIZE) : LISTINGS_PAGE_SIZE;
  const page = position ? await windowedPage(client, input.marketplaceId, position, pageSize) : { items: [], next: undefined };
  const listings = await storeListings(ctx, input.projectId, input.marketplaceId, page.items);
  if (!page.next) await markSynced(ctx, input.integrationId);
  return { listings, nextToken: page.next ? encodePosition(page.next) : undefined };
}
