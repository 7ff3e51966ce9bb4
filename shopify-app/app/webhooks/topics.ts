// Shopify names a topic `products/update` in headers and the toml; its libraries store `PRODUCTS_UPDATE`.

export type ShopifyWebhookTopic =
  | 'products/update'
  | 'app/uninstalled'
  | 'app/scopes_update'
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
