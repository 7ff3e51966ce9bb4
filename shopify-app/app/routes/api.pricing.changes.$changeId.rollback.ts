// POST /api/pricing/changes/:changeId/rollback: put back, on each platform, the price the change replaced
// (a new change of source "rollback", pushed like any other). 201 with its id; 200 if it already exists.
import type { ActionFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, pricingApi } from '../pricing/api.server';
import { rollbackChange } from '../pricing/changes.server';
import { pathId } from '../lib/route-params.server';

export function action({ request, params }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId, actor }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'POST');
    const result = await rollbackChange(projectId, pathId(params.changeId, 'price_change'), actor);
    return json(result, { status: result.created ? 201 : 200 });
  });
}
