// GET /api/listings?view=all|price_war|below_margin|no_buy_box|buy_box_ineligible|unread&q=&sort=title|sku|linked&direction=&page=&pageSize=:
//   the shop's linked products for the listings workspace, a page at a time, with the readings' progress.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiRoute, json } from '../lib/api-auth.server';
import { listListings, listingOptionsFrom } from '../listings/workspace.server';

export function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async ({ projectId }) => json(await listListings(projectId, listingOptionsFrom(new URL(request.url).searchParams))));
}
