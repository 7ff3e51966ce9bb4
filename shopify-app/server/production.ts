// The app in production: Express serving the Remix build (`npm run build`), with JSON request logs,
// health endpoints and a graceful shutdown. Several processes may run it against one PostgreSQL behind a
// load balancer: migrations run under PostgreSQL's advisory lock, and the background work (price push,
// competitive monitor) is shared through leases in the database.
//
//   startProductionApp({ port: 0, env: { DATABASE_URL, SHOPIFY_API_KEY, … } })  (tests, benches)
//   npm run start:prod                                                           (server/production-main.ts)
//
// One per process: the database client, logger and workers live in the app context (app/app-context.server.ts).
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDb, databaseReadiness, migrateDatabase, redactUrl, resolveDatabaseUrl } from '@calibr/db';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { provideAppContext } from '../app/app-context.server';
import { createLogger, errorMessage, redactQuery } from '../app/lib/logger.server';
import { refuseCrossOriginPageWrites } from './cross-origin-page-writes';

export interface ProductionAppOptions {
  /** 0 picks a free port. Default: PORT, else 3000. */
  port?: number;
  /** Default: HOST, else 0.0.0.0 (behind a load balancer). */
  host?: string;
  /** Set into process.env before the build loads (the app reads its configuration then). */
  env?: Record<string, string | undefined>;
  /** Where `remix vite:build` wrote (default APP_BUILD_DIR, else shopify-app/build). */
  buildDir?: string;
  /** Apply pending migrations before serving (default: unless MIGRATE_ON_START=off). */
  migrate?: boolean;
  /** How long a shutdown may take before what is still running is handed back (default SHUTDOWN_TIMEOUT_MS, else 25 s). */
  shutdownTimeoutMs?: number;
}

export interface RunningProductionApp {
  url: string;
  port: number;
  server: Server;
  /**
   * Graceful shutdown: readiness turns 503, no new connections, in-flight requests finish, background
   * work finishes its current item or hands its claims back, the database closes. Resolves with what
   * happened; never rejects. Calling it twice returns the same promise.
   */
  shutdown(reason?: string): Promise<ShutdownResult>;
}

export interface ShutdownResult {
  /** true when everything finished inside the deadline. */
  clean: boolean;
  /** Price changes released for another instance (the deadline passed mid-round). */
  handedBack: number;
  /** Requests still open at the deadline (their connections were closed). */
  abandonedRequests: number;
  ms: number;
}

const appRoot = fileURLToPath(new URL('..', import.meta.url));

/** What the build's server entry (app/entry.server.tsx) exports beside Remix's own: the background work. */
interface AppEntry {
  startBackground(): Promise<void>;
  stopBackground(deadline?: number): Promise<{ handedBack: number }>;
}

