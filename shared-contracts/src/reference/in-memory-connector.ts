// An in-memory PlatformConnector that keeps every rule of the contract. It is the proof that the
// conformance kit can be passed, and the base the deliberately broken connectors bend.
import { randomUUID } from 'node:crypto';
import {
  AuthenticationError,
  ConnectorEventEmitter,
  ConflictError,
  InMemoryIdempotencyStore,
  NotFoundError,
  PlatformUnavailableError,
  RateLimitedError,
  ValidationError,
  equalsMoney,
  normalizeSku,
  parseOrThrow,
  partitionPriceUpdates,
  productFilterSchema,
  competitiveBatchSize,
  competitiveOffersRequestSchema,
  addMoney,
  feeBatchSize,
  feeEstimatesRequestSchema,
  fromMinorUnits,
  MAX_OFFER_CHANGES,
  offerChangesRequestSchema,
  percentageOf,
  runIdempotent,
  syncOptionsSchema,
  validatePriceUpdate,
  platformCredentialsSchema,
  type AuthOperations,
  type AuthStatus,
  type BatchUpdateResult,
  type CompetitiveOffersRequest,
  type CompetitiveOffersResult,
  type ConnectorCapabilities,
  type FeeEstimate,
  type FeeEstimatesRequest,
  type FeeEstimatesResult,
  type CompetitiveListing,
  type Money,
  type OfferChange,
  type PricingHealthChange,
  type ReferencePriceKind,
  compareMoney,
  type OfferChangesRequest,
  type OfferChangesResult,
  type ConnectorEventSource,
  type IdempotencyStore,
  type NormalizedPrice,
  type NormalizedProduct,
  type PlatformConnector,
  type PlatformCredentials,
  type PlatformHealth,
  type PriceLookupOptions,
  type PriceUpdate,
  type PriceUpdateResult,
  type PricingOperations,
  type ProductFilter,
  type ProductOperations,
  type ProductPage,
  type SellableListing,
  type SyncOptions,
  type SyncResult,
  type TenantErasure,
} from '..';
import { defaultCatalog, REFERENCE_CREDENTIALS, type SeedCompetition, type SeedProduct } from './catalog';

export interface ReferenceConnectorOptions {
  platform?: string;
  tenantId?: string;
  /** Where events go (the registry passes one); default a private emitter. */
  events?: ConnectorEventEmitter;
  /** `asynchronous` answers `pending` with a feed id and applies on `settle()`, like Amazon. */
  mode?: 'synchronous' | 'asynchronous';
  catalog?: SeedProduct[];
  idempotencyStore?: IdempotencyStore;
  maxBatchSize?: number;
  /** Updates per call the connector asks callers to send (capabilities.preferredBatchSize). */
  preferredBatchSize?: number;
  /**
   * Offers on catalog items (see `defaultCompetition`): turns on `competitivePricing` and
   * `pricing.getCompetitiveOffers`. Without it the connector has neither.
   */
  competition?: SeedCompetition;
  /**
   * A fee schedule (referral percent of price + shipping, an optional fixed fee per unit in the price's
   * currency): turns on `feeEstimates` and `pricing.getFeeEstimates`. Without it the connector has neither.
   */
  fees?: ReferenceFeeSchedule;
  /**
   * Keep offer changes the "platform" announces (`announceOfferChange`) for `pricing.getOfferChanges`:
   * turns on `offerChanges`. `state` is the channel's status it reports (default live). `pricingHealth`
   * (default true) also turns on the capability `pricingHealth` and `announcePricingHealth`.
   */
  offerChanges?: { readonly state?: 'live' | 'down' | 'off'; readonly pricingHealth?: boolean };
  now?: () => Date;
}

export interface ReferenceFeeSchedule {
  /** Decimal percent string, e.g. "15". */
  readonly referralPercent: string;
  /** Per currency, e.g. `{ USD: money('3.22', 'USD') }`: a `FulfillmentFee` line for AFN items. */
  readonly fulfillmentFee?: Readonly<Record<string, Money>>;
}

