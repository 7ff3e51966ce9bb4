// PATCH /api/pricing/rules/:ruleId {...fields}: change a rule (validated as a whole). DELETE: remove it (204).
// Another shop's rule is a 404.
import type { ActionFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, pricingApi } from '../pricing/api.server';
import { readJsonBody } from '../lib/request-body.server';
import { deleteRule, updateRule } from '../pricing/rules.server';
import { pathId } from '../lib/route-params.server';

export function action({ request, params }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId, actor }) => {
    const id = pathId(params.ruleId, 'pricing_rule');
    if (request.method === 'PATCH' || request.method === 'PUT') return json(await updateRule(projectId, id, await readJsonBody(request), actor));
    if (request.method === 'DELETE') {
      await deleteRule(projectId, id, actor);
      return new Response(null, { status: 204 });
    }
    return methodNotAllowed(request, 'PATCH, DELETE');
  });
}
