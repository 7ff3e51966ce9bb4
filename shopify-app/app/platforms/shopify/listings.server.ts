// Shopify variants stored as Listings. A listing's `platformUpdatedAt` is its product's `updated_at`:
// a write carrying an older `updated_at` (a late webhook, a slow sync page) never overwrites newer state.
// Writes are one multi-row upsert (raw SQL valid on SQLite and PostgreSQL): a sync page or a batch of
// webhook deliveries costs a statement, not a query per variant.
import { randomUUID } from 'node:crypto';
import type { Db } from '@calibr/db';
import type { Money, NormalizedProduct } from '@calibr/shared-contracts';
import { db } from '../../db.server';
import { ROWS_PER_STATEMENT, sqlParams } from '../../lib/portable-sql.server';
import type { VariantLocation, VariantLocator } from './connector';

export interface ListingWriteResult {
  created: number;
  updated: number;
  /** Skipped because the stored state is newer. */
  stale: number;
  /** Price changes seen on existing listings: [listingId, from, to]. */
  priceChanges: Array<{ listingId: string; externalId: string; from: string; to: string; currency: string }>;
}

/** What we hold of a Shopify listing while planning writes (as read, then as planned). */
export interface ListingState {
  id: string;
  externalId: string;
  priceAmount: string;
  currency: string;
  platformUpdatedAt: Date | null;
}

/** One listing row as written: every column a product update sets. */
export interface ListingRow extends ListingState {
  productExternalId: string;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  status: string;
  compareAtAmount: string | null;
  lastSyncedAt: Date;
  data: Record<string, unknown>;
}

/** The shop's Shopify listings among `externalIds`, read in chunks under the database's parameter limit. */
export async function readShopifyListings(client: Db, projectId: string, externalIds: readonly string[]): Promise<Map<string, ListingState>> {
  const found = new Map<string, ListingState>();
  const ids = [...new Set(externalIds)];
  for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
    const q = sqlParams(client);
    const rows = await client.$queryRawUnsafe<Array<Omit<ListingState, 'platformUpdatedAt'> & { platformUpdatedAt: Date | string | null }>>(
      `SELECT "id", "externalId", "priceAmount", "currency", "platformUpdatedAt" FROM "Listing" WHERE "projectId" = ${q.p(projectId)} ` +
        `AND "platform" = 'shopify' AND "marketplaceId" = '' AND "externalId" IN (${q.list(ids.slice(i, i + ROWS_PER_STATEMENT))})`,
      ...q.values,
    );
    for (const row of rows) found.set(row.externalId, { ...row, platformUpdatedAt: row.platformUpdatedAt === null ? null : new Date(row.platformUpdatedAt) });
  }
  return found;
}

/**
 * Apply `products` in order to `state` (what we hold, updated in place) and return the rows to write.
 * A product older than what we hold is skipped (stale); several updates of one product leave one row,
 * the newest. Pass products oldest first when one call carries several versions of a product.
 */
export function planShopifyListingWrites(
  state: Map<string, ListingState>,
  products: readonly NormalizedProduct[],
  seenAt: Date,
): { rows: ListingRow[]; result: ListingWriteResult } {
  const result: ListingWriteResult = { created: 0, updated: 0, stale: 0, priceChanges: [] };
  const rows = new Map<string, ListingRow>();
  for (const product of products) {
    const updatedAt = product.updatedAt ? new Date(product.updatedAt) : null;
    for (const listing of product.listings) {
      const row = state.get(listing.externalId);
      if (row?.platformUpdatedAt && updatedAt && row.platformUpdatedAt > updatedAt) {
        result.stale++;
        continue;
      }
      const next: ListingRow = {
        id: row?.id ?? randomUUID(),
        externalId: listing.externalId,
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
      if (!row) result.created++;
      else {
        result.updated++;
        if (row.priceAmount !== next.priceAmount) {
          result.priceChanges.push({ listingId: row.id, externalId: row.externalId, from: row.priceAmount, to: next.priceAmount, currency: next.currency });
        }
      }
      state.set(listing.externalId, next);
      rows.set(listing.externalId, next);
    }
  }
  return { rows: [...rows.values()], result };
}

const LISTING_COLUMNS = [
  'id', 'projectId', 'platform', 'marketplaceId', 'externalId', 'productExternalId', 'sku', 'title', 'variantTitle', 'status',
  'currency', 'priceAmount', 'compareAtAmount', 'platformUpdatedAt', 'lastSyncedAt', 'data', 'createdAt', 'updatedAt',
] as const;
const UPDATED_ON_CONFLICT = LISTING_COLUMNS.filter((c) => !['id', 'projectId', 'platform', 'marketplaceId', 'externalId', 'createdAt'].includes(c));

/**
 * Write listing rows with one INSERT … ON CONFLICT DO UPDATE per chunk: a new listing is created, an
 * existing one updated, and two writers creating the same new listing at once both succeed (the second
 * becomes an update). The update is conditional on the stored updated_at, so an older state never
 * overwrites a newer one, however the writers interleave.
 */
export async function writeShopifyListings(client: Db, projectId: string, rows: readonly ListingRow[]): Promise<void> {
  const now = new Date();
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const q = sqlParams(client);
    const values = rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => {
      const cells = [
        r.id, projectId, 'shopify', '', r.externalId, r.productExternalId, r.sku, r.title, r.variantTitle, r.status,
        r.currency, r.priceAmount, r.compareAtAmount, r.platformUpdatedAt, r.lastSyncedAt, JSON.stringify(r.data), now, now,
      ];
      return `(${q.list(cells)})`;
    });
    const sql =
      `INSERT INTO "Listing" (${LISTING_COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES ${values.join(', ')} ` +
      `ON CONFLICT ("projectId", "platform", "marketplaceId", "externalId") DO UPDATE SET ` +
      UPDATED_ON_CONFLICT.map((c) => `"${c}" = excluded."${c}"`).join(', ') +
      ` WHERE excluded."platformUpdatedAt" IS NULL OR "Listing"."platformUpdatedAt" IS NULL OR "Listing"."platformUpdatedAt" <= excluded."platformUpdatedAt"`;
    await client.$executeRawUnsafe(sql, ...q.values);
  }
}

/** A sync page or a product update: listings created or refreshed, never older over newer. */
export async function upsertShopifyProducts(
  projectId: string,
  products: readonly NormalizedProduct[],
  seenAt = new Date(),
  client: Db = db,
): Promise<ListingWriteResult> {
  const ids = products.flatMap((p) => p.listings.map((l) => l.externalId));
  if (ids.length === 0) return { created: 0, updated: 0, stale: 0, priceChanges: [] };
  const state = await readShopifyListings(client, projectId, ids);
  const { rows, result } = planShopifyListingWrites(state, products, seenAt);
  await writeShopifyListings(client, projectId, rows);
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
