// A ShopifyConnector for an installed shop, on its offline session (refreshed by Shopify's library when
// the expiring token is near its end) and its synced listings.
import { AuthenticationError } from '@calibr/shared-contracts';
import { ShopifyConnector, schedulerForShop } from './connector';
import { SHOPIFY_API_VERSION } from './connector/api-version';
import { sessionStorage, unauthenticated } from '../../shopify.server';
import { listingLocator } from './listings.server';
import { databaseBulkRunStore } from './bulk-runs.server';
import { refreshRefused, shopifyBaseApi } from './shopify-api.server';
import { db } from '../../db.server';

/** Tries at a token refresh whose answer was lost, before the shop's work gives up. */
const REFRESH_ATTEMPTS = 3;

export function shopifyConnectorFor(shop: string, projectId: string): ShopifyConnector {
  return new ShopifyConnector({
    shop,
    tenantId: projectId,
    apiVersion: SHOPIFY_API_VERSION,
    scheduler: schedulerForShop(shop),
    locator: listingLocator(projectId),
    // Bulk price runs are recorded for every instance: a lost answer is recovered by any of them.
    bulkRuns: databaseBulkRunStore(db, projectId),
    // Batches above this many variants go as one bulk mutation (default 5,000; tests lower it to take that path).
    ...numberEnv('SHOPIFY_BULK_MUTATION_THRESHOLD', 'bulkMutationThreshold'),
    ...numberEnv('SHOPIFY_BULK_POLL_MS', 'bulkPollIntervalMs'),
    token: {
      async getAccessToken() {
        for (let attempt = 1; ; attempt++) {
          try {
            const { session } = await unauthenticated.admin(shop);
            if (!session.accessToken) throw new Error('session has no access token');
            return session.accessToken;
          } catch (error) {
            if (error instanceof Response && error.status >= 500) {
              // The Remix package answers every failed refresh with a bare 500. Refreshing with the base library
              // tells a refused refresh token (the app uninstalled, the token revoked) from a lost answer, which
              // is asked again: we still hold the refresh token, and Shopify keeps it valid until its
              // replacement is used (since 2026-08-28).
              const refreshed = await refreshOffline(shop).catch((refreshError: unknown) => refreshError);
              if (typeof refreshed === 'string') return refreshed;
              if (refreshRefused(refreshed)) {
                throw new AuthenticationError(`Shopify refused the refresh token of ${shop}: reinstall or reopen the app`, { platform: 'shopify', cause: refreshed });
              }
              if (attempt < REFRESH_ATTEMPTS) {
                await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
                continue;
              }
            }
            throw new AuthenticationError(`No usable Shopify session for ${shop}: reinstall or reopen the app`, {
              platform: 'shopify',
              cause: error,
            });
          }
        }
      },
      // Shopify refused the token (expired or revoked early): mark our copy expired so the next call
      // refreshes it with the refresh token.
      async onUnauthorized() {
        const sessions = await sessionStorage.findSessionsByShop(shop);
        for (const session of sessions.filter((s) => !s.isOnline)) {
          // A moment ago, not the epoch: the session storage reads an `expires` of 0 ms back as "never".
          session.expires = new Date(Date.now() - 60_000);
          await sessionStorage.storeSession(session);
        }
      },
    },
  });
}

/** `{ [option]: n }` when the variable holds a whole number ≥ 0, else nothing (the connector's default). */
function numberEnv<K extends string>(name: string, option: K): Partial<Record<K, number>> {
  const raw = process.env[name];
  const value = Number(raw);
  return raw && Number.isInteger(value) && value >= 0 ? ({ [option]: value } as Record<K, number>) : {};
}

/** The shop's offline token refreshed with Shopify's base library and stored; throws what Shopify answered. */
async function refreshOffline(shop: string): Promise<string | Error> {
  const offline = (await sessionStorage.findSessionsByShop(shop)).find((s) => !s.isOnline && s.refreshToken);
  if (!offline?.refreshToken) return new Error('no refresh token held');
  const { session } = await shopifyBaseApi().auth.refreshToken({ shop, refreshToken: offline.refreshToken });
  await sessionStorage.storeSession(session);
  if (!session.accessToken) return new Error('the refreshed session has no access token');
  return session.accessToken;
}
