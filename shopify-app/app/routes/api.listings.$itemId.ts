// GET /api/listings/:itemId: one product's listing page (its row, competitors per marketplace as its rule
//   sees them, fees, prices over time, price changes), by a product link's id or a listing's (a linked
//   listing's answers its link's page).
// PATCH /api/listings/:itemId {cost?, floor?, ceiling?, map?}: edit them (decimal strings in the shop's
//   currency; "" or null clears a floor, ceiling or MAP). A bad value is a 400 problem naming each field with
//   a message for the merchant; nothing is written then. Answers the row as it now is. Another shop's
//   product is a 404, like one that doesn't exist.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { apiRoute, json, methodNotAllowed } from '../lib/api-auth.server';
import { readJsonBody } from '../lib/request-body.server';
import { pathId } from '../lib/route-params.server';
import { editListingCosts } from '../listings/cost-edit.server';
import { listingPage } from '../listings/listing-page.server';
import { listingRows } from '../listings/workspace.server';

export function loader({ request, params }: LoaderFunctionArgs) {
  return apiRoute(request, async ({ projectId }) => json(await listingPage(projectId, pathId(params.itemId, 'listing'))));
}

export function action({ request, params }: ActionFunctionArgs) {
  return apiRoute(request, async (api) => {
    if (request.method !== 'PATCH') return methodNotAllowed(request, 'GET, PATCH');
    const itemId = pathId(params.itemId, 'listing');
    const body = await readJsonBody(request, { limitBytes: 16 * 1024 });
    await editListingCosts(api.projectId, itemId, body, api.actor);
    const [row] = await listingRows(api.projectId, [itemId]);
    return json({ row });
  });
}