interface ListingState {
  listing: SellableListing;
  productId: string;
}

interface PendingFeed {
  feedId: string;
  items: { update: PriceUpdate; result: PriceUpdateResult & { status: 'pending' } }[];
}

export class ReferenceConnector implements PlatformConnector {
  readonly platform: string;
  readonly name = 'Reference (in-memory)';
  readonly version = '1.0.0';
  readonly capabilities: ConnectorCapabilities;
  readonly products: ProductOperations;
  readonly pricing: PricingOperations;
  readonly auth: AuthOperations;

  protected readonly emitter: ConnectorEventEmitter;
  protected readonly store: IdempotencyStore;
  protected readonly mode: 'synchronous' | 'asynchronous';
  protected readonly now: () => Date;
  protected readonly productsById = new Map<string, Omit<NormalizedProduct, 'listings'> & { listingIds: string[] }>();
  protected readonly listings = new Map<string, ListingState>();
  private authenticated = false;
  private rateLimitCalls = 0;
  private rateLimitRetryAfter = 1;
  private unavailable = false;
  private readonly writes = new Map<string, number>();
  private readonly pendingFeeds: PendingFeed[] = [];
  private readonly scope: string;
  protected readonly competition: SeedCompetition | undefined;
  protected readonly fees: ReferenceFeeSchedule | undefined;
  protected readonly offerChanges: OfferChange[] = [];
  /** Pricing-health items, in the same cursor sequence as the offer changes. */
  protected readonly pricingHealthChanges: PricingHealthChange[] = [];
  /** The last cursor sequence number drawn (both kinds share it; it never goes back, even after erasure). */
  private sequence = 0;
  private offerChangesState: 'live' | 'down' | 'off';
  /** Long polls waiting for the next change. */
  private readonly changeWaiters = new Set<() => void>();

  constructor(options: ReferenceConnectorOptions = {}) {
    this.platform = options.platform ?? 'reference';
    this.mode = options.mode ?? 'synchronous';
    this.now = options.now ?? (() => new Date());
    this.store = options.idempotencyStore ?? new InMemoryIdempotencyStore();
    this.scope = `${this.platform}:${options.tenantId ?? 'default'}`;
    this.emitter =
      options.events ?? new ConnectorEventEmitter({ platform: this.platform, ...(options.tenantId ? { tenantId: options.tenantId } : {}) });
    this.capabilities = {
      productRead: true,
      productSync: true,
      priceRead: true,
      priceUpdate: true,
      batchPriceUpdate: true,
      maxBatchSize: options.maxBatchSize ?? 50,
      priceUpdateMode: this.mode,
      minMaxPrice: true,
      compareAtPrice: true,
      marketplaces: false,
      webhooks: false,
      competitivePricing: options.competition !== undefined,
      ...(options.preferredBatchSize ? { preferredBatchSize: options.preferredBatchSize } : {}),
      ...(this.mode === 'asynchronous' ? { pendingPollMs: 1_000 } : {}),
      ...(options.competition ? { maxCompetitiveBatch: 20 } : {}),
      ...(options.fees ? { feeEstimates: true, maxFeeBatch: 20 } : {}),
      ...(options.offerChanges ? { offerChanges: true } : {}),
      ...(options.offerChanges && options.offerChanges.pricingHealth !== false ? { pricingHealth: true } : {}),
    };
    this.offerChangesState = options.offerChanges?.state ?? 'live';
    this.fees = options.fees;
    this.competition = options.competition;
    this.seed(options.catalog ?? defaultCatalog());

    this.products = {
      list: (filter) => this.guard(() => this.listProducts(filter)),
      get: (id) => this.guard(async () => this.productView(id)),
      sync: (options) => this.guard(() => this.syncProducts(options)),
    };
    this.pricing = {
      getPrice: (id, lookup) => this.guard(async () => this.readPrice(id, lookup)),
      updatePrice: (update) => this.guard(() => this.updatePrice(update)),
      batchUpdatePrices: (updates) => this.guard(() => this.batchUpdatePrices(updates)),
      getUpdateResult: (key) => this.guard(() => this.getUpdateResult(key)),
      ...(options.competition ? { getCompetitiveOffers: (request: CompetitiveOffersRequest) => this.guard(() => this.readCompetition(request)) } : {}),
      ...(options.fees ? { getFeeEstimates: (request: FeeEstimatesRequest) => this.guard(() => this.estimateFees(request)) } : {}),
      ...(options.offerChanges ? { getOfferChanges: (request: OfferChangesRequest) => this.guard(() => this.readOfferChanges(request)) } : {}),
    };
    this.auth = {
      status: async (): Promise<AuthStatus> =>
        this.authenticated ? { authenticated: true, accountId: REFERENCE_CREDENTIALS.accountId } : { authenticated: false },
      refresh: async () => {
        if (!this.authenticated) throw new AuthenticationError('not connected', { platform: this.platform });
        return { authenticated: true, accountId: REFERENCE_CREDENTIALS.accountId };
      },
    };
  }

