// GET /api/pricing/audit?limit=&entityId=: who approved, rejected, retried or rolled back what, and when.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { json, pricingApi, searchParams } from '../pricing/api.server';
import { listAudit } from '../pricing/audit.server';
import { queryCount } from '../lib/route-params.server';

export function loader({ request }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => {
    const q = searchParams(request);
    return json({ entries: await listAudit(projectId, { limit: queryCount(q, 'limit', 5000) ?? 100, ...(q.get('entityId') ? { entityId: q.get('entityId')! } : {}) }) });
  });
}
