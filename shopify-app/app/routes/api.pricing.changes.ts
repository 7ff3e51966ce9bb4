// GET /api/pricing/changes?status=&day=today&failedOn=&productLinkId=&limit=: price changes with each platform's outcome
// (applied, pending with the feed id, failed with the platform's own code and message).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { json, pricingApi, searchParams } from '../pricing/api.server';
import { changeFiltersFrom, listChanges } from '../pricing/changes.server';
import { queryCount } from '../lib/route-params.server';

export function loader({ request }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => {
    const q = searchParams(request);
    return json({
      changes: await listChanges(projectId, {
        ...changeFiltersFrom(q),
        ...(q.get('productLinkId') ? { productLinkId: q.get('productLinkId')! } : {}),
        ...(q.get('ids') ? { ids: q.get('ids')!.split(',') } : {}),
        limit: queryCount(q, 'limit', 10_000) ?? 100,
      }),
    });
  });
}
