// POST /api/pricing/changes/:changeId/retry: send a failed (or partly failed) change's failed attempts again.
import type { ActionFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, pricingApi } from '../pricing/api.server';
import { retryChange } from '../pricing/changes.server';
import { pathId } from '../lib/route-params.server';

export function action({ request, params }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId, actor }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'POST');
    return json(await retryChange(projectId, pathId(params.changeId, 'price_change'), actor));
  });
}
