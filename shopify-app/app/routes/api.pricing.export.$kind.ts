// GET /api/pricing/export/:kind[?status=]: CSV downloads: suggestions, history (price changes, one row per
// platform with its outcome), audit, costs (the import's own format).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { NotFoundError } from '@calibr/shared-contracts';
import { csv, pricingApi, searchParams } from '../pricing/api.server';
import { auditCsv, costsCsv, historyCsv, suggestionsCsv } from '../pricing/csv-export.server';

export function loader({ request, params }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId, shop }) => {
    const stamp = new Date().toISOString().slice(0, 10);
    const name = (kind: string) => `calibrate-${kind}-${shop.replace('.myshopify.com', '')}-${stamp}.csv`;
    switch (params.kind) {
      case 'suggestions':
        return csv(name('suggestions'), await suggestionsCsv(projectId, { status: searchParams(request).get('status') ?? 'all' }));
      case 'history':
        return csv(name('price-history'), await historyCsv(projectId));
      case 'audit':
        return csv(name('audit'), await auditCsv(projectId));
      case 'costs':
        return csv(name('costs'), await costsCsv(projectId));
      default:
        throw new NotFoundError('Exports: suggestions, history, audit, costs', { resource: 'export', resourceId: params.kind ?? '' });
    }
  });
}
