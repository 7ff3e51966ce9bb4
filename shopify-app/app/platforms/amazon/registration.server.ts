// Amazon, in another process: the Amazon service serves its connector over the shared remote route
// contract, and the app reaches it with RemoteConnector (signed with SERVICE_SHARED_SECRET). The seller
// connects on the service's settings page (Seller Central consent), opened by a link signed for one shop.
import { NotFoundError, RemoteConnector, signSettingsLink, type ConnectorCapabilities } from '@calibr/shared-contracts';
import { db } from '../../db.server';
import type { AppPlatformRegistration } from '../platform-registration';
import { amazonServiceConfig, remoteCallTimeoutMs } from './service-config.server';

/**
 * What the app relies on from the Amazon service's connector. The service reports what it really
 * serves at /connector/info; /api/platforms/registry shows both and flags a difference.
 */
export const AMAZON_EXPECTED_CAPABILITIES: ConnectorCapabilities = {
  productRead: true,
  productSync: true,
  priceRead: true,
  priceUpdate: true,
  batchPriceUpdate: true,
  maxBatchSize: 10_000,
  priceUpdateMode: 'mixed',
  minMaxPrice: true,
  compareAtPrice: false,
  marketplaces: true,
  webhooks: false,
  competitivePricing: true,
  preferredBatchSize: 10_000,
  pendingPollMs: 5_000,
  maxCompetitiveBatch: 20,
  feeEstimates: true,
  maxFeeBatch: 20,
  // ANY_OFFER_CHANGED notifications, pulled with getOfferChanges (the monitor reacts to them).
  offerChanges: true,
  // PRICING_HEALTH in the same pull (`include: ['pricingHealth']`; a service without it ignores the ask).
  pricingHealth: true,
};

/** How long a settings link opens (the service refuses it after; it also caps its own TTL). */
const SETTINGS_LINK_TTL_SECONDS = 300;
/** The service's route that opens its Amazon settings page for the signed shop. */
const SETTINGS_PAGE_PATH = '/settings/amazon/open';

export function amazonRegistration(): AppPlatformRegistration {
  return {
    descriptor: {
      platform: 'amazon',
      displayName: 'Amazon',
      description: 'Your Amazon seller account: listings, offers and prices through the Selling Partner API, price updates through JSON_LISTINGS_FEED.',
      capabilities: AMAZON_EXPECTED_CAPABILITIES,
      remote: true,
    },
    factory: async ({ tenantId, events, descriptor }) => {
      const { baseUrl, secret } = amazonServiceConfig();
      const project = await db.project.findUnique({ where: { id: tenantId }, select: { shopDomain: true } });
      if (!project) throw new NotFoundError(`no shop for tenant ${tenantId}`, { resource: 'tenant', resourceId: tenantId });
      // The service knows tenants by shop domain (its settings links are signed for a shop, too).
      return new RemoteConnector({
        baseUrl,
        tenantId: project.shopDomain,
        secret,
        info: { platform: 'amazon', name: descriptor.displayName, version: 'remote', capabilities: descriptor.capabilities },
        events,
        timeoutMs: remoteCallTimeoutMs(),
      });
    },
    connection: { kind: 'settings_page', acceptsCredentials: true },
    configured: () => {
      try {
        amazonServiceConfig();
        return true;
      } catch {
        return false;
      }
    },
    settingsLink: (shop) => {
      const { baseUrl, secret } = amazonServiceConfig();
      const now = Date.now();
      return {
        url: signSettingsLink({ serviceUrl: baseUrl, path: SETTINGS_PAGE_PATH, shop, secret, ttlSeconds: SETTINGS_LINK_TTL_SECONDS, now }),
        expiresAt: new Date(now + SETTINGS_LINK_TTL_SECONDS * 1000).toISOString(),
      };
    },
  };
}
