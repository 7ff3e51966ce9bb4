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
import { systemClock, type Clock } from './throttling/token-bucket';
import { AppClientSecrets } from './lwa/client-secrets';
import { NotificationChannel } from './notifications/notification-channel';

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
  /** The app's own LWA client secrets (one, or two while a rotation rolls out). */
  clientSecrets: AppClientSecrets;
  /** Amazon's clock as far as this service knows it (tests move it with the sandbox's). */
  clock: Clock;
  /** A seller's authorization lasts this long (365 days; divided by the time scale). */
  authorizationLifetimeMs: number;
  /** Warn this long before it ends (30 days; divided by the time scale). */
  authorizationWarningMs: number;
  /** The notification queue as this process sees it (state, lag, counts) and the signal waking offer-change long polls. */
  notifications: NotificationChannel;
  /** Set by the server: wake the notification jobs' worker (a subscribe or unsubscribe was queued). */
  notificationJobsQueued?: () => void;
  /** Set by the server: wake the feed worker (a notification made feeds due). */
  feedsDue?: () => void;
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
  /** Divides the authorization lifetime and warning, to match a sandbox running its clocks faster (1 in production). */
  timeScale?: number;
}

/** Amazon asks sellers to authorize a public app again every 365 days ("Renew Authorizations"). */
export const AUTHORIZATION_LIFETIME_DAYS = 365;
/** How early the merchant is told to reconnect. */
export const AUTHORIZATION_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export function createAmazonContext(input: AmazonContextInput): AmazonContext {
  const scale = input.timeScale && input.timeScale > 0 ? input.timeScale : 1;
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
    clientSecrets: new AppClientSecrets(
      { secret: input.config.lwaClientSecret, next: input.config.lwaClientSecretNext, file: input.config.lwaClientSecretFile },
      input.logger,
    ),
    clock: input.clock ?? systemClock,
    authorizationLifetimeMs: (AUTHORIZATION_LIFETIME_DAYS * DAY_MS) / scale,
    authorizationWarningMs: (AUTHORIZATION_WARNING_DAYS * DAY_MS) / scale,
    notifications: new NotificationChannel(input.config.notificationsQueueArn),
  };
}
