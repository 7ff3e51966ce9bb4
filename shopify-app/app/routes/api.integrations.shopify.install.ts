// GET /api/integrations/shopify/install?shop=…: install from outside Shopify Admin. Starts the
// authorization-code grant (the roadmap's install endpoint); Shopify returns to /auth/callback.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { login } from '../shopify.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const errors = await login(request);
  return new Response(JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, errors }), {
    status: 400,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}
