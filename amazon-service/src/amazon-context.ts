// Everything a request or a background job needs to talk to Amazon and the database, built once.
import type { AmazonDb } from './database/amazon-db';
import type { RuntimeHooks } from '@calibr/shared-contracts';
import type { Logger } from 'pino';
import type { AmazonServiceConfig } from './config';
import { DEFAULT_FEED_TIMING, LIVE_SETTLE_MS, type FeedTiming } from './feeds/feed-timing';
import { PATCH_SETTLE_MS } from './pricing/settle-patch';
import { ParticipationsCache } from './catalog/participations-cache';
import { AccessTokenCache } from './lwa/access-token-cache';
import { LwaClient } from './lwa/lwa-client';
import type { Transport } from './sp-api/selling-partner';
import { SpApiRateLimiter, type RateLimiterOptions } from './throttling/rate-limiter';
import type { RetryPolicy } from './throttling/retry-policy';
import type { Clock } from './throttling/token-bucket';

export interface AmazonContext {
  config: AmazonServiceConfig;
  db: AmazonDb;
  logger: Logger;
  transport: Transport;
  tokens: AccessTokenCache;
  /** Sellers API answers, reused for a few minutes (that operation allows about one call a minute). */
  participations: ParticipationsCache;
  limiter: SpApiRateLimiter;
  lwa: LwaClient;
  retry?: RetryPolicy;
  /** When to poll submitted feeds. */
  feedTiming: FeedTiming;
  /** How long an accepted patchListingsItem may take to show before it counts as not applied. */
  patchSettleMs: number;
  /** How long an accepted feed message's price may take to show before it counts as not applied. */
  liveSettleMs: number;
  /** What the process plugged in (the sandbox's routing in tests and `npm start`; nothing in production). */
  hooks: RuntimeHooks;
}

export interface AmazonContextInput {
  config: AmazonServiceConfig;
  db: AmazonDb;
  logger: Logger;
  transport: Transport;
  retry?: RetryPolicy;
  limiter?: RateLimiterOptions;
  feedTiming?: FeedTiming;
  patchSettleMs?: number;
  liveSettleMs?: number;
  hooks?: RuntimeHooks;
  /** The clock access tokens are issued and cached by (tests move it to expire a token without waiting). */
  clock?: Clock;
}

export function createAmazonContext(input: AmazonContextInput): AmazonContext {
  return {
    config: input.config,
    db: input.db,
    logger: input.logger,
    transport: input.transport,
    tokens: new AccessTokenCache(input.clock ? { clock: input.clock } : {}),
    participations: new ParticipationsCache(),
    limiter: new SpApiRateLimiter(input.limiter),
    lwa: new LwaClient(input.transport, input.clock ? () => input.clock!.now() : undefined),
    feedTiming: input.feedTiming ?? DEFAULT_FEED_TIMING,
    patchSettleMs: input.patchSettleMs ?? PATCH_SETTLE_MS,
    liveSettleMs: input.liveSettleMs ?? LIVE_SETTLE_MS,
    ...(input.retry ? { retry: input.retry } : {}),
    hooks: input.hooks ?? {},
  };
}
