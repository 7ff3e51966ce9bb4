// Shopify names a topic `products/update` in headers and the toml; its libraries store `PRODUCTS_UPDATE`.

export type ShopifyWebhookTopic =
  | 'products/create'
  | 'products/update'
  | 'products/delete'
  | 'app/uninstalled'
  | 'app/scopes_update'
  | 'shop/update'
  | 'customers/data_request'
  | 'customers/redact'
  | 'shop/redact';

/** `PRODUCTS_UPDATE` / `products/update` → `products/update`. */
export function topicName(topic: string): string {
  if (topic.includes('/')) return topic.toLowerCase();
  return topic.toLowerCase().replace('_', '/');
}

/** Topics whose payload names customers: we keep no customer data, so their payload is not stored. */
export const CUSTOMER_DATA_TOPICS = new Set(['customers/data_request', 'customers/redact']);

/**
 * The topics each webhook route serves: one each, as shopify.app.toml subscribes them (a test holds the two
 * equal), and products/update on the generic receiver. X-Shopify-Topic is not signed: a delivery whose
 * topic is not its route's is refused, so a captured products/update can't be re-sent as app/uninstalled.
 */
export const ROUTE_TOPICS = {
  '/webhooks/products/create': ['products/create'],
  '/webhooks/products/update': ['products/update'],
  '/webhooks/products/delete': ['products/delete'],
  '/webhooks/app/uninstalled': ['app/uninstalled'],
  '/webhooks/app/scopes_update': ['app/scopes_update'],
  '/webhooks/shop/update': ['shop/update'],
  '/webhooks/customers/data_request': ['customers/data_request'],
  '/webhooks/customers/redact': ['customers/redact'],
  '/webhooks/shop/redact': ['shop/redact'],
  '/api/integrations/shopify/webhooks': ['products/update'],
} as const satisfies Record<string, readonly ShopifyWebhookTopic[]>;

export type WebhookRoute = keyof typeof ROUTE_TOPICS;

/** Topics that erase or disconnect a shop's data: their deliveries are checked for age and verified before they act. */
export const DESTRUCTIVE_TOPICS = new Set(['app/uninstalled', 'shop/redact', 'products/delete']);

/** Topics whose body is a whole product (REST shape): applied together, in batches (./products-update.server.ts). */
export const PRODUCT_PAYLOAD_TOPICS = new Set(['products/create', 'products/update']);

/** Where a topic's (signed) body names its shop, to hold against the unsigned X-Shopify-Shop-Domain. */
export const BODY_SHOP_FIELD: Readonly<Record<string, string>> = {
  'app/uninstalled': 'myshopify_domain',
  'shop/update': 'myshopify_domain',
  'shop/redact': 'shop_domain',
  'customers/data_request': 'shop_domain',
  'customers/redact': 'shop_domain',
};
