// GET /api/product-links/:linkId: one link with its listings and their prices.
// PATCH /api/product-links/:linkId {add?: [listingIds], remove?: [listingIds]}: change it by hand; a link
//   left with fewer than two listings is undone (204).
// DELETE /api/product-links/:linkId: unlink; the listings stay apart until linked by hand again. 204.
// Another shop's link is a 404, like one that doesn't exist.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, jsonBody, methodNotAllowed, shopApi } from '../services/platform-api.server';
import { getProductLink, unlink, updateLink } from '../services/product-links.server';

const ids = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

export function loader({ request, params }: LoaderFunctionArgs) {
  return shopApi(request, async ({ projectId }) => json(await getProductLink(projectId, params.linkId ?? '')));
}

export function action({ request, params }: ActionFunctionArgs) {
  return shopApi(request, async ({ projectId, shop }) => {
    const linkId = params.linkId ?? '';
    if (request.method === 'DELETE') {
      await unlink(projectId, linkId, shop);
      return new Response(null, { status: 204 });
    }
    if (request.method === 'PATCH') {
      const body = await jsonBody(request);
      const link = await updateLink(projectId, linkId, { add: ids(body.add), remove: ids(body.remove) }, shop);
      return link ? json(link) : new Response(null, { status: 204 });
    }
    return methodNotAllowed(request, 'GET, PATCH, DELETE');
  });
}
