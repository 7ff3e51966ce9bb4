// GET /api/integrations/shopify/install?shop=…: install from outside Shopify Admin. Starts the
// authorization-code grant (the roadmap's install endpoint); Shopify returns to /auth/callback.
// A missing or invalid shop is a 400 problem naming `shop`, like every other refusal of the API.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { ValidationError } from '@calibr/shared-contracts';
import { problem } from '../lib/problem';
import { login } from '../shopify.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const errors = await login(request);
  const message = errors.shop === 'MISSING_SHOP' ? 'shop is required: the shop domain (example.myshopify.com)' : 'shop must be a shop domain (example.myshopify.com)';
  return problem(ValidationError.field('shop', message, errors.shop === 'MISSING_SHOP' ? 'required' : 'invalid_format'), new URL(request.url).pathname);
}
