// GET /api/pricing/flags?include=cleared&kind=price_war|fees_unavailable|buy_box_ineligible&limit=: what the
// merchant has to look at on a priced item (a price war the guard held it for, fees that could not be read,
// an Amazon offer that lost Buy Box eligibility on price), newest first.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { ValidationError } from '@calibr/shared-contracts';
import { json, pricingApi, searchParams } from '../pricing/api.server';
import { LISTED_FLAG_KINDS, listFlags } from '../pricing/loop-facts.server';
import { queryCount } from '../lib/route-params.server';

export function loader({ request }: LoaderFunctionArgs) {
  return pricingApi(request, async ({ projectId }) => {
    const q = searchParams(request);
    const kind = q.get('kind') || undefined;
    if (kind && !(LISTED_FLAG_KINDS as readonly string[]).includes(kind)) throw ValidationError.field('kind', `kind must be one of ${LISTED_FLAG_KINDS.join(', ')}`, 'invalid_enum');
    const include = q.get('include') || undefined;
    if (include && include !== 'cleared') throw ValidationError.field('include', 'include must be cleared', 'invalid_enum');
    return json({ flags: await listFlags(projectId, { includeCleared: include === 'cleared', ...(kind ? { kind } : {}), limit: queryCount(q, 'limit', 1000) ?? 200 }) });
  });
}
