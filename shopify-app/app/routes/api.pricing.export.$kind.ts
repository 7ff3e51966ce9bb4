// GET /api/pricing/export/:kind: CSV downloads, streamed: suggestions (with the console's filters:
// ?status=&q=&platform=&rule=), history (price changes, one row per platform with its outcome), audit,
// costs (the import's own format).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { NotFoundError } from '@calibr/shared-contracts';
import { csv, pricingApi, searchParams } from '../pricing/api.server';
import { auditCsv, costsCsv, historyCsv, suggestionsCsv } from '../pricing/csv-export.server';
import { listOptionsFrom } from '../pricing/suggestions.server';

export function loader({ request, params }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId, shop }) => {
    const stamp = new Date().toISOString().slice(0, 10);
    const name = (kind: string) => `calibrate-${kind}-${shop.replace('.myshopify.com', '')}-${stamp}.csv`;
    switch (params.kind) {
      case 'suggestions': {
        // The list's own filters, checked the same way (a bad value is a 400 before any byte is sent).
        const { status, search, platform, ruleId } = listOptionsFrom(searchParams(request));
        const all = searchParams(request).get('status') ?? 'all';
        return csv(name('suggestions'), suggestionsCsv(projectId, { status: all === 'all' ? 'all' : status, search, platform, ruleId }));
      }
      case 'history':
        return csv(name('price-history'), historyCsv(projectId));
      case 'audit':
        return csv(name('audit'), auditCsv(projectId));
      case 'costs':
        return csv(name('costs'), costsCsv(projectId));
      default:
        throw new NotFoundError('Exports: suggestions, history, audit, costs', { resource: 'export', resourceId: params.kind ?? '' });
    }
  });
}
