// Platform identity, capabilities and health: what a connector says about itself.

/** The platforms Calibrate ships connectors for. */
export const KNOWN_PLATFORMS = ['shopify', 'amazon'] as const;
export type KnownPlatform = (typeof KNOWN_PLATFORMS)[number];

/**
 * A platform id: lower-case letters, digits, `_` and `-` (see `normalizePlatformId`). Known platforms
 * autocomplete; any other id is allowed so a new platform needs no change here.
 */
export type PlatformId = KnownPlatform | (string & {});

/** How a connector's price updates land on the platform. */
export type PriceUpdateMode =
  /** The platform confirms in the same call (Shopify `productVariantsBulkUpdate`): results are `applied`. */
  | 'synchronous'
  /** The platform accepts and processes later (Amazon `JSON_LISTINGS_FEED`): results are `pending`. */
  | 'asynchronous'
  /** Either, per call. */
  | 'mixed';

export interface ConnectorCapabilities {
  /** `products.list` / `products.get`. */
  readonly productRead: boolean;
  /** `products.sync`. */
  readonly productSync: boolean;
  /** `pricing.getPrice`. */
  readonly priceRead: boolean;
  /** `pricing.updatePrice`. */
  readonly priceUpdate: boolean;
  /** `pricing.batchUpdatePrices`. */
  readonly batchPriceUpdate: boolean;
  /** Largest batch `batchUpdatePrices` accepts in one call. */
  readonly maxBatchSize: number;
  readonly priceUpdateMode: PriceUpdateMode;
  /** Honors `minPrice` / `maxPrice` on a price update (Amazon's minimum/maximum seller allowed price). */
  readonly minMaxPrice: boolean;
  /** Honors `compareAtPrice` on a price update (Shopify's compare-at price). */
  readonly compareAtPrice: boolean;
  /** Listings live in several marketplaces and price updates need a `marketplaceId` (Amazon). */
  readonly marketplaces: boolean;
  /** The platform pushes changes to us (Shopify webhooks, SP-API notifications). */
  readonly webhooks: boolean;
  /** Can read competitors' offers for a listing (SP-API competitive pricing): `pricing.getCompetitiveOffers`. */
  readonly competitivePricing: boolean;
  /**
   * Updates a caller should send per `batchUpdatePrices` call (at most `maxBatchSize`): what the platform
   * takes well in one go (Shopify: 250, a few bulk mutations; Amazon: 10,000, one feed). Default `maxBatchSize`.
   */
  readonly preferredBatchSize?: number;
  /**
   * For `asynchronous`/`mixed` updates: `pending` results settle later and are read with
   * `pricing.getUpdateResult`; ask again after this many milliseconds (default 5,000).
   */
  readonly pendingPollMs?: number;
  /** Most `itemIds` one `getCompetitiveOffers` call takes (Amazon's getItemOffersBatch: 20). Default 20. */
  readonly maxCompetitiveBatch?: number;
  /** Can estimate the platform's selling fees for a listing at a price (Amazon's Product Fees API): `pricing.getFeeEstimates`. */
  readonly feeEstimates?: boolean;
  /** Most items one `getFeeEstimates` call takes (Amazon's getMyFeesEstimates: 20). Default 20. */
  readonly maxFeeBatch?: number;
  /**
   * The platform pushes offer changes (Amazon's ANY_OFFER_CHANGED notifications) and the connector keeps
   * them for the app to pull: `pricing.getOfferChanges`. Polling `getCompetitiveOffers` stays for reconciliation.
   */
  readonly offerChanges?: boolean;
  /**
   * With `offerChanges`: the platform also says when our offer lost Featured Offer (Buy Box) eligibility on
   * price (Amazon's PRICING_HEALTH), returned by `getOfferChanges` when asked with `include: ['pricingHealth']`.
   */
  readonly pricingHealth?: boolean;
}

/** Updates per `batchUpdatePrices` call a caller should send: the connector's declared preference. */
export function preferredBatchSize(capabilities: ConnectorCapabilities): number {
  return Math.max(1, Math.min(capabilities.preferredBatchSize ?? capabilities.maxBatchSize, capabilities.maxBatchSize));
}

/** True when the connector's updates may come back `pending` and settle later (poll `getUpdateResult`). */
export function updatesSettleLater(capabilities: ConnectorCapabilities): boolean {
  return capabilities.priceUpdateMode !== 'synchronous';
}

/** Item ids per `getCompetitiveOffers` call. */
export function competitiveBatchSize(capabilities: ConnectorCapabilities): number {
  return Math.max(1, capabilities.maxCompetitiveBatch ?? 20);
}

export type HealthStatus = 'healthy' | 'degraded' | 'unavailable';

export interface PlatformHealth {
  readonly status: HealthStatus;
  /** ISO 8601 timestamp. */
  readonly checkedAt: string;
  /** Round trip of the check in milliseconds, if measured. */
  readonly latencyMs?: number;
  readonly message?: string;
  /** Per-component status (e.g. `{ lwa: 'healthy', feeds: 'degraded' }`). */
  readonly components?: Readonly<Record<string, HealthStatus>>;
}
