// POST /api/pricing/costs/import {csv, apply?: false, skipInvalid?: false, currency?}: costs, floors,
// ceilings and MAP by SKU from CSV. Without `apply`: the preview (each row's action or its errors by
// column; the first rows and bad rows up to a bound). With `apply`: writes the valid rows (refused, with
// the first 100 bad rows named and the rest counted, unless skipInvalid), with progress in a background
// job. A file over a limit (size, line, columns, rows, time) is a 400 problem naming the limit.
import type { ActionFunctionArgs } from '@remix-run/node';
import { ValidationError } from '@calibr/shared-contracts';
import { json, methodNotAllowed, pricingApi } from '../pricing/api.server';
import { readJsonBody } from '../lib/request-body.server';
import { applyCostImport, previewCostImport } from '../pricing/cost-import.server';

// The CSV travels inside the JSON body: its own 10 MB cap plus room for JSON's escaping.
const COST_IMPORT_LIMIT_BYTES = 12 * 1024 * 1024;

export function action({ request }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId, actor }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'POST');
    const body = await readJsonBody(request, { limitBytes: COST_IMPORT_LIMIT_BYTES });
    if (typeof body.csv !== 'string' || body.csv.trim() === '') throw ValidationError.field('csv', 'csv must be the file’s text', 'required');
    const currency = typeof body.currency === 'string' && body.currency ? { defaultCurrency: body.currency } : {};
    if (body.apply === true) return json(await applyCostImport(projectId, body.csv, actor, { skipInvalid: body.skipInvalid === true, ...currency }));
    return json(await previewCostImport(projectId, body.csv, currency));
  });
}
