// The Admin API version whose rules the sandbox plays (the version Calibrate calls). Every Admin GraphQL
// answer names it in X-Shopify-API-Version, whatever version the request's path asked for.
export const SHOPIFY_PLAYED_API_VERSION = '2026-10';
