// Webhook shop/update (subscribed in shopify.app.toml): verified, its topic and shop checked, recorded by id, processed after the reply.
import type { ActionFunctionArgs } from '@remix-run/node';
import { receiveShopifyWebhook } from '../platforms/shopify/webhooks/receive.server';

export const action = ({ request }: ActionFunctionArgs) => receiveShopifyWebhook(request, '/webhooks/shop/update');
