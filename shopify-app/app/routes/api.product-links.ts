// GET /api/product-links[?q=&page=]: the shop's products linked across platforms, each listing with its
// platform's current price, side by side. Auto-linking by SKU runs first on the unfiltered first page
// (syncs link too), so new listings show at once without relinking on every search keystroke.
// GET /api/product-links?unlinked=1[&platform=&q=]: listings in no link, to link by hand.
// POST /api/product-links {listingIds: [...], sku?, title?}: link listings by hand (SKUs may differ). 201.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, methodNotAllowed, shopApi } from '../platforms/platform-api.server';
import { readJsonBody } from '../lib/request-body.server';
import { queryCount } from '../lib/route-params.server';
import { ValidationError } from '@calibr/shared-contracts';

/** A product is one listing per platform and marketplace: a few dozen at the very most. */
const MAX_LINKED_LISTINGS = 100;
const MAX_PAGE = 1_000_000;
import { autoLinkBySku, createManualLink, listProductLinks, unlinkedListings } from '../platforms/product-links.server';

export function loader({ request }: LoaderFunctionArgs) {
  return shopApi(request, async ({ projectId }) => {
    const url = new URL(request.url);
    const query = url.searchParams.get('q') ?? undefined;
    if (url.searchParams.get('unlinked') === '1') {
      const platform = url.searchParams.get('platform') ?? undefined;
      return json({ listings: await unlinkedListings(projectId, { ...(platform ? { platform } : {}), ...(query ? { query } : {}) }) });
    }
    const page = queryCount(url.searchParams, 'page', MAX_PAGE) ?? 1;
    if (page === 1 && !query) await autoLinkBySku(projectId);
    return json(await listProductLinks(projectId, { page, ...(query ? { query } : {}) }));
  });
}

export function action({ request }: ActionFunctionArgs) {
  return shopApi(request, async ({ projectId, shop }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'GET, POST');
    const body = await readJsonBody(request);
    const listingIds = Array.isArray(body.listingIds) ? body.listingIds : [];
    if (listingIds.length > MAX_LINKED_LISTINGS) throw ValidationError.field('listingIds', `at most ${MAX_LINKED_LISTINGS} listings in one link`, 'too_many');
    const badId = listingIds.findIndex((id) => typeof id !== 'string' || id.length > 64);
    if (badId >= 0) throw ValidationError.field(`listingIds[${badId}]`, 'a listing id is a string of at most 64 characters', 'invalid_type');
    if (body.sku !== undefined && (typeof body.sku !== 'string' || body.sku.length > 255)) throw ValidationError.field('sku', 'sku must be text of at most 255 characters', 'invalid_type');
    if (body.title !== undefined && (typeof body.title !== 'string' || body.title.length > 512)) throw ValidationError.field('title', 'title must be text of at most 512 characters', 'invalid_type');
    const link = await createManualLink(
      projectId,
      {
        listingIds: listingIds as string[],
        ...(typeof body.sku === 'string' ? { sku: body.sku } : {}),
        ...(typeof body.title === 'string' ? { title: body.title } : {}),
      },
      shop,
    );
    return json(link, { status: 201 });
  });
}
