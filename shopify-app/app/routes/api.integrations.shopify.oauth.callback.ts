// GET /api/integrations/shopify/oauth/callback: the roadmap's OAuth callback path. The grant's state
// cookie is scoped to /auth/callback, where Shopify's library completes it (HMAC, state, timestamp).
import { redirect, type LoaderFunctionArgs } from '@remix-run/node';

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  return redirect(`/auth/callback${url.search}`, 307);
}
