// Conformance fixtures for the reference connector's default catalog.
import type { PlatformConnector } from '../interfaces';
import { money } from '../money';
import type { ConformanceFixtures, ConformanceOptions } from '../conformance/run';
import { REFERENCE_CREDENTIALS } from './catalog';
import { ReferenceConnector, type ReferenceConnectorOptions } from './in-memory-connector';

export const referenceFixtures: ConformanceFixtures = {
  credentials: REFERENCE_CREDENTIALS,
  invalidCredentials: { ...REFERENCE_CREDENTIALS, secrets: { apiKey: 'wrong-key' } },
  product: { externalId: 'ref-product-1' },
  listing: { externalId: 'ref-listing-1a' },
  secondListing: { externalId: 'ref-listing-2a' },
  unknownProductId: 'ref-product-404',
  unknownListingId: 'ref-listing-404',
  competitiveItem: { itemId: 'ref-item-1', hasOurOffer: true },
};

/** Kit options for an in-process reference connector (or a subclass: pass `make`). */
export function referenceConformanceOptions(
  make: (options: ReferenceConnectorOptions) => ReferenceConnector = (o) => new ReferenceConnector(o),
  connectorOptions: ReferenceConnectorOptions = {},
): ConformanceOptions {
  return {
    makeConnector: () => make(connectorOptions),
    fixtures: referenceFixtures,
    simulateRateLimit: (connector, retryAfter) => (connector as ReferenceConnector).simulateRateLimit(1, retryAfter),
    settle: (connector) => (connector as ReferenceConnector).settle(),
    ...(connectorOptions.offerChanges
      ? {
          announceOfferChange: (connector: PlatformConnector) => {
            (connector as ReferenceConnector).announceOfferChange(referenceFixtures.listing.externalId);
          },
          announcePricingHealth: (connector: PlatformConnector) => {
            const reference = connector as ReferenceConnector;
            if (reference.capabilities.pricingHealth) reference.announcePricingHealth(referenceFixtures.listing.externalId, money('21.50', 'USD'));
          },
        }
      : {}),
  };
}
