// Two levels of token buckets, as Amazon limits: one per selling partner (integration) and operation,
// seeded from the usage plans and adjusted by the `x-amzn-RateLimit-Limit` header Amazon sends on
// successful responses; and one per application (LWA client) and operation, shared by every seller this
// process calls for, from Amazon's per-application limits. A call goes when both levels have its token.
import { RateLimitedError } from '@calibr/shared-contracts';
import { TokenBucket, systemClock, type Clock } from './token-bucket';
import { APPLICATION_LIMITS, usagePlanFor, type UsagePlan } from './usage-plans';

export interface RateLimiterOptions {
  clock?: Clock;
  /** Multiplies the seeded usage-plan rates, to match a sandbox running its clocks faster (1 in production). */
  timeScale?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Per-application limits by operation over Amazon's (APPLICATION_LIMITS); null removes one. */
  applicationLimits?: Record<string, UsagePlan | null>;
}

/**
 * Share of an application limit this process plans for: a burst that reaches Amazon a little late keeps
 * Amazon's bucket full a little longer than ours thinks, so the last token of the burst would be missing.
 */
export const APPLICATION_HEADROOM = 0.9;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SpApiRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly clock: Clock;
  private readonly timeScale: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly applicationLimits: Record<string, UsagePlan>;

  constructor(options: RateLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timeScale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
    this.sleep = options.sleep ?? sleep;
    this.applicationLimits = { ...APPLICATION_LIMITS };
    for (const [operation, limit] of Object.entries(options.applicationLimits ?? {})) {
      if (limit === null) delete this.applicationLimits[operation];
      else this.applicationLimits[operation] = limit;
    }
  }

  /** The application's bucket for an operation, or undefined when Amazon sets no application limit on it. */
  applicationBucket(applicationKey: string, operation: string): TokenBucket | undefined {
    const limit = this.applicationLimits[operation];
    if (!limit) return undefined;
    const key = `app\u0000${applicationKey}\u0000${operation}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit.rate * APPLICATION_HEADROOM * this.timeScale, Math.max(1, Math.floor(limit.burst * APPLICATION_HEADROOM)), this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  bucket(sellerKey: string, operation: string): TokenBucket {
    const key = `${sellerKey}\u0000${operation}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const plan = usagePlanFor(operation);
      bucket = new TokenBucket(plan.rate * this.timeScale, plan.burst, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /**
   * Waits for this seller's turn at this operation. When the wait would pass `maxWaitMs`, throws a
   * RateLimitedError at once (with the real wait as retry-after) instead of holding the caller.
   */
  async acquire(sellerKey: string, operation: string, maxWaitMs = 60_000, applicationKey?: string): Promise<void> {
    const bucket = this.bucket(sellerKey, operation);
    const app = applicationKey === undefined ? undefined : this.applicationBucket(applicationKey, operation);
    const sellerWait = bucket.reserve();
    const appWait = app ? app.reserve() : 0;
    const wait = Math.max(sellerWait, appWait);
    if (wait > maxWaitMs) {
      bucket.release();
      app?.release();
      const whose = appWait > sellerWait ? 'this application (all its sellers together)' : 'this seller';
      throw new RateLimitedError(wait / 1000, `Amazon's ${operation} quota for ${whose} is used up; retry in ${Math.ceil(wait / 1000)} s`, {
        platform: 'amazon',
      });
    }
    if (wait > 0) await this.sleep(wait);
  }

  /**
   * Applies `x-amzn-RateLimit-Limit` from a response: the requests per second Amazon actually grants this
   * seller (a sandbox running its clocks faster already reports its faster rate), so it is taken as is.
   */
  observeLimitHeader(sellerKey: string, operation: string, header: string | string[] | undefined): void {
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) return;
    const rate = Number.parseFloat(value);
    if (Number.isFinite(rate) && rate > 0) this.bucket(sellerKey, operation).setRate(rate);
  }

  /**
   * Amazon answered a call of this seller's (any status but 429): the seller's usage plan counts from the
   * answer, not from our send (TokenBucket.answered), so jitter on the way can't make a call arrive early.
   */
  answered(sellerKey: string, operation: string): void {
    this.bucket(sellerKey, operation).answered();
  }

  /** Amazon answered 429 at one level: that level's bucket is empty whatever we thought. */
  throttled(sellerKey: string, operation: string, level: 'seller' | 'application' = 'seller', applicationKey?: string): void {
    if (level === 'application' && applicationKey !== undefined) {
      const app = this.applicationBucket(applicationKey, operation);
      if (app) {
        app.drain();
        return;
      }
    }
    this.bucket(sellerKey, operation).drain();
  }
}
