// Shopify, in process: the app's own ShopifyConnector on the shop's offline session. Installing the app
// is the connection, and Shopify's own sync service (product listings, checkpoint, sync log) runs syncs.
import { NotFoundError } from '@calibr/shared-contracts';
import { SHOPIFY_CAPABILITIES } from './connector';
import { db } from '../../db.server';
import { shopifyConnectorFor } from './connector-for-shop.server';
import { autoLinkBySku } from '../product-links.server';
import { startShopifySync, waitForSync } from './catalog-sync.server';
import type { AppPlatformRegistration } from '../platform-registration';
import { errorMessage, logger } from '../../lib/logger.server';

export function shopifyRegistration(): AppPlatformRegistration {
  return {
    descriptor: {
      platform: 'shopify',
      displayName: 'Shopify',
      description: 'Your Shopify store: products, variants and their prices, through the Admin GraphQL API.',
      capabilities: SHOPIFY_CAPABILITIES,
    },
    factory: async ({ tenantId, events }) => {
      const project = await db.project.findUnique({ where: { id: tenantId }, select: { shopDomain: true } });
      if (!project) throw new NotFoundError(`no shop for tenant ${tenantId}`, { resource: 'tenant', resourceId: tenantId });
      const connector = shopifyConnectorFor(project.shopDomain, tenantId);
      // The connector publishes on its own emitter; forward to the registry's so one subscriber sees all.
      connector.events.onAny((event) => events.emit(event));
      return connector;
    },
    connection: { kind: 'app_install' },
    consolePath: '/app/integrations/shopify',
    startSync: async (projectId, start) => {
      const handle = await startShopifySync(projectId, { mode: start.mode, trigger: start.trigger });
      // Shopify's sync service writes its own run to PlatformSyncLog; once it ends, link by SKU.
      if (!handle.alreadyRunning) {
        void waitForSync(handle.syncLogId)
          .then(() => autoLinkBySku(projectId))
          .catch((error: unknown) => logger.error({ err: errorMessage(error) }, 'linking after the Shopify sync failed'));
      }
      return handle;
    },
  };
}
