import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '@calibr/shared-contracts';
import { TokenBucket } from '../src/throttling/token-bucket';
import { SpApiRateLimiter } from '../src/throttling/rate-limiter';
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from '../src/throttling/retry-policy';
import { USAGE_PLANS, throttledLevel } from '../src/throttling/usage-plans';
import { describeWithAmazonReference, readReferenceJson } from './support/amazon-reference';

const fakeClock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('token bucket', () => {
  it('allows the burst, then spaces calls at the rate', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, 5, clock);
    const waits = Array.from({ length: 7 }, () => bucket.reserve());
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(waits[5]).toBe(200);
    expect(waits[6]).toBe(400);
    clock.advance(1000);
    expect(bucket.peekWaitMs()).toBe(0);
  });

  it('follows the rate Amazon reports and empties on a 429', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(0.1, 1, clock);
    bucket.setRate(2);
    bucket.reserve();
    expect(bucket.reserve()).toBe(500);
    clock.advance(2000);
    bucket.drain();
    expect(bucket.peekWaitMs()).toBe(500);
  });

  it('counts the next period from the answer, the latest moment Amazon can have counted the call', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(1, 1, clock);
    expect(bucket.reserve()).toBe(0);
    clock.advance(300); // the answer arrives 300 ms after the send
    bucket.answered();
    expect(bucket.peekWaitMs()).toBe(1000);
    // A slow answer (longer than a period): still one full period after it, never a token taken twice.
    bucket.reserve();
    clock.advance(2500);
    bucket.answered();
    expect(bucket.peekWaitMs()).toBe(1000);
    // A bucket with a burst keeps the rest of it.
    const wide = new TokenBucket(5, 5, clock);
    wide.reserve();
    clock.advance(100);
    wide.answered();
    expect(wide.peekWaitMs()).toBe(0);
    expect([wide.reserve(), wide.reserve(), wide.reserve(), wide.reserve(), wide.reserve()]).toEqual([0, 0, 0, 0, 200]);
  });
});

describe('rate limiter', () => {
  it('keeps one bucket per seller and operation, and refuses a wait longer than allowed', async () => {
    const clock = fakeClock();
    const slept: number[] = [];
    const limiter = new SpApiRateLimiter({ clock, sleep: async (ms) => void slept.push(ms) });
    await limiter.acquire('seller-a', 'getItemOffersBatch');
    await limiter.acquire('seller-b', 'getItemOffersBatch');
    expect(slept).toEqual([]);
    await expect(limiter.acquire('seller-a', 'getItemOffersBatch', 5_000)).rejects.toBeInstanceOf(RateLimitedError);
    await limiter.acquire('seller-a', 'getItemOffersBatch', 20_000);
    expect(slept).toEqual([10_000]);
  });

  it("shares the application's bucket across sellers and waits for the later of the two levels", async () => {
    const clock = fakeClock();
    const slept: number[] = [];
    const limiter = new SpApiRateLimiter({ clock, sleep: async (ms) => void slept.push(ms), applicationLimits: { getListingsItem: { rate: 10, burst: 10 } } });
    // The application plans for 90 % of Amazon's limit: 9 a second, 9 at once, across all sellers.
    for (let i = 0; i < 9; i++) await limiter.acquire(`seller-${i}`, 'getListingsItem', 60_000, 'app');
    expect(slept).toEqual([]);
    await limiter.acquire('seller-9', 'getListingsItem', 60_000, 'app'); // its own bucket is full; the app's is not
    expect(slept).toEqual([112]);
    await expect(limiter.acquire('seller-10', 'getListingsItem', 100, 'app')).rejects.toThrow(/for this application \(all its sellers together\)/);
    // Another LWA application has its own share; an operation Amazon sets no application limit on has none.
    await limiter.acquire('seller-0', 'getListingsItem', 60_000, 'other-app');
    expect(limiter.applicationBucket('app', 'getFeed')).toBeUndefined();
    expect(new SpApiRateLimiter().applicationBucket('app', 'patchListingsItem')!.ratePerSecond).toBe(450);
    // A 429 at the application level empties the application's bucket, not the seller's.
    limiter.throttled('seller-20', 'getListingsItem', 'application', 'other-app');
    expect(limiter.applicationBucket('other-app', 'getListingsItem')!.peekWaitMs()).toBeGreaterThan(0);
    expect(limiter.bucket('seller-20', 'getListingsItem').peekWaitMs()).toBe(0);
  });

  it('tells the levels apart by Amazon\'s 429 message', () => {
    expect(throttledLevel('The frequency of requests was greater than what is allowed for the application.')).toBe('application');
    expect(throttledLevel('You exceeded your quota for the requested resource.')).toBe('seller');
    expect(throttledLevel(undefined)).toBe('seller');
  });

  it('adopts x-amzn-RateLimit-Limit', () => {
    const limiter = new SpApiRateLimiter();
    limiter.observeLimitHeader('s', 'getFeed', '10.0');
    expect(limiter.bucket('s', 'getFeed').ratePerSecond).toBe(10);
    limiter.observeLimitHeader('s', 'getFeed', 'nonsense');
    expect(limiter.bucket('s', 'getFeed').ratePerSecond).toBe(10);
  });
});

describe('retry backoff', () => {
  it('is jittered, grows, and never passes the cap', () => {
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 0, 0, () => 1)).toBe(500);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 3, 0, () => 1)).toBe(4000);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 20, 0, () => 1)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 3, 1000, () => 0)).toBe(1000);
  });
});

describeWithAmazonReference("usage plans match Amazon's models", () => {
  it('every seeded plan equals the Usage Plan table of its operation', () => {
    const files = ['sellers', 'listingsItems_2021-08-01', 'catalogItems_2022-04-01', 'productPricingV0', 'productPricing_2022-05-01', 'feeds_2021-06-30'];
    const found: Record<string, { rate: number; burst: number }> = {};
    for (const file of files) {
      const model = readReferenceJson(`models/${file}.json`) as { paths: Record<string, Record<string, { operationId?: string; description?: string }>> };
      for (const ops of Object.values(model.paths)) {
        for (const op of Object.values(ops)) {
          const row = op.description?.match(/\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|/);
          if (op.operationId && row) found[op.operationId] = { rate: Number(row[1]), burst: Number(row[2]) };
        }
      }
    }
    for (const [operation, plan] of Object.entries(USAGE_PLANS)) {
      if (!(operation in found)) continue; // operations of models we don't ship (putListingsItem etc. are)
      expect({ operation, ...plan }).toEqual({ operation, ...found[operation] });
    }
    expect(Object.keys(found)).toEqual(expect.arrayContaining(['searchListingsItems', 'getItemOffersBatch', 'createFeed', 'getFeed']));
  });
});
