// GET /api/integrations/shopify/status: the shop's connection, scopes, last sync and webhook health.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiRoute, json } from '../lib/api-auth.server';
import { shopifyStatus } from '../platforms/shopify/status.server';

export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async ({ projectId }) => {
    return json(await shopifyStatus(projectId));
  });
}
