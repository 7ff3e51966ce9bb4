// The Shopify sandbox's state: shops with their catalogs, the apps the sandbox hosts, installations, access
// tokens, webhook subscriptions, staged uploads and bulk operations. Plain JSON-serialisable records.
import { createHash, randomBytes } from 'node:crypto';
import type { CatalogProduct, CurrencyCode } from '../seed/catalog';
import type { PlanName } from './plans';

export interface VariantRecord {
  id: number;
  productId: number;
  title: string;
  sku: string | null;
  barcode: string | null;
  /** Decimal string in the shop's currency. */
  price: string;
  compareAtPrice: string | null;
  position: number;
  inventoryQuantity: number;
  inventoryItemId: number;
  inventoryPolicy: 'DENY' | 'CONTINUE';
  taxable: boolean;
  optionValues: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ProductRecord {
  id: number;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
  tags: string[];
  descriptionHtml: string;
  /** Option names; a product without options has Shopify's implicit "Title" option. */
  options: string[];
  optionIds: number[];
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  variants: VariantRecord[];
}

export interface StaffRecord {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  accountOwner: boolean;
  locale: string;
}

export interface ShopRecord {
  id: number;
  domain: string;
  name: string;
  email: string;
  currencyCode: CurrencyCode;
  enabledPresentmentCurrencies: CurrencyCode[];
  ianaTimezone: string;
  plan: PlanName;
  createdAt: string;
  updatedAt: string;
  staff: StaffRecord[];
  products: ProductRecord[];
}

export interface InstallationRecord {
  id: number;
  shop: string;
  apiKey: string;
  /** the scopes the merchant granted (what the app's tokens can do) */
  scopes: string[];
  /** scopes the app asked for that the merchant has not approved yet (Shopify-managed installation) */
  requestedScopes?: string[];
  installedAt: string;
  uninstalledAt: string | null;
}

export interface TokenRecord {
  /** sha256 of the token: the state (and its file) never holds a usable token. */
  hash: string;
  shop: string;
  apiKey: string;
  kind: 'offline' | 'online';
  scopes: string[];
  /** Epoch ms, or null for a non-expiring offline token. */
  expiresAt: number | null;
  userId: number | null;
  createdAt: string;
  revoked: boolean;
}

export interface RefreshTokenRecord {
  hash: string;
  shop: string;
  apiKey: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
  /** When it was first used (ms): it may be used again for 30 days from then, until its replacement is used. */
  firstUsedAt?: number | null;
  /** The refresh token (hash) this one replaced. */
  replaces?: string | null;
  /** Retired (its replacement was used) or revoked (uninstall): refused from then on. */
  revoked?: boolean;
}

export interface AuthCodeRecord {
  hash: string;
  shop: string;
  apiKey: string;
  scopes: string[];
  online: boolean;
  userId: number;
  expiresAt: number;
  used: boolean;
}

export interface ApiWebhookSubscription {
  id: number;
  shop: string;
  apiKey: string;
  /** GraphQL enum form, e.g. PRODUCTS_UPDATE. */
  topic: string;
  callbackUrl: string;
  format: 'JSON' | 'XML';
  includeFields: string[];
  metafieldNamespaces: string[];
  filter: string | null;
  apiVersion: string;
  createdAt: string;
  updatedAt: string;
}

export interface StagedUploadRecord {
  key: string;
  shop: string;
  apiKey: string;
  resource: string;
  mimeType: string;
  createdAt: string;
  /** Base64 of the uploaded file, once uploaded. */
  content: string | null;
  uploadedAt: string | null;
}

export interface BulkOperationRecord {
  id: number;
  shop: string;
  apiKey: string;
  type: 'QUERY' | 'MUTATION';
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED' | 'EXPIRED';
  errorCode: 'ACCESS_DENIED' | 'INTERNAL_SERVER_ERROR' | 'TIMEOUT' | null;
  query: string;
  stagedUploadPath: string | null;
  clientIdentifier: string | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** Key of the result file in `files`. */
  resultKey: string | null;
  partialResultKey: string | null;
}

export interface ShopifyState {
  version: 1;
  seq: Record<string, number>;
  shops: ShopRecord[];
  installations: InstallationRecord[];
  tokens: TokenRecord[];
  refreshTokens: RefreshTokenRecord[];
  authCodes: AuthCodeRecord[];
  webhookSubscriptions: ApiWebhookSubscription[];
  stagedUploads: StagedUploadRecord[];
  bulkOperations: BulkOperationRecord[];
  /** Result files (bulk operation output), by key. */
  files: Record<string, { contentType: string; content: string; createdAt: string }>;
  /** App config registered through the control API (merged over start options and shopify.app.toml). */
  registeredApps: Record<string, Record<string, unknown>>;
}

export function emptyState(): ShopifyState {
  return {
    version: 1,
    seq: {},
    shops: [],
    installations: [],
    tokens: [],
    refreshTokens: [],
    authCodes: [],
    webhookSubscriptions: [],
    stagedUploads: [],
    bulkOperations: [],
    files: {},
    registeredApps: {},
  };
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function randomToken(prefix: string, bytes = 16): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

/** Next id in a named sequence; Shopify ids are large integers, so each sequence starts high. */
export function nextId(state: ShopifyState, name: string, start: number): number {
  const current = state.seq[name] ?? start;
  state.seq[name] = current + 1;
  return current + 1;
}

export function findShop(state: ShopifyState, domain: string): ShopRecord | undefined {
  return state.shops.find((s) => s.domain === domain);
}

export function activeInstallation(state: ShopifyState, shop: string, apiKey: string): InstallationRecord | undefined {
  return state.installations.find((i) => i.shop === shop && i.apiKey === apiKey && !i.uninstalledAt);
}

export function allVariants(shop: ShopRecord): VariantRecord[] {
  return shop.products.flatMap((p) => p.variants);
}

// Variant id -> its record, per shop, so a price push doesn't scan the whole catalog per variant (H5, for
// bench:shopify-push). A miss or a variant no longer on its product falls back to the scan and rebuilds.
const variantIndex = new WeakMap<ShopRecord, Map<number, { product: ProductRecord; variant: VariantRecord }>>();

export function findVariant(shop: ShopRecord, id: number): { product: ProductRecord; variant: VariantRecord } | undefined {
  const hit = variantIndex.get(shop)?.get(id);
  if (hit && hit.product.variants.includes(hit.variant)) return hit;
  for (const product of shop.products) {
    const variant = product.variants.find((v) => v.id === id);
    if (variant) {
      const index = new Map<number, { product: ProductRecord; variant: VariantRecord }>();
      for (const p of shop.products) for (const v of p.variants) index.set(v.id, { product: p, variant: v });
      variantIndex.set(shop, index);
      return { product, variant };
    }
  }
  return undefined;
}

export interface NewShopInput {
  domain: string;
  name?: string;
  email?: string;
  currencyCode?: CurrencyCode;
  enabledPresentmentCurrencies?: CurrencyCode[];
  ianaTimezone?: string;
  plan?: PlanName;
}

export function createShop(state: ShopifyState, input: NewShopInput): ShopRecord {
  const now = new Date().toISOString();
  const id = nextId(state, 'shop', 60_000_000_000);
  const label = input.domain.replace(/\.myshopify\.com$/, '');
  const shop: ShopRecord = {
    id,
    domain: input.domain,
    name: input.name ?? label,
    email: input.email ?? `owner@${label}.example`,
    currencyCode: input.currencyCode ?? 'USD',
    enabledPresentmentCurrencies: input.enabledPresentmentCurrencies ?? [input.currencyCode ?? 'USD'],
    ianaTimezone: input.ianaTimezone ?? 'America/New_York',
    plan: input.plan ?? 'standard',
    createdAt: now,
    updatedAt: now,
    staff: [
      {
        id: nextId(state, 'staff', 70_000_000_000),
        firstName: 'Sam',
        lastName: 'Merchant',
        email: input.email ?? `owner@${label}.example`,
        accountOwner: true,
        locale: 'en',
      },
    ],
    products: [],
  };
  state.shops.push(shop);
  return shop;
}

/** Add catalog products to a shop, priced in the shop's currency. */
export function addCatalogProducts(state: ShopifyState, shop: ShopRecord, catalog: CatalogProduct[]): ProductRecord[] {
  const added: ProductRecord[] = [];
  for (const item of catalog) {
    const productId = nextId(state, 'product', 8_000_000_000);
    const createdAt = item.createdAt;
    const product: ProductRecord = {
      id: productId,
      title: item.title,
      handle: item.handle,
      vendor: item.vendor,
      productType: item.productType,
      status: 'ACTIVE',
      tags: item.tags,
      descriptionHtml: item.descriptionHtml,
      options: item.options,
      optionIds: (item.options.length ? item.options : ['Title']).map(() => nextId(state, 'option', 10_000_000_000)),
      createdAt,
      updatedAt: createdAt,
      publishedAt: createdAt,
      variants: [],
    };
    item.variants.forEach((v, i) => {
      product.variants.push({
        id: nextId(state, 'variant', 45_000_000_000),
        productId,
        title: v.optionValues.length ? v.optionValues.join(' / ') : 'Default Title',
        sku: v.sku,
        barcode: v.barcode,
        price: v.price[shop.currencyCode],
        compareAtPrice: v.compareAtPrice ? v.compareAtPrice[shop.currencyCode] : null,
        position: i + 1,
        inventoryQuantity: v.inventory,
        inventoryItemId: nextId(state, 'inventoryItem', 47_000_000_000),
        inventoryPolicy: 'DENY',
        taxable: true,
        optionValues: v.optionValues.length ? v.optionValues : ['Default Title'],
        createdAt,
        updatedAt: createdAt,
      });
    });
    shop.products.push(product);
    added.push(product);
  }
  return added;
}