  get events(): ConnectorEventSource {
    return this.emitter;
  }

  // ---- knobs for tests -------------------------------------------------------------------------

  /** The next `calls` platform calls fail with RateLimitedError(retryAfter). */
  simulateRateLimit(calls = 1, retryAfter = 2): void {
    this.rateLimitCalls = calls;
    this.rateLimitRetryAfter = retryAfter;
  }

  /** Every platform call fails with PlatformUnavailableError while on. */
  simulateOutage(on: boolean): void {
    this.unavailable = on;
  }

  /** How many times a listing's price was actually written. */
  writeCount(externalId: string): number {
    return this.writes.get(externalId) ?? 0;
  }

  /**
   * The platform announces a change of the offers on a catalog item (the seeded competition's snapshot,
   * else our listing's own price as the only offer): kept for `getOfferChanges`, waiting long polls woken.
   */
  announceOfferChange(itemId: string, cause: OfferChange['cause'] = 'competitor'): OfferChange {
    const observedAt = this.now().toISOString();
    const seeded = this.competition?.[itemId];
    const own = this.listings.get(itemId)?.listing;
    let listing: CompetitiveListing;
    if (seeded) listing = { itemId, currency: seeded.currency, buyBox: seeded.buyBox, offerCount: seeded.offers.length, offers: seeded.offers, observedAt };
    else if (own?.price) {
      const offer = { sellerId: REFERENCE_CREDENTIALS.accountId, isOurs: true, fulfillment: 'MFN' as const, landed: own.price, isBuyBoxWinner: true };
      listing = { itemId, currency: own.price.currency, buyBox: own.price, offerCount: 1, offers: [offer], observedAt };
    } else throw new NotFoundError(`no catalog item ${itemId}`, { resource: 'item', resourceId: itemId, platform: this.platform });
    const sequence = ++this.sequence;
    const change: OfferChange = { cursor: encodeCursor({ seq: sequence }), notificationId: `ref-notification-${sequence}`, listing, cause, receivedAt: observedAt };
    this.offerChanges.push(change);
    for (const wake of [...this.changeWaiters]) wake();
    return change;
  }

  /**
   * The platform says our offer on a catalog item lost Featured Offer eligibility: our offer's price (in the
   * seeded competition, else our listing's own) is judged against `reference` (of `kind`); kept for
   * `getOfferChanges` with `include: ['pricingHealth']`.
   */
  announcePricingHealth(itemId: string, reference: Money, kind: ReferencePriceKind = 'competitivePrice'): PricingHealthChange {
    if (!this.capabilities.pricingHealth) throw new ValidationError('this connector was built without pricing health');
    const own = this.competition?.[itemId]?.offers.find((o) => o.isOurs)?.landed ?? this.listings.get(itemId)?.listing.price;
    if (!own) throw new NotFoundError(`no catalog item ${itemId}`, { resource: 'item', resourceId: itemId, platform: this.platform });
    const observedAt = this.now().toISOString();
    const sequence = ++this.sequence;
    const referencePrice = { kind, price: reference };
    const health: PricingHealthChange = {
      cursor: encodeCursor({ seq: sequence }),
      notificationId: `ref-notification-${sequence}`,
      itemId,
      issue: 'BuyBoxDisqualification',
      ourPrice: own,
      referencePrices: [referencePrice],
      exceeded: reference.currency === own.currency && compareMoney(own, reference) > 0 ? referencePrice : null,
      observedAt,
      receivedAt: observedAt,
    };
    this.pricingHealthChanges.push(health);
    for (const wake of [...this.changeWaiters]) wake();
    return health;
  }

