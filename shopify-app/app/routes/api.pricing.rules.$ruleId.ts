// PATCH /api/pricing/rules/:ruleId {...fields}: change a rule (validated as a whole). DELETE: remove it (204).
// Another shop's rule is a 404.
import type { ActionFunctionArgs } from '@remix-run/node';
import { json, jsonBody, methodNotAllowed, pricingApi } from '../pricing/api.server';
import { deleteRule, updateRule } from '../pricing/rules.server';

export function action({ request, params }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId, actor }) => {
    const id = params.ruleId ?? '';
    if (request.method === 'PATCH' || request.method === 'PUT') return json(await updateRule(projectId, id, await jsonBody(request), actor));
    if (request.method === 'DELETE') {
      await deleteRule(projectId, id, actor);
      return new Response(null, { status: 204 });
    }
    return methodNotAllowed(request, 'PATCH, DELETE');
  });
}
