// The interface every platform implements, in-process (Shopify) or over HTTP (Amazon service).
import type { ConnectorEventSource } from '../events';
import type { ConnectorCapabilities, PlatformCredentials, PlatformHealth, PlatformId, TenantErasure } from '../types';
import type { AuthOperations } from './auth-operations';
import type { PricingOperations } from './pricing-operations';
import type { ProductOperations } from './product-operations';

export interface PlatformConnector {
  readonly platform: PlatformId;
  /** Display name: "Shopify", "Amazon". */
  readonly name: string;
  /** The connector's own version (semver). */
  readonly version: string;
  readonly capabilities: ConnectorCapabilities;

  isAuthenticated(): Promise<boolean>;
  /** Validate and adopt credentials; AuthenticationError if the platform rejects them. */
  authenticate(credentials: PlatformCredentials): Promise<void>;
  /** Forget credentials; afterwards `isAuthenticated()` is false. */
  disconnect(): Promise<void>;
  healthCheck(): Promise<PlatformHealth>;
  /**
   * Erase everything the connector holds for its tenant (credentials, cached tokens, stored listings,
   * update records): Shopify's `shop/redact`. Required, so no platform can keep a redacted shop's data.
   * Idempotent: a tenant it never saw, or one already erased, answers an empty erasure. Afterwards
   * `isAuthenticated()` is false and the tenant has no listings.
   */
  eraseTenant(): Promise<TenantErasure>;

  readonly products: ProductOperations;
  readonly pricing: PricingOperations;
  readonly auth: AuthOperations;

  /** Sync and price-update events. */
  readonly events: ConnectorEventSource;

  /** Release resources (timers, sockets). Called by the registry when it drops the connector. */
  dispose?(): Promise<void>;
}
