// Starts the Amazon service: its own database (migrated on start), Amazon transport (real hosts, or wherever
// the runtime hooks route it: the sandbox in tests and `npm start`), the feed worker (feed polling as jobs of
// @calibr/jobs, resumed from the database) and the HTTP server.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { runtimeHooks, type RuntimeHooks } from '@calibr/shared-contracts';
import express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { createAmazonContext, type AmazonContext } from './amazon-context';
import { createApp } from './app';
import { amazonDatabaseUrl, createAmazonDb, migrateAmazonDatabase, redactUrl, type AmazonDb } from './database/amazon-db';
import { loadConfig, type AmazonServiceConfig } from './config';
import { LIVE_SETTLE_MS, type FeedTiming } from './feeds/feed-timing';
import { FeedWorker } from './feeds/feed-worker';
import { healthEndpoints, type Drain } from './health';
import { NotificationConsumer, type ConsumerOptions } from './notifications/notification-consumer';
import { createSqsClient, parseQueueArn, queueUrl } from './notifications/sqs-queue';
import { SubscriptionWorker } from './notifications/subscription-worker';
import { errorSummary } from './log-errors';
import { createLogger, redactQuery } from './logger';
import { PATCH_SETTLE_MS } from './pricing/settle-patch';
import type { Transport } from './sp-api/selling-partner';
import type { RetryPolicy } from './throttling/retry-policy';
import type { UsagePlan } from './throttling/usage-plans';
import type { Clock } from './throttling/token-bucket';

export interface StartOptions {
  config?: Partial<AmazonServiceConfig>;
  env?: NodeJS.ProcessEnv;
  /** Listen here (0 = any free port). Default: config.port. */
  port?: number;
  host?: string;
  /** A client on an already migrated database (tests); default: a client on config.databaseUrl, migrated first. */
  db?: AmazonDb;
  logger?: Logger;
  feedTiming?: FeedTiming;
  workerTickMs?: number;
  /** Start the feed worker (default true). */
  worker?: boolean;
  retry?: RetryPolicy;
  /** Divides every limiter wait and the patch settle bound, to match a sandbox running its clocks faster (default 1). */
  timeScale?: number;
  /**
   * Per-application limits by operation, over Amazon's published ones (APPLICATION_LIMITS): e.g. a usage
   * plan Amazon raised for this app; null removes one.
   */
  applicationLimits?: Record<string, UsagePlan | null>;
  /** How long an accepted patchListingsItem may take to show (default PATCH_SETTLE_MS / timeScale). */
  patchSettleMs?: number;
  /** How long an accepted feed message's price may take to show (default LIVE_SETTLE_MS / timeScale). */
  liveSettleMs?: number;
  /** Outbound HTTPS agent, extra frame-ancestors, browser URLs (default: the process's installed hooks; none in production). */
  hooks?: RuntimeHooks;
  /** The clock LWA access tokens are issued and cached by (default the system's). */
  clock?: Clock;
  /**
   * The notification queue's consumer: SQS credentials (default the AWS SDK's provider chain), long poll
   * and backoff. Runs with the worker, when AMAZON_NOTIFICATIONS_QUEUE_ARN (config.notificationsQueueArn) is set.
   */
  notifications?: ConsumerOptions & { credentials?: { accessKeyId: string; secretAccessKey: string } };
}

export interface RunningAmazonService {
  url: string;
  port: number;
  ctx: AmazonContext;
  worker: FeedWorker;
  /** Reads the notification queue (none when no queue is configured or the worker is off). */
  consumer: NotificationConsumer | undefined;
  server: Server;
  /** Stops at once (tests): the feeds the worker holds finish, open connections are cut. */
  close(): Promise<void>;
  /**
   * Graceful (SIGTERM): /readyz turns 503, no new connections, in-flight requests and the feeds the worker
   * holds finish (a feed not finished keeps its job, due when it says, for whichever process polls next),
   * then the database closes. Past `timeoutMs` open connections are cut and feeds still held are handed
   * back (their jobs queued again). Resolves true when no connection was cut.
   */
  shutdown(timeoutMs?: number): Promise<boolean>;
}

export { createLogger };

