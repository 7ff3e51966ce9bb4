// Webhook topics: GraphQL enum names <-> the REST-style names used in headers and shopify.app.toml.
export const TOPICS: Record<string, string> = {
  APP_UNINSTALLED: 'app/uninstalled',
  APP_SCOPES_UPDATE: 'app/scopes_update',
  BULK_OPERATIONS_FINISH: 'bulk_operations/finish',
  PRODUCTS_CREATE: 'products/create',
  PRODUCTS_DELETE: 'products/delete',
  PRODUCTS_UPDATE: 'products/update',
  SHOP_UPDATE: 'shop/update',
};

export const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];

export function topicFromEnum(name: string): string | undefined {
  return TOPICS[name];
}

export function enumFromTopic(topic: string): string | undefined {
  return Object.entries(TOPICS).find(([, t]) => t === topic)?.[0];
}
