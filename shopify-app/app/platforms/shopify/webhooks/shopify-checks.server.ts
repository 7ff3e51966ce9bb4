// What processing asks Shopify before it acts on what a delivery's unsigned headers claim:
// - a products/update for a product the shop isn't known to have is read from that shop's Admin API
//   (the body names no shop: it may be another shop's product re-sent under this shop's domain);
// - an app/uninstalled is acted on only once Shopify refuses the shop's offline token (401), as it does
//   for a shop that uninstalled the app;
// - an app/scopes_update is applied as Shopify says the grant is now (currentAppInstallation.accessScopes),
//   not as its body says;
// - a products/delete retires a product only once the shop's Admin API answers that it has no such product;
// - a shop/update is applied as Shopify says the shop is now (shop { name currencyCode ianaTimezone }).
// The connector and the app's Shopify config are loaded on first use: most deliveries never need them, and
// the processor stays loadable without the app's Shopify settings (its tests run it on a bare database).
import { SessionNotFoundError } from '@shopify/shopify-app-remix/server';
import { AuthenticationError, NotFoundError, type NormalizedProduct } from '@calibr/shared-contracts';
import type { ShopInfo } from '../connector/types';

/** What Shopify says of the offline token we hold for a shop; `no-token` when we hold none to ask with. */
export type TokenStatus = 'refused' | 'accepted' | 'no-token';

export interface ShopifyChecks {
  /** The product as the shop holds it now, or null when the shop has no such product or can't be asked (token refused). */
  readProduct(shop: string, projectId: string, productGid: string): Promise<NormalizedProduct | null>;
  tokenStatus(shop: string, projectId: string | null): Promise<TokenStatus>;
  /** True only when the shop's Admin API answers that it has no such product (not when it can't be asked). */
  productGone(shop: string, projectId: string, productGid: string): Promise<boolean>;
  /** The scopes the shop has granted the app, as Shopify answers now; null when it can't be asked (no token, or refused). */
  grantedScopes(shop: string, projectId: string | null): Promise<string[] | null>;
  /** The shop's name, currency and time zone, as Shopify answers now; null when it can't be asked (no token, or refused). */
  shopDetails(shop: string, projectId: string): Promise<ShopInfo | null>;
}

async function connectorFor(shop: string, projectId: string | null) {
  const { shopifyConnectorFor } = await import('../connector-for-shop.server');
  return shopifyConnectorFor(shop, projectId ?? '');
}

/**
 * Shopify refused the token: a 401 to the token and to its refresh (no cause), or a 4xx to the refresh
 * itself. A network failure or a 5xx on the way is not a refusal: the caller retries later.
 */
function refused(error: unknown): boolean {
  if (!(error instanceof AuthenticationError)) return false;
  if (error.cause === undefined) return true;
  const code = (error.cause as { response?: { code?: unknown } }).response?.code;
  return typeof code === 'number' && code >= 400 && code < 500 && code !== 429;
}

function noSession(error: unknown): boolean {
  return error instanceof AuthenticationError && error.cause instanceof SessionNotFoundError;
}

export const shopifyChecks: ShopifyChecks = {
  async readProduct(shop, projectId, productGid) {
    try {
      return await (await connectorFor(shop, projectId)).products.get(productGid);
    } catch (error) {
      // Not this shop's product; or the shop can't be asked (its token refused, or no session held).
      if (error instanceof NotFoundError || refused(error) || noSession(error)) return null;
      throw error;
    }
  },

  async productGone(shop, projectId, productGid) {
    try {
      await (await connectorFor(shop, projectId)).products.get(productGid);
      return false;
    } catch (error) {
      if (error instanceof NotFoundError) return true;
      if (refused(error) || noSession(error)) return false;
      throw error;
    }
  },

  async grantedScopes(shop, projectId) {
    try {
      return await (await connectorFor(shop, projectId)).grantedScopes();
    } catch (error) {
      if (refused(error) || noSession(error)) return null;
      throw error;
    }
  },

  async shopDetails(shop, projectId) {
    try {
      return await (await connectorFor(shop, projectId)).loadShop();
    } catch (error) {
      if (refused(error) || noSession(error)) return null;
      throw error;
    }
  },

  async tokenStatus(shop, projectId) {
    const { sessionStorage } = await import('../../../shopify.server');
    const sessions = await sessionStorage.findSessionsByShop(shop);
    if (!sessions.some((s) => !s.isOnline && s.accessToken)) return 'no-token';
    try {
      await (await connectorFor(shop, projectId)).loadShop();
      return 'accepted';
    } catch (error) {
      if (refused(error)) return 'refused';
      throw error;
    }
  },
};