  /** The offer-change channel's status from now on (`down`: the platform's queue can't be read). */
  setOfferChangesState(state: 'live' | 'down' | 'off'): void {
    this.offerChangesState = state;
  }

  /** Asynchronous mode: process every pending feed (apply the prices, advance the stored results). */
  async settle(): Promise<void> {
    const feeds = this.pendingFeeds.splice(0);
    for (const feed of feeds) {
      for (const { update, result } of feed.items) {
        const state = this.listings.get(update.externalId);
        if (!state) continue;
        const previous = state.listing.price;
        this.writePrice(state, update);
        const applied: PriceUpdateResult = {
          status: 'applied',
          idempotencyKey: result.idempotencyKey,
          externalId: result.externalId,
          price: update.price,
          previousPrice: previous,
          appliedAt: this.now().toISOString(),
          platformReference: result.platformReference,
        };
        await this.store.complete(this.scope, update.idempotencyKey, applied);
        this.emitter.publish({
          type: 'price_update.applied',
          idempotencyKey: applied.idempotencyKey,
          externalId: applied.externalId,
          price: applied.price,
          previousPrice: previous,
          platformReference: result.platformReference,
        });
      }
    }
  }

  // ---- PlatformConnector -----------------------------------------------------------------------

  async isAuthenticated(): Promise<boolean> {
    return this.authenticated;
  }

  async authenticate(credentials: PlatformCredentials): Promise<void> {
    const parsed = parseOrThrow(platformCredentialsSchema, credentials, 'credentials');
    const apiKey = 'secrets' in parsed ? parsed.secrets.apiKey : undefined;
    if (parsed.platform !== this.platform || apiKey !== REFERENCE_CREDENTIALS.secrets.apiKey) {
      this.authenticated = false;
      throw new AuthenticationError('credentials rejected', { platform: this.platform });
    }
    this.authenticated = true;
  }

  async disconnect(): Promise<void> {
    this.authenticated = false;
  }

  /** The tenant's state here: its authorization, price writes and feeds still pending (the catalog is the platform's). */
  async eraseTenant(): Promise<TenantErasure> {
    const erased: Record<string, number> = {};
    if (this.authenticated) erased.authorization = 1;
    if (this.writes.size > 0) erased.priceWrites = this.writes.size;
    if (this.pendingFeeds.length > 0) erased.pendingFeeds = this.pendingFeeds.length;
    if (this.offerChanges.length > 0) erased.offerChanges = this.offerChanges.length;
    if (this.pricingHealthChanges.length > 0) erased.pricingHealth = this.pricingHealthChanges.length;
    this.authenticated = false;
    this.writes.clear();
    this.pendingFeeds.splice(0);
    this.offerChanges.splice(0);
    this.pricingHealthChanges.splice(0);
    return { erased };
  }

  async healthCheck(): Promise<PlatformHealth> {
    return {
      status: this.unavailable ? 'unavailable' : 'healthy',
      checkedAt: this.now().toISOString(),
      latencyMs: 0,
    };
  }

  // ---- products --------------------------------------------------------------------------------

