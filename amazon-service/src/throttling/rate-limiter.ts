// One token bucket per selling partner, region and operation, seeded from the usage plans and adjusted by
// the `x-amzn-RateLimit-Limit` header Amazon sends on successful responses.
import { RateLimitedError } from '@calibr/shared-contracts';
import { TokenBucket, systemClock, type Clock } from './token-bucket';
import { usagePlanFor } from './usage-plans';

export interface RateLimiterOptions {
  clock?: Clock;
  /** Multiplies the seeded usage-plan rates, to match a sandbox running its clocks faster (1 in production). */
  timeScale?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SpApiRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly clock: Clock;
  private readonly timeScale: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: RateLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timeScale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
    this.sleep = options.sleep ?? sleep;
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
  async acquire(sellerKey: string, operation: string, maxWaitMs = 60_000): Promise<void> {
    const bucket = this.bucket(sellerKey, operation);
    const wait = bucket.reserve();
    if (wait > maxWaitMs) {
      bucket.release();
      throw new RateLimitedError(wait / 1000, `Amazon's ${operation} quota for this seller is used up; retry in ${Math.ceil(wait / 1000)} s`, {
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

  throttled(sellerKey: string, operation: string): void {
    this.bucket(sellerKey, operation).drain();
  }
}
