// POST /api/pricing/monitor {asins?: [...]}: read competitive prices now (through the Amazon service,
// within its rate limits), notice what moved, and suggest. Answers with what was read and triggered.
import type { ActionFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, pricingApi } from '../pricing/api.server';
import { readJsonBody } from '../lib/request-body.server';
import { monitorShop } from '../pricing/monitor/monitor-scheduler.server';

export function action({ request }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'POST');
    const body = await readJsonBody(request);
    const asins = Array.isArray(body.asins) ? body.asins.filter((a): a is string => typeof a === 'string') : undefined;
    return json(await monitorShop(projectId, asins ? { asins } : {}));
  });
}
