// Everything the Amazon services share: state, options, the sandbox clock, the model-derived operation
// table and validator. One instance per platform.
import type { FeeFault } from './spapi/product-fees';
import type { IssueAfterAccept } from './listings/go-live';
import type { SandboxContext, SandboxLogEntry } from '../platform';
import { loadReference, type ReferenceFiles } from './models/reference';
import { OperationTable } from './models/operations';
import { RequestValidator } from './models/validation';
import { emptyState, type AmazonState, type Listing, type Seller } from './state';
import { APPLICATION_RATE_LIMITS, type ApplicationLimit } from './spapi/application-limits';

function withOverrides(base: Readonly<Record<string, ApplicationLimit>>, overrides: Record<string, ApplicationLimit | null> = {}): Record<string, ApplicationLimit> {
  const out: Record<string, ApplicationLimit> = { ...base };
  for (const [operationId, limit] of Object.entries(overrides)) {
    if (limit === null) delete out[operationId];
    else out[operationId] = limit;
  }
  return out;
}

export interface AmazonPlatformOptions {
  /** Folder with Amazon's `models/` and `schemas/`; `false` runs on built-in defaults only. */
  referenceDir?: string | false;
  /** Overrides the core's time scale (10 = every Amazon clock runs 10x faster). */
  timeScale?: number;
  /** LWA access token life in (sandbox) seconds. Default 3600. */
  accessTokenTtlSeconds?: number;
  /** `spapi_oauth_code` life in seconds. Default 300. */
  authorizationCodeTtlSeconds?: number;
  /** Pre-signed document URL life in seconds. Default 300. */
  presignedUrlTtlSeconds?: number;
  /**
   * Sandbox seconds an accepted listing change (an ACCEPTED patch, an accepted feed message) takes to show
   * on the listing, as on Amazon, where acceptance is not processing. Default 0 (at once: the suite's
   * timing); `npm start` and `npm run sandbox` play a delay. The control API (`listings/live-delay`) changes it.
   */
  acceptedDelaySeconds?: number;
  /** Seconds a feed waits IN_QUEUE, then spends IN_PROGRESS. Defaults 30 and 60. */
  feedQueueSeconds?: number;
  feedProcessingSeconds?: number;
  /** Processing reports larger than this are stored GZIP-compressed. Default 64 KiB. */
  reportGzipThresholdBytes?: number;
  /** JSON_LISTINGS_FEED limits. Defaults 10 MiB and 25,000 messages. */
  maxFeedBytes?: number;
  maxFeedMessages?: number;
  /**
   * Per-application limits by operationId (requests per second across all sellers, burst), over
   * Amazon's published ones (APPLICATION_RATE_LIMITS); `null` removes an operation's limit.
   */
  applicationRateLimits?: Record<string, ApplicationLimit | null>;
  /** A seller's authorization (refresh token) lasts this many sandbox days. Default 365. */
  refreshTokenLifetimeDays?: number;
  /** An app's LWA client secret lasts this many sandbox days after it is issued. Default 180. */
  clientSecretLifetimeDays?: number;
}

export interface ResolvedOptions {
  accessTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  presignedUrlTtlSeconds: number;
  feedQueueSeconds: number;
  feedProcessingSeconds: number;
  reportGzipThresholdBytes: number;
  maxFeedBytes: number;
  maxFeedMessages: number;
  refreshTokenLifetimeDays: number;
  clientSecretLifetimeDays: number;
}

const NO_CONTEXT: SandboxContext = {
  baseUrl: 'http://127.0.0.1',
  timeScale: 1,
  log: () => {},
  applyFaults: async () => false,
  markDirty: () => {},
};

/** Faults a test switched on through the control API; not persisted. */
export interface TransientFaults {
  /** LWA answers this error until `remaining` reaches 0 (undefined = until cleared). */
  lwaOutage?: { error: 'server_error' | 'temporarily_unavailable'; remaining?: number };
  /** Forced 429s per operationId ('*' = any operation): how many calls to refuse. */
  throttles: Record<string, number>;
  /** Fault applied to the next feeds created (undefined = none). */
  nextFeedFault?: { fault: 'stall' | 'fatal' | 'no-report'; remaining: number };
  /**
   * Accepted listing changes (patchListingsItem, JSON_LISTINGS_FEED messages) show on the listing this
   * many sandbox seconds later instead of at once ('never': accepted, never applied; 'held': accepted,
   * applied when the test releases them through listings/live-release), as Amazon documents that an
   * accepted submission is processed downstream and shows later.
   */
  acceptedDelay?: number | 'never' | 'held';
  /** Accepted changes held under acceptedDelay 'held', in the order they came. */
  heldChanges?: (() => void)[];
  /** By seller and SKU: the next accepted price change raises this issue instead of going live. */
  issuesAfterAccept?: Record<string, IssueAfterAccept>;
  /** Product Fees API faults by SKU or ASIN: the item's estimate fails (ClientError, ServiceError) or the call is a 500. */
  feeFaults?: Record<string, FeeFault>;
}

