// A sellable listing: the thing that has a price. A Shopify variant, or an Amazon SKU in one marketplace.
import type { Money } from '../money';
import type { PlatformId } from './platform';

export type ListingStatus = 'active' | 'inactive' | 'draft' | 'archived' | 'incomplete' | 'unknown';

export interface SellableListing {
  readonly platform: PlatformId;
  /**
   * The id price operations take. Shopify: the variant GID (`gid://shopify/ProductVariant/…`).
   * Amazon: the seller SKU (scoped to `marketplaceId`).
   */
  readonly externalId: string;
  /** The product this listing belongs to (Shopify product GID, Amazon ASIN). */
  readonly productExternalId: string;
  /** The merchant's SKU as the platform holds it, or null when the listing has none. */
  readonly sku: string | null;
  /** `normalizeSku(sku)`: the key that links the same item across platforms. */
  readonly normalizedSku: string | null;
  readonly title: string;
  /** Amazon marketplace id (`ATVPDKIKX0DER`); absent for single-market platforms. */
  readonly marketplaceId?: string;
  /** Amazon Standard Identification Number, when known. */
  readonly asin?: string;
  readonly barcode?: string;
  readonly status: ListingStatus;
  /** Current selling price; null when the listing has no offer/price yet. */
  readonly price: Money | null;
  /** Shopify compare-at price ("was" price). */
  readonly compareAtPrice?: Money | null;
  /** Amazon minimum / maximum seller allowed price. */
  readonly minPrice?: Money | null;
  readonly maxPrice?: Money | null;
  readonly inventoryQuantity?: number | null;
  /** ISO 8601. */
  readonly updatedAt?: string;
}