  protected async listProducts(filter: ProductFilter = {}): Promise<ProductPage> {
    const f = parseOrThrow(productFilterSchema, filter ?? {}, 'filter');
    const skus = f.skus ? new Set(f.skus.map((s) => normalizeSku(s))) : undefined;
    const query = f.query?.toLowerCase();
    const all = [...this.productsById.keys()]
      .map((id) => this.productView(id))
      .filter((p) => !f.externalIds || f.externalIds.includes(p.externalId))
      .filter((p) => !f.status || p.status === f.status)
      .filter((p) => !skus || p.listings.some((l) => l.normalizedSku !== null && skus.has(l.normalizedSku)))
      .filter((p) => !query || p.title.toLowerCase().includes(query) || p.listings.some((l) => l.sku?.toLowerCase().includes(query)))
      .filter((p) => !f.updatedSince || (p.updatedAt ?? '') >= f.updatedSince);
    const offset = f.cursor ? decodeOffset(f.cursor) : 0;
    const limit = f.limit ?? 50;
    const items = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? encodeCursor({ offset: offset + limit }) : null;
    return { items, nextCursor: next };
  }

  protected productView(externalId: string): NormalizedProduct {
    const product = this.productsById.get(externalId);
    if (!product) {
      throw new NotFoundError(`product ${externalId} not found`, { resource: 'product', resourceId: externalId, platform: this.platform });
    }
    const { listingIds, ...rest } = product;
    return { ...rest, listings: listingIds.map((id) => ({ ...(this.listings.get(id) as ListingState).listing })) };
  }

  protected async syncProducts(options: SyncOptions): Promise<SyncResult> {
    const o = parseOrThrow(syncOptionsSchema, options, 'options');
    const state = o.cursor
      ? decodeSyncCursor(o.cursor)
      : { syncId: randomUUID(), offset: 0, startedAt: this.now().toISOString() };
    if (!o.cursor) this.emitter.publish({ type: 'sync.started', syncId: state.syncId, mode: o.mode });
    const page = await this.listProducts({
      limit: o.limit ?? 50,
      ...(o.productIds ? { externalIds: o.productIds } : {}),
      ...(o.mode === 'incremental' && o.since ? { updatedSince: o.since } : {}),
      ...(state.offset > 0 ? { cursor: encodeCursor({ offset: state.offset }) } : {}),
    });
    const nextOffset = state.offset + page.items.length;
    const nextCursor = page.nextCursor ? encodeCursor({ ...state, offset: nextOffset }) : null;
    const result: SyncResult = {
      syncId: state.syncId,
      mode: o.mode,
      status: 'completed',
      startedAt: state.startedAt,
      finishedAt: this.now().toISOString(),
      products: page.items,
      itemsSynced: page.items.length,
      itemsFailed: 0,
      errors: [],
      nextCursor,
      ...(nextCursor === null ? { checkpoint: state.startedAt } : {}),
    };
    this.emitter.publish({
      type: 'sync.finished',
      syncId: state.syncId,
      mode: o.mode,
      status: result.status,
      itemsSynced: result.itemsSynced,
      itemsFailed: 0,
      done: nextCursor === null,
    });
    return result;
  }

  // ---- pricing ---------------------------------------------------------------------------------

  protected readPrice(externalId: string, _lookup?: PriceLookupOptions): NormalizedPrice {
    const state = this.listingState(externalId);
    const { listing } = state;
    if (!listing.price) throw new NotFoundError(`listing ${externalId} has no price`, { resource: 'price', resourceId: externalId });
    return {
      platform: this.platform,
      externalId,
      sku: listing.sku,
      price: listing.price,
      compareAtPrice: listing.compareAtPrice ?? null,
      minPrice: listing.minPrice ?? null,
      maxPrice: listing.maxPrice ?? null,
      observedAt: this.now().toISOString(),
    };
  }

  protected async updatePrice(input: PriceUpdate): Promise<PriceUpdateResult> {
    const update = validatePriceUpdate(input);
    const { result, replayed } = await this.applyIdempotently(update);
    if (result.status === 'pending' && !replayed) this.enqueue(update, result);
    return result;
  }

