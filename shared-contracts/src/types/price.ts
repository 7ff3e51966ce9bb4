// Prices and price updates: what we read, what we send, and what the platform did with it.
import type { FieldError, PlatformErrorInfo } from '../errors';
import type { Money } from '../money';
import type { PlatformId } from './platform';

/** A listing's current price as read from the platform. */
export interface NormalizedPrice {
  readonly platform: PlatformId;
  readonly externalId: string;
  readonly sku?: string | null;
  readonly marketplaceId?: string;
  readonly price: Money;
  readonly compareAtPrice?: Money | null;
  readonly minPrice?: Money | null;
  readonly maxPrice?: Money | null;
  /** ISO 8601: when this was read. */
  readonly observedAt: string;
}

export interface PriceLookupOptions {
  /** Required by marketplace platforms (Amazon) when the connector serves several marketplaces. */
  readonly marketplaceId?: string;
}

/** One price change to push to one listing. */
export interface PriceUpdate {
  /**
   * Caller-chosen key (e.g. our PriceChange attempt id). Retrying with the same key and the same
   * content returns the first result and never applies the price twice; the same key with other
   * content is a conflict.
   */
  readonly idempotencyKey: string;
  /** The listing: Shopify variant GID, Amazon seller SKU. */
  readonly externalId: string;
  /** The merchant's SKU, for logs and platforms that address by SKU. */
  readonly sku?: string;
  /** Amazon marketplace the price is for. */
  readonly marketplaceId?: string;
  /** The new selling price. */
  readonly price: Money;
  /** Optimistic concurrency: fail with `conflict` if the live price isn't this. */
  readonly expectedCurrentPrice?: Money;
  /** Lowest / highest price the platform may apply (Amazon min/max seller allowed price). */
  readonly minPrice?: Money;
  readonly maxPrice?: Money;
  /** Shopify compare-at price; null clears it. */
  readonly compareAtPrice?: Money | null;
  /** Free-form note carried into events and logs. */
  readonly reason?: string;
}

/** Where to find the platform's own record of the change. */
export interface PlatformReference {
  /** `feed` (Amazon feed id), `submission` (Listings API submissionId), `mutation`, `job`… */
  readonly kind: string;
  readonly id: string;
}

export type PriceUpdateFailureReason =
  /** The update itself is invalid (bad money, bounds inverted): fix the input. */
  | 'validation'
  /** No such listing. */
  | 'not_found'
  /** Live price isn't `expectedCurrentPrice`, or the idempotency key was reused with other content. */
  | 'conflict'
  /** Outside min/max bounds or the platform's own price guard. */
  | 'out_of_bounds'
  /** The platform refused it (see `platformError`). */
  | 'rejected'
  | 'rate_limited'
  | 'unauthorized'
  | 'platform_unavailable'
  | 'internal';

interface PriceUpdateResultBase {
  readonly idempotencyKey: string;
  readonly externalId: string;
  readonly marketplaceId?: string;
}

/** The platform confirmed the new price is live. */
export interface PriceUpdateApplied extends PriceUpdateResultBase {
  readonly status: 'applied';
  readonly price: Money;
  readonly previousPrice?: Money | null;
  /** ISO 8601. */
  readonly appliedAt: string;
  readonly platformReference?: PlatformReference;
}

/**
 * Where a pending change is: `submitted` (sent; the platform has not said yet whether it takes it, e.g. a
 * feed in its queue) or `accepted` (the platform validated and accepted it, but the new price is not live
 * yet: Amazon processes accepted submissions downstream, and can still raise an issue against them).
 */
export type PriceUpdatePendingStage = 'submitted' | 'accepted';

/** The platform took the change and will process it later (an Amazon feed). */
export interface PriceUpdatePending extends PriceUpdateResultBase {
  readonly status: 'pending';
  readonly price: Money;
  readonly previousPrice?: Money | null;
  /** ISO 8601. */
  readonly submittedAt: string;
  readonly platformReference: PlatformReference;
  /** Absent: the platform does not say (read as `submitted`). `applied` comes only once the price is live. */
  readonly stage?: PriceUpdatePendingStage;
}

/** The change was not made. */
export interface PriceUpdateFailed extends PriceUpdateResultBase {
  readonly status: 'failed';
  readonly reason: PriceUpdateFailureReason;
  /** Our explanation, for the merchant. */
  readonly message: string;
  /** True when the same update may succeed later (rate limit, outage). */
  readonly retryable: boolean;
  /** Seconds to wait before retrying, when known. */
  readonly retryAfter?: number;
  /** Invalid fields, for `validation`. */
  readonly errors?: readonly FieldError[];
  /** The platform's own code and message, verbatim. */
  readonly platformError?: PlatformErrorInfo;
}

export type PriceUpdateResult = PriceUpdateApplied | PriceUpdatePending | PriceUpdateFailed;
export type PriceUpdateStatus = PriceUpdateResult['status'];

/** One outcome per input item, in input order. */
export interface BatchUpdateResult {
  readonly results: readonly PriceUpdateResult[];
  readonly summary: {
    readonly total: number;
    readonly applied: number;
    readonly pending: number;
    readonly failed: number;
  };
  /** The platform's reference for the whole batch (one Amazon feed for all items), when there is one. */
  readonly platformReference?: PlatformReference;
}

/** Latest results of several idempotency keys: one per key, in order; null for a key never received. */
export interface UpdateResultsAnswer {
  readonly results: readonly (PriceUpdateResult | null)[];
}
