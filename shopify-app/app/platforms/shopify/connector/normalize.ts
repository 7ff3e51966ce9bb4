// Shopify's products and variants in the shared, platform-neutral shapes.
import {
  normalizeSku,
  parseMoney,
  type Money,
  type NormalizedProduct,
  type ProductStatus,
  type SellableListing,
} from '@calibr/shared-contracts';
import type { ShopifyProductNode, ShopifyVariantNode } from './types';

export function productStatus(status: string): ProductStatus {
  switch (status) {
    case 'ACTIVE':
      return 'active';
    case 'DRAFT':
      return 'draft';
    case 'ARCHIVED':
      return 'archived';
    default:
      return 'unknown';
  }
}

/** Shopify's Money scalar ("19.99", "20.0") as canonical Money in the shop's currency. */
export function shopifyMoney(amount: string, currency: string): Money {
  return parseMoney(amount, currency);
}

export function normalizeVariant(
  variant: ShopifyVariantNode,
  product: { id: string; title: string; status: string },
  currency: string,
): SellableListing {
  const title = variant.title && variant.title !== 'Default Title' ? `${product.title} – ${variant.title}` : product.title;
  return {
    platform: 'shopify',
    externalId: variant.id,
    productExternalId: product.id,
    sku: variant.sku || null,
    normalizedSku: variant.sku ? normalizeSku(variant.sku) : null,
    title,
    status: productStatus(product.status) === 'active' ? 'active' : productStatus(product.status) === 'draft' ? 'draft' : productStatus(product.status) === 'archived' ? 'archived' : 'unknown',
    price: shopifyMoney(variant.price, currency),
    compareAtPrice: variant.compareAtPrice ? shopifyMoney(variant.compareAtPrice, currency) : null,
    updatedAt: variant.updatedAt,
  };
}

export function normalizeProduct(
  product: Omit<ShopifyProductNode, 'variants'>,
  variants: readonly ShopifyVariantNode[],
  currency: string,
  shop: string,
): NormalizedProduct {
  const numericId = product.id.split('/').pop();
  return {
    platform: 'shopify',
    externalId: product.id,
    title: product.title,
    status: productStatus(product.status),
    ...(product.vendor ? { brand: product.vendor } : {}),
    ...(product.productType ? { productType: product.productType } : {}),
    handle: product.handle,
    url: `https://${shop}/admin/products/${numericId}`,
    listings: variants.map((v) => normalizeVariant(v, product, currency)),
    updatedAt: product.updatedAt,
  };
}
