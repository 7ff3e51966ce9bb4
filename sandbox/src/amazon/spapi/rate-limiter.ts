// SP-API's token buckets: each operation's usage plan (rate per second, burst) per selling partner and
// application pair, and the application's own limit across its sellers. Rates run on the sandbox clock
// (multiplied by the time scale).

interface Bucket {
  tokens: number;
  last: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Takes one token; false when the bucket is empty (the call is throttled). */
  take(key: string, ratePerSecond: number, burst: number, now: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: burst, last: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.last) / 1000) * ratePerSecond);
    bucket.last = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Gives back a token taken by a call that another level then refused. */
  giveBack(key: string, burst: number): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(burst, bucket.tokens + 1);
  }

  reset(): void {
    this.buckets.clear();
  }
}

/** Amazon writes the header as a decimal, e.g. `2.0`, `0.0222`. */
export function formatRate(rate: number): string {
  const rounded = Number(rate.toPrecision(6));
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}
