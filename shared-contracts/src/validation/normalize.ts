// Normalization helpers: one canonical form for ids that arrive in many spellings.
import { ValidationError } from '../errors';

/**
 * The key that links one item across platforms by SKU: Unicode NFKC (full-width -> ASCII), trimmed,
 * inner whitespace collapsed to one space, upper-cased. " abc-１２３ " and "ABC-123" link; "ABC 123"
 * and "ABC-123" do not (different SKUs). Null for a missing or blank SKU.
 */
export function normalizeSku(sku: string | null | undefined): string | null {
  if (sku === null || sku === undefined) return null;
  const out = sku.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();
  return out === '' ? null : out;
}

/** Do two SKUs name the same item? */
export function skusMatch(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = normalizeSku(a);
  return x !== null && x === normalizeSku(b);
}

export const PLATFORM_ID_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/;

/** "Shopify " -> "shopify". ValidationError unless it is 2-32 chars of [a-z0-9_-] starting with a letter. */
export function normalizePlatformId(value: string): string {
  const out = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!PLATFORM_ID_PATTERN.test(out)) {
    throw ValidationError.field('platform', `invalid platform id ${JSON.stringify(value)}`, 'invalid_platform');
  }
  return out;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * A Shopify shop's permanent domain from what a merchant may type: "My-Shop", "my-shop.myshopify.com",
 * "https://my-shop.myshopify.com/admin". Null if it can't be one.
 */
export function normalizeShopDomain(input: string): string | null {
  let value = input.trim().toLowerCase();
  value = value.replace(/^https?:\/\//, '').replace(/[/?#].*$/, '');
  if (!value.includes('.')) value = `${value}.myshopify.com`;
  return SHOP_DOMAIN.test(value) ? value : null;
}

export function isShopDomain(value: string): boolean {
  return SHOP_DOMAIN.test(value);
}

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/;

/** Shopify global id: shopifyGid('ProductVariant', 42) -> "gid://shopify/ProductVariant/42". */
export function shopifyGid(resource: string, id: string | number | bigint): string {
  const numeric = String(id);
  if (!/^[A-Za-z]+$/.test(resource) || !/^\d+$/.test(numeric)) {
    throw ValidationError.field('externalId', `invalid Shopify id ${resource}/${numeric}`, 'invalid_gid');
  }
  return `gid://shopify/${resource}/${numeric}`;
}

/** "gid://shopify/ProductVariant/42" -> { resource: 'ProductVariant', id: '42' }; null otherwise. */
export function parseShopifyGid(gid: string): { resource: string; id: string } | null {
  const match = GID.exec(gid);
  return match ? { resource: match[1] as string, id: match[2] as string } : null;
}

/** Accepts a GID or a bare numeric id and returns the GID for `resource`. */
export function normalizeShopifyId(resource: string, value: string): string {
  const parsed = parseShopifyGid(value);
  if (parsed) {
    if (parsed.resource !== resource) {
      throw ValidationError.field('externalId', `expected a ${resource} id, got a ${parsed.resource} id`, 'invalid_gid');
    }
    return value;
  }
  return shopifyGid(resource, value.trim());
}

export const AMAZON_MARKETPLACE_ID_PATTERN = /^[A-Z0-9]{8,20}$/;
export const ASIN_PATTERN = /^[A-Z0-9]{10}$/;

/**
 * A listing's key across the system: `platform:externalId`, or `platform:marketplaceId:externalId`
 * for marketplace platforms (the same Amazon SKU is a different listing in each marketplace).
 */
export function listingKey(platform: string, externalId: string, marketplaceId?: string | null): string {
  return marketplaceId ? `${platform}:${marketplaceId}:${externalId}` : `${platform}:${externalId}`;
}
