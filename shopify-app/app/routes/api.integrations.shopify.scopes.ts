// /api/integrations/shopify/scopes: the grant as Shopify says it is now (GET: granted, required, missing),
// and asking the merchant for what is missing (POST: Shopify's grant screen, through App Bridge's
// reauthorize header; 200 with nothing missing when all is granted).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { apiRoute, json, methodNotAllowed } from '../lib/api-auth.server';
import { queryScopes, requestMissingScopes } from '../platforms/shopify/scopes.server';

export async function loader({ request }: LoaderFunctionArgs) {
  return apiRoute(request, async ({ shop, scopes }) => json(await queryScopes(shop, scopes)));
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed(request, 'GET, POST');
  return apiRoute(request, async ({ shop, scopes }) => {
    const state = await queryScopes(shop, scopes);
    if (state.missing.length === 0) return json(state);
    await requestMissingScopes(shop, scopes, state.missing);
    return json(await queryScopes(shop, scopes)); // granted meanwhile: nothing to ask
  });
}
