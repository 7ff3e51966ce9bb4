// GET /api/product-links[?q=&page=]: the shop's products linked across platforms, each listing with its
// platform's current price, side by side. Auto-linking by SKU runs first on the unfiltered first page
// (syncs link too), so new listings show at once without relinking on every search keystroke.
// GET /api/product-links?unlinked=1[&platform=&q=]: listings in no link, to link by hand.
// POST /api/product-links {listingIds: [...], sku?, title?}: link listings by hand (SKUs may differ). 201.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, jsonBody, methodNotAllowed, shopApi } from '../services/platform-api.server';
import { autoLinkBySku, createManualLink, listProductLinks, unlinkedListings } from '../services/product-links.server';

export function loader({ request }: LoaderFunctionArgs) {
  return shopApi(request, async ({ projectId }) => {
    const url = new URL(request.url);
    const query = url.searchParams.get('q') ?? undefined;
    if (url.searchParams.get('unlinked') === '1') {
      const platform = url.searchParams.get('platform') ?? undefined;
      return json({ listings: await unlinkedListings(projectId, { ...(platform ? { platform } : {}), ...(query ? { query } : {}) }) });
    }
    const page = Number(url.searchParams.get('page') ?? 1) || 1;
    if (page === 1 && !query) await autoLinkBySku(projectId);
    return json(await listProductLinks(projectId, { page, ...(query ? { query } : {}) }));
  });
}

export function action({ request }: ActionFunctionArgs) {
  return shopApi(request, async ({ projectId, shop }) => {
    if (request.method !== 'POST') return methodNotAllowed(request, 'GET, POST');
    const body = await jsonBody(request);
    const link = await createManualLink(
      projectId,
      {
        listingIds: Array.isArray(body.listingIds) ? body.listingIds.map(String) : [],
        ...(typeof body.sku === 'string' ? { sku: body.sku } : {}),
        ...(typeof body.title === 'string' ? { title: body.title } : {}),
      },
      shop,
    );
    return json(link, { status: 201 });
  });
}
