// POST /api/pricing/dry-run {rule?: {...a rule, id? to try a change to an existing one}, onlyDraft?, status?, page?, pageSize?}:
// what the rules (with the draft) would do across the catalog. Nothing is created.
import type { ActionFunctionArgs } from '@remix-run/node';
import { ValidationError } from '@calibr/shared-contracts';
import { json, methodNotAllowed, pricingApi } from '../pricing/api.server';
import { readJsonBody } from '../lib/request-body.server';
import { dryRun, type DryRunOptions } from '../pricing/suggestions.server';

const STATUSES = ['suggest', 'no_change', 'skipped', 'blocked'];

export function action({ request }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'POST');
    const body = await readJsonBody(request);
    if (body.rule !== undefined && (typeof body.rule !== 'object' || body.rule === null || Array.isArray(body.rule))) {
      throw ValidationError.field('rule', 'rule must be an object', 'invalid_type');
    }
    if (body.status !== undefined && !STATUSES.includes(String(body.status))) throw ValidationError.field('status', `status must be one of ${STATUSES.join(', ')}`, 'invalid_enum');
    const options: DryRunOptions = {
      ...(body.rule ? { rule: body.rule as DryRunOptions['rule'] } : {}),
      onlyDraft: body.onlyDraft === true,
      ...(body.status ? { status: body.status as DryRunOptions['status'] } : {}),
      page: Number(body.page ?? 1),
      pageSize: Number(body.pageSize ?? 50),
    };
    return json(await dryRun(projectId, options));
  });
}