  protected async batchUpdatePrices(input: readonly PriceUpdate[]): Promise<BatchUpdateResult> {
    const { valid, invalid } = partitionPriceUpdates(input, this.capabilities.maxBatchSize);
    const results: PriceUpdateResult[] = new Array(valid.length + invalid.length);
    for (const { index, result } of invalid) {
      results[index] = result;
      this.emitter.priceUpdateResult(result);
    }
    const feedId = this.mode === 'asynchronous' ? `feed-${randomUUID()}` : undefined;
    for (const { index, update } of valid) {
      try {
        const { result, replayed } = await this.applyIdempotently(update, feedId);
        if (result.status === 'pending' && !replayed) this.enqueue(update, result);
        results[index] = result;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const failed: PriceUpdateResult = {
          status: 'failed',
          idempotencyKey: update.idempotencyKey,
          externalId: update.externalId,
          reason: 'conflict',
          message: error.message,
          retryable: false,
        };
        this.emitter.priceUpdateResult(failed);
        results[index] = failed;
      }
    }
    return summarize(results, feedId ? { kind: 'feed', id: feedId } : undefined);
  }

  protected async readCompetition(input: CompetitiveOffersRequest): Promise<CompetitiveOffersResult> {
    const request = parseOrThrow(competitiveOffersRequestSchema, input, 'request');
    const max = competitiveBatchSize(this.capabilities);
    if (request.itemIds.length > max) throw ValidationError.field('request.itemIds', `at most ${max} items per call`, 'too_big');
    const observedAt = this.now().toISOString();
    return {
      listings: request.itemIds.map((itemId) => {
        const seeded = this.competition?.[itemId];
        if (!seeded) return { itemId, currency: null, buyBox: null, offerCount: null, offers: [], observedAt, error: { code: 'NotFound', message: `no catalog item ${itemId}` } };
        return { itemId, currency: seeded.currency, buyBox: seeded.buyBox, offerCount: seeded.offers.length, offers: seeded.offers, observedAt };
      }),
    };
  }

  protected async estimateFees(input: FeeEstimatesRequest): Promise<FeeEstimatesResult> {
    const request = parseOrThrow(feeEstimatesRequestSchema, input, 'request');
    const max = feeBatchSize(this.capabilities);
    if (request.items.length > max) throw ValidationError.field('request.items', `at most ${max} items per call`, 'too_big');
    const estimatedAt = this.now().toISOString();
    const schedule = this.fees!;
    return {
      estimates: request.items.map((item): FeeEstimate => {
        const known = this.listings.get(item.externalId);
        const fail = (code: string, message: string): FeeEstimate => ({ externalId: item.externalId, price: item.price, total: null, fees: [], estimatedAt, error: { code, message } });
        if (!known) return fail('NotFound', `no listing ${item.externalId}`);
        if (item.shipping && item.shipping.currency !== item.price.currency) return fail('InvalidCurrency', 'shipping must be in the price\'s currency');
        const gross = item.shipping ? addMoney(item.price, item.shipping) : item.price;
        const fees = [{ type: 'ReferralFee', amount: percentageOf(gross, schedule.referralPercent, 'half-up') }];
        const fulfillment = item.fulfillment === 'AFN' ? schedule.fulfillmentFee?.[item.price.currency] : undefined;
        if (fulfillment) fees.push({ type: 'FulfillmentFee', amount: fulfillment });
        const total = fees.reduce((sum, f) => addMoney(sum, f.amount), fromMinorUnits(0n, item.price.currency));
        return { externalId: item.externalId, price: item.price, total, fees, estimatedAt };
      }),
    };
  }