export async function startAmazonService(options: StartOptions = {}): Promise<RunningAmazonService> {
  const config = loadConfig(options.env ?? process.env, options.config);
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownDb = !options.db;
  if (ownDb) {
    // The service's own tables: it migrates them itself (the app's deploy knows nothing of them).
    const url = amazonDatabaseUrl(config.databaseUrl);
    const migrated = await migrateAmazonDatabase(url);
    if (migrated.applied.length > 0) logger.info({ database: redactUrl(url), applied: migrated.applied }, 'amazon database migrated');
  }
  const db = options.db ?? createAmazonDb(config.databaseUrl);
  const hooks = options.hooks ?? runtimeHooks();
  const transport: Transport = hooks.httpsAgent ? { httpsAgent: hooks.httpsAgent } : {};
  const ctx = createAmazonContext({
    config,
    db,
    logger,
    transport,
    ...(options.retry ? { retry: options.retry } : {}),
    limiter: {
      ...(options.timeScale ? { timeScale: options.timeScale } : {}),
      ...(options.applicationLimits ? { applicationLimits: options.applicationLimits } : {}),
    },
    ...(options.feedTiming ? { feedTiming: options.feedTiming } : {}),
    patchSettleMs: options.patchSettleMs ?? PATCH_SETTLE_MS / (options.timeScale && options.timeScale > 0 ? options.timeScale : 1),
    liveSettleMs: options.liveSettleMs ?? LIVE_SETTLE_MS / (options.timeScale && options.timeScale > 0 ? options.timeScale : 1),
    hooks,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timeScale ? { timeScale: options.timeScale } : {}),
  });
  const worker = new FeedWorker(ctx, options.workerTickMs ? { tickMs: options.workerTickMs } : {});
  const subscriptions = new SubscriptionWorker(ctx, options.workerTickMs ? { tickMs: options.workerTickMs } : {});
  ctx.notificationJobsQueued = () => subscriptions.nudge();
  ctx.feedsDue = () => worker.nudge();
  let consumer: NotificationConsumer | undefined;
  if (config.notificationsQueueArn && options.worker !== false) {
    const queue = parseQueueArn(config.notificationsQueueArn);
    const { credentials, ...consumerOptions } = options.notifications ?? {};
    const sqs = createSqsClient(queue, { ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}), ...(credentials ? { credentials } : {}) });
    consumer = new NotificationConsumer(ctx, sqs, queueUrl(queue, config.sqsEndpoint), consumerOptions);
  }
  // The process's own concerns around the application: health for the balancer, request logs.
  const drain: Drain = { draining: false };
  const app = express();
  app.disable('x-powered-by');
  const open = new Set<express.Response>();
  app.use((_req, res, next) => {
    open.add(res);
    res.once('close', () => open.delete(res));
    if (drain.draining) res.setHeader('connection', 'close'); // keep-alive clients reconnect elsewhere
    next();
  });
  app.use(healthEndpoints(db, drain, () => ctx.notifications.detail()));
  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (req) => req.url === '/health' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req: { url?: string; query?: unknown }) => {
          req.url = redactQuery(req.url);
          delete req.query;
          return req;
        },
        res: (res: { headers?: Record<string, unknown> }) => {
          if (typeof res.headers?.location === 'string') res.headers.location = redactQuery(res.headers.location);
          return res;
        },
      },
    }),
  );
  app.use(createApp(ctx, { onFeedsStored: () => worker.nudge() }));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? config.port, options.host ?? '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  // Longer than clients' idle sockets, so a reused keep-alive connection isn't closed under a request.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 31_000;
  const port = (server.address() as AddressInfo).port;
  if (options.worker !== false) {
    worker.start();
    // Subscription jobs are only queued while a notification queue is configured.
    if (config.notificationsQueueArn) subscriptions.start();
    consumer?.start();
  }
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  // Listening on a free port with no public URL configured: Amazon's redirect comes back here.
  if (!options.config?.publicUrl && !(options.env ?? process.env).AMAZON_SERVICE_URL) config.publicUrl = url;
  logger.info({ url, routed: Boolean(hooks.httpsAgent) }, 'amazon service listening');
  let shuttingDown: Promise<boolean> | undefined;
  return {
    url,
    port,
    ctx,
    worker,
    consumer,
    server,
    close: async () => {
      drain.draining = true;
      await Promise.all([worker.stop(), subscriptions.stop(), consumer?.stop()]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      transport.httpsAgent?.destroy();
      if (ownDb) await db.$disconnect();
    },
    shutdown: (timeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 25_000)) =>
      (shuttingDown ??= (async () => {
        const started = Date.now();
        drain.draining = true;
        // Answers still to come close their connection, so keep-alive clients reconnect elsewhere.
        for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
        logger.info({ timeoutMs, openRequests: open.size }, 'shutting down: no new connections, finishing in-flight work');
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        });
        const [requests] = await Promise.all([
          Promise.race([closed.then(() => true), late]),
          // Feeds still in hand at the deadline are handed back (their jobs queued again) for the next process.
          consumer?.stop(),
          subscriptions.stop(),
          worker
            .stop({ deadline: started + timeoutMs })
            .then(({ handedBack }) => handedBack > 0 && logger.info({ handedBack }, 'feed jobs handed back'))
            .catch((error: unknown) => logger.error({ err: errorSummary(error) }, 'feed worker stop failed')),
        ]);
        clearTimeout(timer);
        if (!requests) server.closeAllConnections();
        transport.httpsAgent?.destroy();
        if (ownDb) await db.$disconnect().catch(() => undefined);
        logger.info({ clean: requests, ms: Date.now() - started }, 'shutdown complete');
        return requests;
      })()),
  };
}
