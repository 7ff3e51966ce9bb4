// POST /api/pricing/suggestions/generate {ids?: [...]}: evaluate the rules now (the whole catalog, or
// these products) and store what they suggest. Answers with the counts.
import type { ActionFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, pricingApi } from '../pricing/api.server';
import { readJsonBody } from '../lib/request-body.server';
import { generateSuggestions } from '../pricing/suggestions.server';

export function action({ request }: ActionFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'POST');
    const body = await readJsonBody(request);
    const ids = Array.isArray(body.ids) ? body.ids.filter((id): id is string => typeof id === 'string') : undefined;
    return json(await generateSuggestions(projectId, { ...(ids ? { ids } : {}), fallbackTrigger: { kind: 'manual', at: new Date().toISOString() } }));
  });
}
