// /app/pricing/products/:itemId: the product page's old address. A product has one page, its listing page
// (/app/listings/:itemId), which takes the same ids (a product link's, or a listing's): bookmarks land there
// with the embedded query string kept (shop, host, embedded, id_token…), so they still open inside Admin.
// No component: the redirect is all it answers (an unknown or another shop's id is the listing page's 404).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { NotFoundError } from '@calibr/shared-contracts';
import { pathId } from '../lib/route-params.server';
import { consoleProject } from '../pricing/console.server';

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { redirect } = await consoleProject(request);
  try {
    // A malformed id names nothing: a 404 here, never echoed into a Location.
    return redirect(`/app/listings/${pathId(params.itemId, 'product')}`);
  } catch (error) {
    if (error instanceof NotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
};
