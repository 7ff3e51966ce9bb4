// /auth and /auth/callback: the authorization-code grant (install from outside Admin) through Shopify's
// library, which checks the callback's HMAC, its state against the signed cookie, and its timestamp.
// /auth/session-token and /auth/exit-iframe: the embedded flow's bounce and exit pages.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { authenticate, installFlow } from '../shopify.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const { pathname, searchParams } = new URL(request.url);
  // Shopify's library writes `shop` into headers (frame-ancestors) and URLs as given on some of these pages:
  // a value that isn't a shop's myshopify.com domain is refused here, before it can.
  const shop = searchParams.get('shop');
  if (shop !== null && !/^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$/.test(shop)) {
    throw new Response('Invalid shop', { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  if (pathname === '/auth' || pathname === '/auth/' || pathname === '/auth/callback') {
    await installFlow.authenticate.admin(request);
  } else if (pathname === '/auth/exit-iframe') {
    try {
      await authenticate.admin(request);
    } catch (thrown) {
      if (thrown instanceof Response) throw thrown;
      // Shopify's library refuses (throws) an exit-iframe destination outside the app and the shop: the
      // caller's mistake, answered as such rather than as our error.
      throw new Response('Invalid exit-iframe destination', { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
  } else {
    await authenticate.admin(request);
  }
  return null;
}