function applyEnv(env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;

/** The webhook routes' actions by URL path (`/webhooks/products/update`, …), from the build's route table. */
function webhookActions(build: ServerBuild): Map<string, Action> {
  const actions = new Map<string, Action>();
  for (const route of Object.values(build.routes)) {
    if (!route || !route.path || !/^(webhooks\/|api\/integrations\/shopify\/webhooks$)/.test(route.path)) continue;
    const action = (route.module as { action?: Action }).action;
    if (action && route.parentId === 'root') actions.set(`/${route.path}`, action);
  }
  return actions;
}

/**
 * Shopify's deliveries go straight to their route's action: the same module Remix would run, without its
 * per-request route matching, which costs about as much again as the webhook's own work on this, the
 * busiest path of the app (measured by bench:webhooks). Anything else still goes through Remix.
 *
 * Mounted ahead of the request log: an accepted delivery (2xx) writes no log line (at hundreds a second
 * the lines cost more CPU than recording the delivery; the subscription's delivery counters keep the
 * count). Refusals (4xx) are logged at warn and failures (5xx, a thrown error) at error, as pino-http would.
 */
function webhookHandler(actions: Map<string, Action>, logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const action = actions.get(req.path);
    if (!action) return next();
    const started = performance.now();
    const aborted = new AbortController();
    let errored = false;
    res.once('close', () => {
      // Aborting costs a DOMException with its stack: only when the client left before the answer was sent.
      if (!res.writableFinished) aborted.abort();
      if (errored || (res.statusCode < 400 && res.writableFinished)) return;
      const line = { req: { method: req.method, url: redactQuery(req.originalUrl) }, res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started), finished: res.writableFinished };
      if (res.statusCode >= 500 || !res.writableFinished) logger.error(line, 'webhook request failed');
      else logger.warn(line, 'webhook request refused');
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const request = new Request(`${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`, {
      method: 'POST',
      headers,
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      signal: aborted.signal,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    Promise.resolve()
      .then(() => action({ request, params: {}, context: {} }))
      .catch((thrown: unknown) => {
        if (thrown instanceof Response) return thrown;
        throw thrown;
      })
      .then((response) => {
        if (!(response instanceof Response)) throw new Error(`webhook route ${req.path} did not answer with a Response`);
        res.status(response.status);
        response.headers.forEach((value, name) => res.append(name, value));
        if (!response.body) return void res.end();
        Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).pipe(res);
      })
      .catch((error: unknown) => {
        errored = true;
        logger.error({ req: { method: req.method, url: redactQuery(req.originalUrl) }, err: errorMessage(error) }, 'webhook request errored');
        next(error);
      });
  };
}

export async function startProductionApp(options: ProductionAppOptions = {}): Promise<RunningProductionApp> {
  applyEnv(options.env ?? {});
  process.env.NODE_ENV ||= 'production';
  const logger = createLogger({ name: 'shopify-app' });
  const buildDir = options.buildDir ?? process.env.APP_BUILD_DIR ?? `${appRoot}build`;
  const serverBuild = `${buildDir}/server/index.js`;
  if (!existsSync(serverBuild)) throw new Error(`No build at ${serverBuild}: run \`npm run build\` first.`);

  // Migrations on deploy. Two instances starting together are safe: on PostgreSQL migrateDatabase holds
  // Prisma's migrate advisory lock (the second waits, then finds nothing pending); on SQLite it takes the
  // write lock first.
  const databaseUrl = resolveDatabaseUrl();
  if (options.migrate ?? process.env.MIGRATE_ON_START !== 'off') {
    const result = await migrateDatabase(databaseUrl);
    logger.info({ provider: result.provider, database: redactUrl(databaseUrl), applied: result.applied, alreadyApplied: result.alreadyApplied.length }, 'migrations');
  }

  const host = options.host ?? process.env.HOST ?? '0.0.0.0';
  const port = options.port ?? Number(process.env.PORT ?? 3000);
  // Bind first, so SHOPIFY_APP_URL can default to this server's own URL (tests; never in a real deploy).
  const app = express();
  app.disable('x-powered-by');
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  // Longer than a load balancer's idle timeout (AWS ALB: 60 s), so the balancer closes idle sockets first.
  server.keepAliveTimeout = Number(process.env.KEEP_ALIVE_TIMEOUT_MS ?? 65_000);
  server.headersTimeout = server.keepAliveTimeout + 1_000;
  const boundPort = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`;
  process.env.SHOPIFY_APP_URL ||= url;

  // The database client and logger the build's modules use, made here before the build loads; then the
  // build (the app's routes) and its background work, started from its server entry.
  const db = createDb(databaseUrl);
  provideAppContext({ db, logger });
  const build = (await import(pathToFileURL(serverBuild).href)) as ServerBuild;
  // No installGlobals(): Node 20's own fetch/Request/Response serve, as under Vite in development. (Remix's
  // polyfill fetch would bypass undici's dispatcher, which sandbox mode routes *.myshopify.com through.)
  const entry = build.entry.module as unknown as AppEntry;
  void entry.startBackground();

  let draining = false;
  const open = new Set<express.Response>();

  app.use((req, res, next) => {
    open.add(res);
    res.once('close', () => open.delete(res));
    // While draining, every answer closes its connection, so keep-alive clients reconnect elsewhere.
    if (draining) res.setHeader('connection', 'close');
    next();
  });
  // Liveness: the process is up and its event loop turns. Readiness: it can serve (database, schema).
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', pid: process.pid, uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get('/readyz', (_req, res) => {
    if (draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    void databaseReadiness(db, (error) => errorMessage(error, 120)).then(({ ok, detail }) => res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', ...detail }));
  });
  // Shopify's webhooks first: no request log line for an accepted delivery, no static-file lookup.
  const webhooks = webhookActions(build);
  if (webhooks.size > 0) app.post([...webhooks.keys()], webhookHandler(webhooks, logger));
  app.use(
    pinoHttp({
      logger,
      // Health probes every few seconds are noise at info.
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req: { url?: string; query?: unknown; headers?: Record<string, unknown> }) => {
          req.url = redactQuery(req.url);
          delete req.query;
          return req;
        },
        // Redirects (OAuth, the embedded bounce) may carry state or tokens in their Location.
        res: (res: { headers?: Record<string, unknown> }) => {
          const location = res.headers?.location;
          if (typeof location === 'string') res.headers!.location = redactQuery(location);
          return res;
        },
      },
    }),
  );
  // Fingerprinted assets forever; the rest of build/client for an hour (what remix-serve does).
  app.use(build.publicPath, express.static(build.assetsBuildDirectory.startsWith('/') ? build.assetsBuildDirectory : `${buildDir}/client/assets`, { immutable: true, maxAge: '1y' }));
  app.use(express.static(`${buildDir}/client`, { maxAge: '1h' }));
  app.use(refuseCrossOriginPageWrites);
  app.all('*', createRequestHandler({ build, mode: process.env.NODE_ENV }));

  logger.info({ url, port: boundPort, database: redactUrl(databaseUrl), webhookRoutes: [...webhooks.keys()] }, 'shopify app listening');

  const timeoutMs = options.shutdownTimeoutMs ?? Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 25_000);
  let shuttingDown: Promise<ShutdownResult> | undefined;
  const shutdown = (reason = 'shutdown'): Promise<ShutdownResult> => {
    shuttingDown ??= (async () => {
      const started = Date.now();
      const deadline = started + timeoutMs;
      draining = true;
      // Answers still to come close their connection, so keep-alive clients reconnect elsewhere.
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
      logger.info({ reason, openRequests: open.size, timeoutMs }, 'shutting down: no new connections, finishing in-flight work');
      // Stop accepting; idle keep-alive sockets close now, busy ones after their response.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Background work gets most of the deadline; the rest is for handing back and closing the database.
      const background = entry.stopBackground(started + Math.floor(timeoutMs * 0.8));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
      });
      const [requests, work] = await Promise.all([
        Promise.race([closed.then(() => 'done' as const), late]),
        background.catch((error: unknown) => {
          logger.error({ err: errorMessage(error) }, 'stopping background work failed');
          return { handedBack: -1 };
        }),
      ]);
      clearTimeout(timer);
      const abandonedRequests = requests === 'late' ? open.size : 0;
      if (requests === 'late') server.closeAllConnections();
      await db.$disconnect().catch(() => undefined);
      const result: ShutdownResult = { clean: requests === 'done' && work.handedBack === 0, handedBack: Math.max(0, work.handedBack), abandonedRequests, ms: Date.now() - started };
      logger.info(result, 'shutdown complete');
      return result;
    })();
    return shuttingDown;
  };

  return { url, port: boundPort, server, shutdown };
}