  /** Changes after `after` in the order kept; with `waitSeconds`, waits for the first one when there is none. */
  protected async readOfferChanges(input: OfferChangesRequest): Promise<OfferChangesResult> {
    const request = parseOrThrow(offerChangesRequestSchema, input, 'request');
    const after = request.after ? decodeSequence(request.after) : 0;
    const limit = request.limit ?? MAX_OFFER_CHANGES;
    const withHealth = this.capabilities.pricingHealth === true && (request.include ?? []).includes('pricingHealth');
    // Both kinds in one sequence: the next `limit` items after `after`, of the kinds asked for.
    type Item = { seq: number; cursor: string; change?: OfferChange; health?: PricingHealthChange };
    const items = (): Item[] =>
      [
        ...this.offerChanges.map((change) => ({ seq: decodeSequence(change.cursor), cursor: change.cursor, change })),
        ...(withHealth ? this.pricingHealthChanges.map((health) => ({ seq: decodeSequence(health.cursor), cursor: health.cursor, health })) : []),
      ]
        .filter((i) => i.seq > after)
        .sort((x, y) => x.seq - y.seq)
        .slice(0, limit);
    let page = items();
    if (page.length === 0 && (request.waitSeconds ?? 0) > 0) {
      await this.nextChange((request.waitSeconds ?? 0) * 1000);
      page = items();
    }
    const received = [this.offerChanges.at(-1)?.receivedAt, withHealth ? this.pricingHealthChanges.at(-1)?.receivedAt : undefined].filter((t): t is string => !!t).sort();
    return {
      changes: page.flatMap((i) => (i.change ? [i.change] : [])),
      cursor: page.at(-1)?.cursor ?? request.after ?? null,
      status: { state: this.offerChangesState, lastReceivedAt: received.at(-1) ?? null },
      ...(withHealth ? { pricingHealth: page.flatMap((i) => (i.health ? [i.health] : [])) } : {}),
    };
  }

  /** Resolves at the next announced change, or after `ms`. */
  private nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changeWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.changeWaiters.add(done);
    });
  }

  protected async getUpdateResult(idempotencyKey: string): Promise<PriceUpdateResult> {
    const record = await this.store.get(this.scope, idempotencyKey);
    if (!record?.result) {
      throw new NotFoundError(`no price update with idempotency key ${idempotencyKey}`, { resource: 'price_update', resourceId: idempotencyKey });
    }
    return record.result;
  }

  /** The idempotent core shared by single and batch updates. */
  protected async applyIdempotently(update: PriceUpdate, feedId?: string): Promise<{ result: PriceUpdateResult; replayed: boolean }> {
    const outcome = await runIdempotent(this.store, this.scope, update, async () => this.execute(update, feedId));
    if (!outcome.replayed) this.emitter.priceUpdateResult(outcome.result);
    return outcome;
  }

  /** What the "platform" does with one valid update. */
  protected execute(update: PriceUpdate, feedId?: string): PriceUpdateResult {
    const base = { idempotencyKey: update.idempotencyKey, externalId: update.externalId };
    const state = this.listings.get(update.externalId);
    if (!state) {
      return { ...base, status: 'failed', reason: 'not_found', message: `listing ${update.externalId} not found`, retryable: false };
    }
    const current = state.listing.price;
    if (update.expectedCurrentPrice && (!current || !equalsMoney(current, update.expectedCurrentPrice))) {
      return {
        ...base,
        status: 'failed',
        reason: 'conflict',
        message: `live price is ${current?.amount ?? 'unset'}, expected ${update.expectedCurrentPrice.amount}`,
        retryable: false,
      };
    }
    if (current && current.currency !== update.price.currency) {
      return {
        ...base,
        status: 'failed',
        reason: 'rejected',
        message: `listing is priced in ${current.currency}`,
        retryable: false,
        platformError: { code: 'CURRENCY_MISMATCH', message: `Listing currency is ${current.currency}` },
      };
    }
    if (this.mode === 'asynchronous') {
      return {
        ...base,
        status: 'pending',
        price: update.price,
        previousPrice: current,
        submittedAt: this.now().toISOString(),
        platformReference: { kind: 'feed', id: feedId ?? `feed-${randomUUID()}` },
      };
    }
    this.writePrice(state, update);
    return { ...base, status: 'applied', price: update.price, previousPrice: current, appliedAt: this.now().toISOString() };
  }

  protected writePrice(state: ListingState, update: PriceUpdate): void {
    const listing = {
      ...state.listing,
      price: update.price,
      updatedAt: this.now().toISOString(),
      ...(update.compareAtPrice !== undefined ? { compareAtPrice: update.compareAtPrice } : {}),
      ...(update.minPrice ? { minPrice: update.minPrice } : {}),
      ...(update.maxPrice ? { maxPrice: update.maxPrice } : {}),
    };
    state.listing = listing;
    this.writes.set(update.externalId, this.writeCount(update.externalId) + 1);
    const product = this.productsById.get(state.productId);
    if (product) this.productsById.set(state.productId, { ...product, updatedAt: listing.updatedAt });
  }

  protected listingState(externalId: string): ListingState {
    const state = this.listings.get(externalId);
    if (!state) {
      throw new NotFoundError(`listing ${externalId} not found`, { resource: 'listing', resourceId: externalId, platform: this.platform });
    }
    return state;
  }

  /** Every operation passes here: authentication first, then the simulated platform limits. */
  protected async guard<T>(fn: () => Promise<T> | T): Promise<T> {
    if (!this.authenticated) throw new AuthenticationError('not connected', { platform: this.platform });
    if (this.unavailable) throw new PlatformUnavailableError('reference platform is down', { platform: this.platform, retryAfter: 5 });
    if (this.rateLimitCalls > 0) {
      this.rateLimitCalls -= 1;
      throw new RateLimitedError(this.rateLimitRetryAfter, 'reference platform throttled the call', {
        platform: this.platform,
        platformError: { code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' },
      });
    }
    return fn();
  }

  private enqueue(update: PriceUpdate, result: PriceUpdateResult & { status: 'pending' }): void {
    const feed = this.pendingFeeds.find((f) => f.feedId === result.platformReference.id);
    if (feed) feed.items.push({ update, result });
    else this.pendingFeeds.push({ feedId: result.platformReference.id, items: [{ update, result }] });
  }

  private seed(catalog: SeedProduct[]): void {
    const at = this.now().toISOString();
    for (const product of catalog) {
      this.productsById.set(product.externalId, {
        platform: this.platform,
        externalId: product.externalId,
        title: product.title,
        status: 'active',
        ...(product.brand ? { brand: product.brand } : {}),
        createdAt: at,
        updatedAt: at,
        listingIds: product.listings.map((l) => l.externalId),
      });
      for (const l of product.listings) {
        this.listings.set(l.externalId, {
          productId: product.externalId,
          listing: {
            platform: this.platform,
            externalId: l.externalId,
            productExternalId: product.externalId,
            sku: l.sku,
            normalizedSku: normalizeSku(l.sku),
            title: l.title,
            status: 'active',
            price: l.price,
            compareAtPrice: null,
            minPrice: l.minPrice ?? null,
            maxPrice: l.maxPrice ?? null,
            inventoryQuantity: 10,
            updatedAt: at,
          },
        });
      }
    }
  }
}

