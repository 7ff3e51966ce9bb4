// GET /api/integrations/shopify/products?q=&page=&pageSize=: the shop's synced products with their
// variants' prices (from our listings; a sync refreshes them).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiRoute, json } from '../lib/api-auth.server';
import { queryCount } from '../lib/route-params.server';
import { syncedProducts } from '../platforms/shopify/status.server';

export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async ({ projectId }) => {
    const url = new URL(request.url);
    return json(
      await syncedProducts(projectId, {
        query: url.searchParams.get('q') ?? '',
        page: queryCount(url.searchParams, 'page', 1_000_000) ?? 1,
        pageSize: queryCount(url.searchParams, 'pageSize', 100) ?? 20,
      }),
    );
  });
}
