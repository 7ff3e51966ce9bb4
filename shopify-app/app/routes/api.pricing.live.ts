// GET /api/pricing/live: the fingerprint of the shop's pricing lists ({ version, pushing }), which the
// console polls to reload its lists only when something changed (components/live/use-live-refresh.ts).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { json, pricingApi } from '../pricing/api.server';
import { liveVersion } from '../pricing/live.server';

export function loader({ request }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => json(await liveVersion(projectId), { headers: { 'Cache-Control': 'no-store' } }));
}
