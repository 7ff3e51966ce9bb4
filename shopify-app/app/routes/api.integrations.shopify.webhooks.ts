// POST /api/integrations/shopify/webhooks: products/update on one more endpoint (the roadmap's receiver), the
// same handling as the per-topic /webhooks/… routes shopify.app.toml points at.
import type { ActionFunctionArgs } from '@remix-run/node';
import { receiveShopifyWebhook } from '../platforms/shopify/webhooks/receive.server';

export const action = ({ request }: ActionFunctionArgs) => receiveShopifyWebhook(request, '/api/integrations/shopify/webhooks');
