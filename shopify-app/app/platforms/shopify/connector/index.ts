// The Shopify connector's public surface.
export { SHOPIFY_API_VERSION } from './api-version';
export { ShopifyConnector, SHOPIFY_CAPABILITIES, type ShopifyConnectorOptions } from './connector';
export { ShopifyGraphqlClient, schedulerForShop, type AccessTokenProvider, type RetryPolicy } from './graphql-client';
export { ThrottleScheduler, type ThrottleStatus, type ThrottleStats } from './throttle';
export { MemoryPriceUpdateLedger, fingerprintUpdate, type PriceUpdateLedger, type LedgerEntry } from './ledger';
export type { VariantLocator, VariantLocation } from './pricing';
export { runBulkProductExport } from './bulk-operations';
export { MemoryBulkRunStore, type BulkRunStore, type BulkRunRecord, type BulkRunStatus } from './bulk-runs';
