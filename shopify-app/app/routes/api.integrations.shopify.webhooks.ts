// POST /api/integrations/shopify/webhooks: one endpoint for every topic (the roadmap's receiver), the
// same handling as the per-topic /webhooks/… routes shopify.app.toml points at.
import type { ActionFunctionArgs } from '@remix-run/node';
import { receiveShopifyWebhook } from '../webhooks/receive.server';

export const action = ({ request }: ActionFunctionArgs) => receiveShopifyWebhook(request);