export class AmazonWorld {
  state: AmazonState = emptyState();
  faults: TransientFaults = { throttles: {} };
  readonly reference: ReferenceFiles;
  readonly operations: OperationTable;
  readonly validator: RequestValidator;
  /** Resolved options; the feed timings can be changed at run time through the control API. */
  readonly options: ResolvedOptions;
  private context: SandboxContext = NO_CONTEXT;
  private readonly timeScaleOverride?: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Per-application limits in force (the control API may change them). */
  applicationLimits: Record<string, ApplicationLimit>;
  private readonly defaultApplicationLimits: Record<string, ApplicationLimit>;
  /** How far Amazon's clock runs ahead of the real one (POST /_sandbox/amazon/clock); not persisted. */
  private clockOffsetMs = 0;
  /** Bumped by every change; the ASIN index below is rebuilt when it moved or the state was replaced. */
  private revision = 0;
  private asinIndex?: { state: AmazonState; revision: number; byAsin: Map<string, { seller: Seller; sku: string }[]> };

  constructor(options: AmazonPlatformOptions = {}) {
    this.reference = loadReference(options.referenceDir);
    this.operations = new OperationTable(this.reference);
    this.validator = new RequestValidator(this.reference);
    this.timeScaleOverride = options.timeScale;
    this.options = {
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
      authorizationCodeTtlSeconds: options.authorizationCodeTtlSeconds ?? 300,
      presignedUrlTtlSeconds: options.presignedUrlTtlSeconds ?? 300,
      feedQueueSeconds: options.feedQueueSeconds ?? 30,
      feedProcessingSeconds: options.feedProcessingSeconds ?? 60,
      reportGzipThresholdBytes: options.reportGzipThresholdBytes ?? 64 * 1024,
      maxFeedBytes: options.maxFeedBytes ?? 10 * 1024 * 1024,
      maxFeedMessages: options.maxFeedMessages ?? 25_000,
      refreshTokenLifetimeDays: options.refreshTokenLifetimeDays ?? 365,
      clientSecretLifetimeDays: options.clientSecretLifetimeDays ?? 180,
    };
    if (options.acceptedDelaySeconds && options.acceptedDelaySeconds > 0) this.faults.acceptedDelay = options.acceptedDelaySeconds;
    this.defaultApplicationLimits = withOverrides(APPLICATION_RATE_LIMITS, options.applicationRateLimits);
    this.applicationLimits = { ...this.defaultApplicationLimits };
  }

  /** Back to the start options' per-application limits (reset). */
  resetApplicationLimits(): void {
    this.applicationLimits = { ...this.defaultApplicationLimits };
  }

  /**
   * Moves Amazon's clock forward by `seconds` sandbox seconds (authorizations and client secrets age, access
   * tokens expire, buckets refill): a year of Amazon in a test without waiting for it.
   */
  advanceClock(seconds: number): void {
    this.clockOffsetMs += this.ms(seconds);
  }

  resetClock(): void {
    this.clockOffsetMs = 0;
  }

  get clockOffset(): number {
    return this.clockOffsetMs;
  }

  /** Real milliseconds of a lifetime given in sandbox days. */
  days(days: number): number {
    return this.ms(days * 86_400);
  }

  /** The core hands its context with every call; the latest one is kept for timers. */
  bind(ctx: SandboxContext): void {
    this.context = ctx;
  }

  get ctx(): SandboxContext {
    return this.context;
  }

  get timeScale(): number {
    const scale = this.timeScaleOverride ?? this.context.timeScale;
    return scale > 0 ? scale : 1;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /**
   * The same clock to a fraction of a millisecond, for the usage plans' token buckets: at a large time scale a
   * bucket refills within one real millisecond, and Date.now() would see two calls in that millisecond as
   * simultaneous (the second throttled though its token was back).
   */
  preciseNow(): number {
    return performance.timeOrigin + performance.now() + this.clockOffsetMs;
  }

  /** Real milliseconds for a duration in sandbox seconds. */
  ms(seconds: number): number {
    return (seconds * 1000) / this.timeScale;
  }

  /** Runs `fn` after `seconds` sandbox seconds (cancelled by clearTimers: reset, restore, close). */
  later(seconds: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.ms(seconds));
    t.unref();
    this.timers.add(t);
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  log(entry: SandboxLogEntry): void {
    this.context.log({ at: new Date().toISOString(), ...entry });
  }

  changed(): void {
    this.revision++;
    this.context.markDirty();
    for (const listener of this.changeListeners) listener();
  }

  private readonly changeListeners: (() => void)[] = [];

  /** Called after every change (the notification publisher watches the world this way). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /**
   * The sandbox sellers' listings of an ASIN. Indexed once per change instead of scanning every listing
   * on every offers call (a 1,000-ASIN market reads 1,000 ASINs at a time).
   */
  listingsOfAsin(asin: string): { seller: Seller; listing: Listing }[] {
    let index = this.asinIndex;
    if (!index || index.state !== this.state || index.revision !== this.revision) {
      const byAsin = new Map<string, { seller: Seller; sku: string }[]>();
      for (const seller of Object.values(this.state.sellers)) {
        for (const listing of Object.values(seller.listings)) {
          let list = byAsin.get(listing.asin);
          if (!list) byAsin.set(listing.asin, (list = []));
          list.push({ seller, sku: listing.sku });
        }
      }
      index = this.asinIndex = { state: this.state, revision: this.revision, byAsin };
    }
    const out: { seller: Seller; listing: Listing }[] = [];
    for (const { seller, sku } of index.byAsin.get(asin) ?? []) {
      // Patches replace listing objects: read the current one, and trust it only if it still has this ASIN.
      const listing = seller.listings[sku];
      if (listing && listing.asin === asin) out.push({ seller, listing });
    }
    return out;
  }
}
