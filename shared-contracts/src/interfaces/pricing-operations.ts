import type {
  BatchUpdateResult,
  CompetitiveOffersRequest,
  CompetitiveOffersResult,
  FeeEstimatesRequest,
  FeeEstimatesResult,
  NormalizedPrice,
  OfferChangesRequest,
  OfferChangesResult,
  PriceLookupOptions,
  PriceUpdate,
  PriceUpdateResult,
  UpdateResultsAnswer,
} from '../types';

/**
 * Rules every connector keeps (the conformance kit checks them):
 * - Input is validated first: an invalid update (bad money, missing key) throws ValidationError from
 *   `updatePrice`, and fails alone (status `failed`, reason `validation`) inside a batch.
 * - What the platform decides about one listing (unknown listing, conflict, refused) is a `failed`
 *   result, never a throw. Throws are for the whole call: auth, rate limit, outage.
 * - Same idempotency key + same content -> the first result again, price applied once.
 *   Same key + different content -> ConflictError (a `failed`/`conflict` item in a batch).
 */
export interface PricingOperations {
  /** The listing's live price; NotFoundError for an unknown listing. */
  getPrice(externalId: string, options?: PriceLookupOptions): Promise<NormalizedPrice>;
  updatePrice(update: PriceUpdate): Promise<PriceUpdateResult>;
  /** One result per input, in input order. ValidationError only for a malformed batch as a whole. */
  batchUpdatePrices(updates: readonly PriceUpdate[]): Promise<BatchUpdateResult>;
  /**
   * The latest known result for an idempotency key (a `pending` Amazon update turns `applied` or
   * `failed` once its feed is processed); NotFoundError for an unknown key. Required when
   * `capabilities.priceUpdateMode` is not `synchronous` (callers poll it for `pending` results);
   * connectors whose updates are always synchronous may omit it.
   */
  getUpdateResult?(idempotencyKey: string): Promise<PriceUpdateResult>;
  /**
   * `getUpdateResult` for many keys in one call (a feed's thousands of pending updates): one entry per
   * key, in order, null for a key the connector never received. Optional; the remote connector always
   * has it (its handler answers from `getUpdateResult` when the connector lacks it).
   */
  getUpdateResults?(idempotencyKeys: readonly string[]): Promise<UpdateResultsAnswer>;
  /**
   * The offers on catalog items in one marketplace now, ours marked `isOurs` (the connector knows which
   * seller accounts are ours). Present exactly when `capabilities.competitivePricing` is true. One result
   * per item in request order; an item the platform can't read carries `error`, it never fails the call.
   */
  getCompetitiveOffers?(request: CompetitiveOffersRequest): Promise<CompetitiveOffersResult>;
  /**
   * The platform's selling fees for listings at given prices. Present exactly when
   * `capabilities.feeEstimates` is true. One estimate per item in request order; an item the platform
   * can't estimate carries `error`, it never fails the call. Throws only for the whole call (auth, rate limit, outage).
   */
  getFeeEstimates?(request: FeeEstimatesRequest): Promise<FeeEstimatesResult>;
  /**
   * Offer changes the platform announced for this tenant after `request.after`, oldest first, with the
   * channel's status. Present exactly when `capabilities.offerChanges` is true. Same `after` → the same
   * changes again (nothing is consumed by reading); with `waitSeconds` the call waits for the first change.
   */
  getOfferChanges?(request: OfferChangesRequest): Promise<OfferChangesResult>;
}
