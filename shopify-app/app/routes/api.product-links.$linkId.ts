// GET /api/product-links/:linkId: one link with its listings and their prices.
// PATCH /api/product-links/:linkId {add?: [listingIds], remove?: [listingIds]}: change it by hand; a link
//   left with fewer than two listings is undone (204).
// DELETE /api/product-links/:linkId: unlink; the listings stay apart until linked by hand again. 204.
// Another shop's link is a 404, like one that doesn't exist.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, shopApi } from '../platforms/platform-api.server';
import { readJsonBody } from '../lib/request-body.server';
import { ValidationError } from '@calibr/shared-contracts';
import { getProductLink, unlink, updateLink } from '../platforms/product-links.server';
import { pathId } from '../lib/route-params.server';

const MAX_IDS = 100;
function ids(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_IDS || value.some((id) => typeof id !== 'string' || id.length > 64)) {
    throw ValidationError.field(field, `${field} must list at most ${MAX_IDS} listing ids (strings)`, 'invalid_type');
  }
  return value as string[];
}

export function loader({ request, params }: LoaderFunctionArgs) {
  return shopApi(request, async ({ projectId }) => json(await getProductLink(projectId, pathId(params.linkId, 'product_link'))));
}

export function action({ request, params }: ActionFunctionArgs) {
  return shopApi(request, async ({ projectId, shop }) => {
    const linkId = pathId(params.linkId, 'product_link');
    if (request.method === 'DELETE') {
      await unlink(projectId, linkId, shop);
      return new Response(null, { status: 204 });
    }
    if (request.method === 'PATCH') {
      const body = await readJsonBody(request);
      const link = await updateLink(projectId, linkId, { add: ids(body.add, 'add'), remove: ids(body.remove, 'remove') }, shop);
      return link ? json(link) : new Response(null, { status: 204 });
    }
    return methodNotAllowed(request, 'GET, PATCH, DELETE');
  });
}
