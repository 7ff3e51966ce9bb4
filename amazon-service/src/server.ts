// Starts the Amazon service: database, Amazon transport (real hosts, or the sandbox when SANDBOX_URL is
// set), the feed worker (which resumes unfinished feeds from the database) and the HTTP server.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createDb, type Db } from '@calibr/db';
import pino, { type Logger } from 'pino';
import { createAmazonContext, type AmazonContext } from './amazon-context';
import { createApp } from './app';
import { loadConfig, type AmazonServiceConfig } from './config';
import type { FeedTiming } from './feeds/feed-timing';
import { FeedWorker } from './feeds/feed-worker';
import type { Transport } from './sp-api/selling-partner';
import type { RetryPolicy } from './throttling/retry-policy';

export interface StartOptions {
  config?: Partial<AmazonServiceConfig>;
  env?: NodeJS.ProcessEnv;
  /** Listen here (0 = any free port). Default: config.port. */
  port?: number;
  host?: string;
  db?: Db;
  logger?: Logger;
  feedTiming?: FeedTiming;
  workerTickMs?: number;
  /** Start the feed worker (default true). */
  worker?: boolean;
  retry?: RetryPolicy;
  /** Divides every limiter wait, to match a sandbox running its clocks faster (default 1). */
  timeScale?: number;
}

export interface RunningAmazonService {
  url: string;
  port: number;
  ctx: AmazonContext;
  worker: FeedWorker;
  server: Server;
  close(): Promise<void>;
}

/** Every secret the logger might meet is masked, wherever it sits in a logged object. */
const REDACT = ['*.refreshToken', '*.refresh_token', '*.clientSecret', '*.client_secret', '*.accessToken', '*.access_token', '*.lwaClientSecret', 'req.headers.cookie', 'req.headers["x-amz-access-token"]', 'req.headers["x-calibr-signature"]'];

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'amazon-service' }, redact: { paths: REDACT, censor: '[secret]' } });
}

async function transportFor(config: AmazonServiceConfig): Promise<{ transport: Transport; consentBaseUrl?: (host: string) => string }> {
  if (!config.sandboxUrl) return { transport: {} };
  // Only in sandbox mode: amazon-sp-api keeps Amazon's real URLs and Host headers, the agent dials the sandbox.
  const routing = await import('@calibr/sandbox/routing');
  const sandboxUrl = config.sandboxUrl;
  return {
    transport: { httpsAgent: routing.createAmazonSandboxAgent(sandboxUrl, { keepAlive: true }) },
    consentBaseUrl: (host) => routing.sellerCentralBaseUrl(sandboxUrl, host),
  };
}

export async function startAmazonService(options: StartOptions = {}): Promise<RunningAmazonService> {
  const config = loadConfig(options.env ?? process.env, options.config);
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownDb = !options.db;
  const db = options.db ?? createDb(config.databaseUrl);
  const { transport, consentBaseUrl } = await transportFor(config);
  const ctx = createAmazonContext({
    config,
    db,
    logger,
    transport,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeScale ? { limiter: { timeScale: options.timeScale } } : {}),
    ...(options.feedTiming ? { feedTiming: options.feedTiming } : {}),
    ...(consentBaseUrl ? { consentBaseUrl } : {}),
  });
  const worker = new FeedWorker(ctx, options.workerTickMs ? { tickMs: options.workerTickMs } : {});
  const app = createApp(ctx, { onFeedsStored: () => worker.nudge() });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? config.port, options.host ?? '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  // Longer than clients' idle sockets, so a reused keep-alive connection isn't closed under a request.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 31_000;
  const port = (server.address() as AddressInfo).port;
  if (options.worker !== false) worker.start();
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  // Listening on a free port with no public URL configured: Amazon's redirect comes back here.
  if (!options.config?.publicUrl && !(options.env ?? process.env).AMAZON_SERVICE_URL) config.publicUrl = url;
  logger.info({ url, sandbox: Boolean(config.sandboxUrl) }, 'amazon service listening');
  return {
    url,
    port,
    ctx,
    worker,
    server,
    close: async () => {
      await worker.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      transport.httpsAgent?.destroy();
      if (ownDb) await db.$disconnect();
    },
  };
}
