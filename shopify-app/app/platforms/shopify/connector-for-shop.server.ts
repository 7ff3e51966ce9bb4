// A ShopifyConnector for an installed shop, on its offline session (refreshed by Shopify's library when
// the expiring token is near its end) and its synced listings.
import { AuthenticationError } from '@calibr/shared-contracts';
import { ShopifyConnector, schedulerForShop } from './connector';
import { SHOPIFY_API_VERSION } from './connector/api-version';
import { sessionStorage, unauthenticated } from '../../shopify.server';
import { listingLocator } from './listings.server';
import { databaseBulkRunStore } from './bulk-runs.server';
import { db } from '../../db.server';

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
        try {
          const { session } = await unauthenticated.admin(shop);
          if (!session.accessToken) throw new Error('session has no access token');
          return session.accessToken;
        } catch (error) {
          throw new AuthenticationError(`No usable Shopify session for ${shop}: reinstall or reopen the app`, {
            platform: 'shopify',
            cause: error,
          });
        }
      },
      // Shopify refused the token (expired or revoked early): mark our copy expired so the next call
      // refreshes it with the refresh token.
      async onUnauthorized() {
        const sessions = await sessionStorage.findSessionsByShop(shop);
        for (const session of sessions.filter((s) => !s.isOnline)) {
          session.expires = new Date(0);
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
