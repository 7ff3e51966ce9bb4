// GET /api/pricing/rules: the shop's pricing rules. POST /api/pricing/rules {...}: create one (validated:
// every bad field named, contradicting guardrails refused). 201.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, pricingApi } from '../pricing/api.server';
import { readJsonBody } from '../lib/request-body.server';
import { createRule, listRules, RULE_OPTIONS } from '../pricing/rules.server';

export function loader({ request }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => json({ rules: await listRules(projectId), options: RULE_OPTIONS }));
}

export function action({ request }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId, actor }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'GET, POST');
    return json(await createRule(projectId, await readJsonBody(request), actor), { status: 201 });
  });
}
