// The scopes the app's configuration requires against what the merchant granted. Under Shopify-managed
// installation a scope added to shopify.app.toml is not granted until the merchant approves it: until then
// the shop's token lacks it (its calls needing it are ACCESS_DENIED). The app notices (the session's scope
// after token exchange, app/scopes_update read back from Shopify) and asks the merchant with
// shopify-app-remix's scopes API, which sends them to Shopify's grant screen.
import { AuthScopes } from '@shopify/shopify-api';
import { configuredScopes } from '../../config.server';
import { db } from '../../db.server';
import { logger } from '../../lib/logger.server';
import type { authenticate } from '../../shopify.server';

/** shopify-app-remix's scopes API of an authenticated Admin request. */
export type ScopesApi = Awaited<ReturnType<typeof authenticate.admin>>['scopes'];

/** Required scopes the grant lacks (`write_X` covers `read_X`, as Shopify counts them). */
export function missingScopes(granted: readonly string[] | string | null | undefined): string[] {
  const have = new AuthScopes(typeof granted === 'string' ? granted : [...(granted ?? [])]);
  return configuredScopes().filter((s) => !have.has(s));
}

export interface ScopesState {
  granted: string[];
  required: string[];
  missing: string[];
}

/** What Shopify says is granted now (scopes.query()); the stored grant follows it. */
export async function queryScopes(shop: string, scopes: ScopesApi): Promise<ScopesState> {
  const detail = await scopes.query();
  await storeGrant(shop, detail.granted);
  return { granted: detail.granted, required: configuredScopes(), missing: missingScopes(detail.granted) };
}

/**
 * Ask the merchant for the missing scopes: scopes.request() checks with Shopify first and, when they are
 * not granted, throws the redirect to Shopify's grant screen (a Response: App Bridge's reauthorize header
 * for a fetch). It returns only when Shopify says they are granted already.
 */
export async function requestMissingScopes(shop: string, scopes: ScopesApi, missing: readonly string[]): Promise<void> {
  if (missing.length === 0) return;
  logger.info({ shop, missing }, 'asking the merchant for scopes the app requires');
  await scopes.request([...missing]);
}

async function storeGrant(shop: string, granted: readonly string[]): Promise<void> {
  const scope = granted.join(',');
  await db.session.updateMany({ where: { shop, NOT: { scope } }, data: { scope } });
  await db.shopifyIntegration.updateMany({ where: { shopDomain: shop, NOT: { scope } }, data: { scope } });
}