export function summarize(results: PriceUpdateResult[], platformReference?: { kind: string; id: string }): BatchUpdateResult {
  return {
    results,
    summary: {
      total: results.length,
      applied: results.filter((r) => r.status === 'applied').length,
      pending: results.filter((r) => r.status === 'pending').length,
      failed: results.filter((r) => r.status === 'failed').length,
    },
    ...(platformReference && results.some((r) => r.status === 'pending') ? { platformReference } : {}),
  };
}

function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeOffset(cursor: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw ValidationError.field('cursor', 'invalid cursor', 'invalid_cursor');
}

/** An offer-change cursor's position (how many changes it has seen). */
function decodeSequence(cursor: string): number {
  try {
    const seq = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { seq?: unknown }).seq;
    if (typeof seq === 'number' && Number.isInteger(seq) && seq >= 0) return seq;
  } catch {
    // fall through
  }
  throw ValidationError.field('after', 'not a cursor this connector issued', 'invalid_cursor');
}

function decodeSyncCursor(cursor: string): { syncId: string; offset: number; startedAt: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof v.syncId === 'string' && typeof v.offset === 'number' && typeof v.startedAt === 'string') {
      return { syncId: v.syncId, offset: v.offset, startedAt: v.startedAt };
    }
  } catch {
    // fall through
  }
  throw ValidationError.field('cursor', 'invalid cursor', 'invalid_cursor');
}
