// @calibr/sandbox: the sandbox process (Shopify and Amazon on loopback) for tests, demos and `npm start`.
export { startSandbox, type RunningSandbox, type StartSandboxOptions } from './core/server';
export type { SandboxContext, SandboxLogEntry, SandboxPlatform } from './platform';
export type { FaultSpec, FaultKind } from './core/faults';
export { DEFAULT_APP, type ShopifyAppConfigInput } from './shopify';
export {
  checkGraphQLDocuments,
  findGraphQLDocuments,
  loadShopifyReferenceSchema,
  shopifyReferenceSchemaPath,
  SHOPIFY_REFERENCE_API_VERSION,
  type DocumentCheck,
  type FoundDocument,
} from './reference/shopify-admin-schema';
export type { FindOptions } from './reference/shopify-admin-schema';
export { DEMO_CATALOG, DEMO_SHOPS, MARKETPLACES, amazonCatalog, shopifyCatalog } from './seed/catalog';
