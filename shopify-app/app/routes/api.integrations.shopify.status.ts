// GET /api/integrations/shopify/status: the shop's connection, scopes, last sync and webhook health.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { asResponse, json, requireShopApi } from '../lib/api-auth.server';
import { shopifyStatus } from '../models/shopify-status.server';

export async function loader({ request }: LoaderFunctionArgs) {
  try {
    const { projectId } = await requireShopApi(request);
    return json(await shopifyStatus(projectId));
  } catch (thrown) {
    return asResponse(thrown, new URL(request.url).pathname);
  }
}
