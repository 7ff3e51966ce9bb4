// Rate limits surface as RateLimitedError with retryAfter, and don't burn the idempotency key.
import { RateLimitedError, priceUpdateResultSchema, type PriceUpdateResult } from '../..';
import { ConformanceFailure, ensure, ensureEqual, ensureRejects, ensureShape } from '../assertions';
import type { ConformanceCheck } from './check';
import { describeResult } from './outcome';

const RETRY_AFTER = 2;

export const rateLimitChecks: ConformanceCheck[] = [
  {
    id: 'rate-limit',
    title: 'a platform rate limit surfaces as RateLimitedError with a retryAfter in seconds',
    async run(ctx) {
      const simulate = ctx.options.simulateRateLimit;
      if (!simulate) return ctx.skip('no simulateRateLimit hook');
      const l = ctx.fixtures.listing;
      await simulate(ctx.connector, RETRY_AFTER);
      const error = await ensureRejects(
        () => ctx.connector.pricing.getPrice(l.externalId, l.marketplaceId ? { marketplaceId: l.marketplaceId } : undefined),
        RateLimitedError,
        'getPrice while rate limited',
      );
      ensure(
        typeof error.retryAfter === 'number' && Number.isFinite(error.retryAfter) && error.retryAfter >= 0,
        `retryAfter must be a non-negative number of seconds, got ${String(error.retryAfter)}`,
      );
    },
  },
  {
    id: 'rate-limit-retry',
    title: 'an update refused by a rate limit can be retried with the same key and is applied once',
    async run(ctx) {
      const simulate = ctx.options.simulateRateLimit;
      if (!simulate) return ctx.skip('no simulateRateLimit hook');
      const l = ctx.fixtures.listing;
      const [p1] = await ctx.pricesFor(l);
      const update = ctx.update(l, p1, ctx.key('throttled'));
      await simulate(ctx.connector, RETRY_AFTER);
      let first: PriceUpdateResult | undefined;
      try {
        first = await ctx.connector.pricing.updatePrice(update);
      } catch (error) {
        if (!(error instanceof RateLimitedError)) {
          throw new ConformanceFailure(`rate-limited update threw ${(error as Error)?.name}, expected RateLimitedError`);
        }
      }
      if (first) {
        ensure(
          first.status === 'failed' && first.reason === 'rate_limited' && first.retryable,
          `a rate-limited update must throw RateLimitedError or fail retryably with rate_limited, got ${describeResult(first)}`,
        );
      }
      const retry = ensureShape(priceUpdateResultSchema, await ctx.connector.pricing.updatePrice(update), 'retry after the rate limit');
      ensure(retry.status !== 'failed', `retry after the rate limit ${describeResult(retry)}`);
      await ctx.settle();
      const live = await ctx.livePrice(l);
      ensureEqual(live, p1, 'live price after the retried update');
    },
  },
];
