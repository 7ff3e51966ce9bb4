// /auth and /auth/callback: the authorization-code grant (install from outside Admin) through Shopify's
// library, which checks the callback's HMAC, its state against the signed cookie, and its timestamp.
// /auth/session-token and /auth/exit-iframe: the embedded flow's bounce and exit pages.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { authenticate, installFlow } from '../shopify.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const { pathname } = new URL(request.url);
  if (pathname === '/auth' || pathname === '/auth/' || pathname === '/auth/callback') {
    await installFlow.authenticate.admin(request);
  } else {
    await authenticate.admin(request);
  }
  return null;
}
