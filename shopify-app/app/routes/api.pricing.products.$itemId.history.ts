// GET /api/pricing/products/:itemId/history[?days=90]: the product's prices over time for its chart (our
// price on each platform, the Buy Box, the lowest offer) and its price changes.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { json, pricingApi, searchParams } from '../pricing/api.server';
import { priceHistory } from '../pricing/history.server';
import { pathId } from '../lib/route-params.server';

export function loader({ request, params }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => {
    const days = Math.min(365, Math.max(1, Number(searchParams(request).get('days') ?? 90) || 90));
    return json(await priceHistory(projectId, pathId(params.itemId, 'product'), { since: new Date(Date.now() - days * 24 * 3600_000) }));
  });
}
