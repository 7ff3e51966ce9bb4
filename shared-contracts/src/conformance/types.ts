// What a connector's test suite hands the kit: how to build the connector, and what exists on the
// platform it talks to.
import type { Money, PlatformConnector, PlatformCredentials } from '..';

export interface ListingFixture {
  /** The listing's id for price operations (Shopify variant GID, Amazon seller SKU). */
  readonly externalId: string;
  readonly marketplaceId?: string;
}

export interface ConformanceFixtures {
  /** Valid credentials; the kit calls `authenticate(credentials)` on every fresh connector. */
  readonly credentials: PlatformCredentials;
  /** Credentials the platform must reject; the check is skipped without them. */
  readonly invalidCredentials?: PlatformCredentials;
  /** A product that exists, and one of its listings whose price may be changed. */
  readonly product: { readonly externalId: string };
  readonly listing: ListingFixture;
  /** Another updatable listing (any product), for batches. */
  readonly secondListing: ListingFixture;
  /** Ids that exist nowhere on the platform. */
  readonly unknownProductId: string;
  readonly unknownListingId: string;
  /**
   * A catalog item with offers on it, for `getCompetitiveOffers` (connectors declaring
   * `competitivePricing`); the check is skipped without it. `hasOurOffer`: one of the offers is ours.
   */
  readonly competitiveItem?: { readonly itemId: string; readonly marketplaceId?: string; readonly hasOurOffer?: boolean };
  /**
   * Three distinct valid prices for `listing` and `secondListing`, in their currency. Default: the live
   * price plus 1, 2 and 3 whole units (so the platform's own price guards are respected).
   */
  readonly prices?: readonly [Money, Money, Money];
}

export interface ConformanceOptions {
  /** A new connector (the kit authenticates it). One per check, so checks don't share state. */
  readonly makeConnector: () => PlatformConnector | Promise<PlatformConnector>;
  readonly fixtures: ConformanceFixtures;
  /**
   * Make the connector's next platform call fail with the platform's rate limit (e.g. a sandbox
   * throttle fault, or a reference-connector knob). Without it the rate-limit checks are skipped.
   */
  readonly simulateRateLimit?: (connector: PlatformConnector, retryAfterSeconds: number) => void | Promise<void>;
  /**
   * Wait until asynchronous (`pending`) updates are processed (e.g. let the sandbox finish the Amazon
   * feed). Needed when `capabilities.priceUpdateMode` is not `synchronous`.
   */
  readonly settle?: (connector: PlatformConnector) => void | Promise<void>;
  /**
   * Make the platform announce one offer change for the connector's tenant and resolve once the
   * connector holds it (e.g. a sandbox competitor's price move, then waiting until it is readable).
   * Without it the offer-changes check covers only the end of the feed.
   */
  readonly announceOfferChange?: (connector: PlatformConnector) => void | Promise<void>;
  /**
   * With `capabilities.pricingHealth`: make the platform say our offer lost Featured Offer eligibility on
   * price (Amazon's PRICING_HEALTH) and resolve once the connector holds it. Without it the check covers
   * only what a read with `include: ['pricingHealth']` answers at the end of the feed.
   */
  readonly announcePricingHealth?: (connector: PlatformConnector) => void | Promise<void>;
  /** Called after each check; default `connector.dispose?.()`. */
  readonly release?: (connector: PlatformConnector) => void | Promise<void>;
  /** Prefix of the idempotency keys the kit makes (default random per run). */
  readonly keyPrefix?: string;
  /** Checks to leave out, with why (they are reported as skipped). */
  readonly skip?: Readonly<Partial<Record<CheckId, string>>>;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly status: CheckStatus;
  /** Failure message or skip reason. */
  readonly message?: string;
  readonly error?: unknown;
  readonly durationMs: number;
}

export interface ConformanceReport {
  readonly results: readonly CheckResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Ids of failed checks. */
  readonly failures: readonly CheckId[];
}

export const CHECK_IDS = [
  'metadata',
  'batch-sizes',
  'auth',
  'auth-invalid-credentials',
  'health',
  'products-list',
  'products-get',
  'products-unknown',
  'products-sync',
  'price-get',
  'price-unknown',
  'price-update',
  'price-update-expected-price',
  'idempotent-retry',
  'idempotency-key-reuse',
  'batch-per-item-failures',
  'batch-malformed',
  'invalid-money',
  'update-result',
  'competitive-offers',
  'fee-estimates',
  'offer-changes',
  'offer-changes-pricing-health',
  'rate-limit',
  'rate-limit-retry',
  'events-price',
  'events-sync',
  'erase-tenant',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];
