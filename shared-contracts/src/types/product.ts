// A normalized product: a Shopify product or an Amazon catalog item, with its sellable listings.
import type { SellableListing } from './listing';
import type { PlatformId } from './platform';

export type ProductStatus = 'active' | 'draft' | 'archived' | 'inactive' | 'unknown';

export interface NormalizedProduct {
  readonly platform: PlatformId;
  /** Shopify product GID; Amazon ASIN. */
  readonly externalId: string;
  readonly title: string;
  readonly status: ProductStatus;
  /** Shopify vendor, Amazon brand. */
  readonly brand?: string;
  readonly productType?: string;
  /** Shopify handle. */
  readonly handle?: string;
  readonly imageUrl?: string;
  /** Where a merchant sees it on the platform (admin or storefront URL). */
  readonly url?: string;
  readonly listings: readonly SellableListing[];
  /** ISO 8601. */
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

export interface ProductFilter {
  /** Free-text search over title/SKU, as far as the platform supports it. */
  readonly query?: string;
  /** Only products with a listing having one of these SKUs (compared normalized). */
  readonly skus?: readonly string[];
  /** Only these products. */
  readonly externalIds?: readonly string[];
  readonly status?: ProductStatus;
  /** Only products updated at or after this ISO 8601 instant. */
  readonly updatedSince?: string;
  readonly marketplaceId?: string;
  /** Page size, 1..250 (default 50). */
  readonly limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  readonly cursor?: string;
}

export interface ProductPage {
  readonly items: readonly NormalizedProduct[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}
