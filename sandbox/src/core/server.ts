// The sandbox process: one node http server that routes by Host header to the platform that plays that
// host (Shopify, Amazon), and serves the control API and browser pages on its own host (localhost).
import fs from 'node:fs';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SandboxContext, SandboxLogEntry, SandboxPlatform } from '../platform';
import { createShopifyPlatform, type ShopifyPlatform, type ShopifyPlatformOptions } from '../shopify';
import { handleControl } from './control';
import { applyFaultList, FaultTable } from './faults';
import { escapeHtml, hostOf, HttpError, readBody, sendHtml, sendJson } from './http';
import { redactPath, RequestLog } from './log';
import { markPlatformServer } from './secret-audit';
import { loadState, StateWriter } from './persistence';

export interface StartSandboxOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  listenHost?: string;
  /** Multiplies platform clocks (restore rates, retry backoff, processing delays). Default 1. */
  timeScale?: number;
  /** "demo" (default) loads the demo store and seller; "none" starts empty. Ignored when state is restored. */
  seed?: 'demo' | 'none';
  /** Persist state to this JSON file (and restore it at start when it exists). */
  stateFile?: string;
  /** The Shopify app the sandbox plays host to (api key/secret, URLs, webhooks); see ShopifyAppConfigInput. */
  appConfig?: ShopifyPlatformOptions['appConfig'];
  /** Path of shopify.app.toml, or false to ignore it. Default: the repo's shopify.app.toml when present. */
  shopifyAppToml?: string | false;
  /** Shopify's duplicate webhook deliveries (same X-Shopify-Event-Id, new webhook id): share of deliveries (0..1) and seed. Default none. */
  webhookDuplicates?: ShopifyPlatformOptions['webhookDuplicates'];
  /** Options handed to the Amazon platform's createAmazonPlatform (when sandbox/src/amazon exists). */
  amazon?: Record<string, unknown>;
  /** Print one line per request to stdout. */
  verbose?: boolean;
}

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:4010 (same as baseUrl). */
  url: string;
  baseUrl: string;
  port: number;
  timeScale: number;
  platforms: SandboxPlatform[];
  shopify: ShopifyPlatform;
  log: RequestLog;
  /** The Admin shell URL for a shop (default: the first demo shop) and the configured app. */
  adminShellUrl(shop?: string): string;
  reset(seed?: 'demo' | 'none'): void;
  close(): Promise<void>;
}

const FAULTS_APPLIED = Symbol('sandbox.faultsApplied');
const BUFFERED_BODY = Symbol('sandbox.bufferedBody');

/**
 * The request body read once for a fault's `bodyContains`, then served again to the platform's handler
 * (every handler reads bodies with `for await`).
 */
function bufferedBody(req: IncomingMessage): Promise<string> {
  const holder = req as unknown as Record<symbol, Promise<string> | undefined>;
  holder[BUFFERED_BODY] ??= readBody(req).then((buf) => {
    Object.defineProperty(req, Symbol.asyncIterator, {
      configurable: true,
      value: async function* () {
        if (buf.length) yield buf;
      },
    });
    return buf.toString('utf8');
  });
  return holder[BUFFERED_BODY];
}

/** Load H4's Amazon platform when sandbox/src/amazon/index.ts exports createAmazonPlatform. */
async function loadAmazonPlatform(options: Record<string, unknown>): Promise<SandboxPlatform | null> {
  const entry = new URL('../amazon/index.ts', import.meta.url);
  if (!fs.existsSync(fileURLToPath(entry))) return null;
  const mod = (await import(/* @vite-ignore */ entry.href)) as {
    createAmazonPlatform?: (options: Record<string, unknown>) => SandboxPlatform | Promise<SandboxPlatform>;
  };
  if (typeof mod.createAmazonPlatform !== 'function') return null;
  return mod.createAmazonPlatform(options);
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('timeScale must be > 0');
  const log = new RequestLog();
  const faults = new FaultTable();
  const startedAt = new Date().toISOString();
  let baseUrl = 'http://127.0.0.1';
  let writer: StateWriter | null = null;

  const shopify = createShopifyPlatform({ appConfig: options.appConfig, tomlPath: options.shopifyAppToml, webhookDuplicates: options.webhookDuplicates });
  const platforms: SandboxPlatform[] = [shopify];
  const amazon = await loadAmazonPlatform(options.amazon ?? {});
  if (amazon) platforms.push(amazon);

  const ctx: SandboxContext = {
    get baseUrl() {
      return baseUrl;
    },
    timeScale,
    log: (entry: SandboxLogEntry) => {
      log.add(entry);
    },
    applyFaults: async (platform, req, res) => {
      if ((req as unknown as Record<symbol, boolean>)[FAULTS_APPLIED]) return false;
      return runFaults(platforms.find((p) => p.name === platform), platform, req, res);
    },
    markDirty: () => writer?.markDirty(),
  };

  async function runFaults(
    platform: SandboxPlatform | undefined,
    name: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<boolean> {
    (req as unknown as Record<symbol, boolean>)[FAULTS_APPLIED] = true;
    const started = Date.now();
    const matched = await faults.take(name, req, hostOf(req), () => bufferedBody(req));
    if (!matched.length) return false;
    log.add({ platform: name, kind: 'event', method: req.method, host: hostOf(req), path: redactPath(req.url ?? '/'), detail: { faults: matched.map((f) => ({ id: f.id, kind: f.kind })) } });
    // A dropped answer never finishes the response: the request is logged here, with the status it had.
    const onAnswerDropped = (status: number) =>
      log.add({ platform: name, kind: 'request', method: req.method, host: hostOf(req), path: redactPath(req.url ?? '/'), status, detail: { ms: Date.now() - started, answerDropped: true } });
    const outcome = await applyFaultList(matched, req, res, (status) => platform?.errorBody?.(status) ?? { errors: http.STATUS_CODES[status] ?? 'Error' }, onAnswerDropped);
    if (outcome === 'handled') return true;
    if (outcome === 'throttle') {
      if (platform?.throttle) return platform.throttle(req, res, ctx);
      sendJson(res, 429, { errors: 'Too Many Requests' });
      return true;
    }
    return false;
  }

  function seedAll(seed: 'demo' | 'none') {
    if (seed === 'demo') for (const p of platforms) p.seedDemo(ctx);
  }

  function reset(seed: 'demo' | 'none' = 'demo') {
    for (const p of platforms) {
      if (p.reset) p.reset();
      else p.restore(null);
    }
    log.clear();
    faults.clear();
    seedAll(seed);
    ctx.markDirty();
  }

  // State: restore from the file when present, else seed.
  const persisted = options.stateFile ? loadState(options.stateFile) : null;
  if (persisted) {
    for (const p of platforms) if (p.name in persisted.platforms) p.restore(persisted.platforms[p.name]);
  } else {
    seedAll(options.seed ?? 'demo');
  }
  if (options.stateFile) {
    writer = new StateWriter(options.stateFile, () => Object.fromEntries(platforms.map((p) => [p.name, p.snapshot()])));
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const host = hostOf(req);
    const platform = platforms.find((p) => p.handles(host));
    if (platform) {
      if (await runFaults(platform, platform.name, req, res)) return;
      await platform.handle(req, res, ctx);
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/_sandbox' || path.startsWith('/_sandbox/')) {
      await handleControl(req, res, { platforms, log, faults, ctx, startedAt, reset });
      return;
    }
    for (const p of platforms) if (p.pages && (await p.pages(req, res, ctx))) return;
    if (path === '/') {
      sendHtml(res, 200, indexPage());
      return;
    }
    throw new HttpError(404, `nothing at ${path} on the sandbox's own host`);
  }

  function indexPage(): string {
    const shells = shopify.shellLinks();
    return `<!doctype html><meta charset="utf-8"><title>Calibrate sandbox</title>
<style>body{font:15px system-ui;margin:2rem;max-width:52rem}code{background:#f3f3f3;padding:0 .25rem}</style>
<h1>Calibrate sandbox</h1><p>Plays ${platforms.map((p) => escapeHtml(p.name)).join(' and ')} on this machine.</p>
<h2>Shopify Admin</h2><ul>${shells.map((s) => `<li><a href="${escapeHtml(s.url)}">${escapeHtml(s.label)}</a></li>`).join('')}</ul>
<h2>Control API</h2><ul><li><a href="/_sandbox/health">/_sandbox/health</a></li><li><a href="/_sandbox/seed">/_sandbox/seed</a></li><li><a href="/_sandbox/log?limit=100">/_sandbox/log</a></li><li><a href="/_sandbox/faults">/_sandbox/faults</a></li></ul>`;
  }

  const server = http.createServer((req, res) => {
    const started = Date.now();
    const host = hostOf(req);
    const platformName = platforms.find((p) => p.handles(host))?.name ?? 'sandbox';
    res.on('finish', () => {
      const entry: SandboxLogEntry = {
        platform: platformName,
        kind: 'request',
        method: req.method,
        host,
        path: redactPath(req.url ?? '/'),
        status: res.statusCode,
        detail: { ms: Date.now() - started },
      };
      // The log endpoint itself would flood the log it serves.
      if (!(entry.path ?? '').startsWith('/_sandbox/log')) log.add(entry);
      if (options.verbose) console.log(`[sandbox] ${req.method} ${host}${entry.path} -> ${res.statusCode}`);
    });
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        sendJson(res, err.status, err.body ?? { error: err.message });
        return;
      }
      console.error('[sandbox] unhandled error', err);
      sendJson(res, 500, { error: 'sandbox internal error', message: err instanceof Error ? err.message : String(err) });
    });
  });
  markPlatformServer(server);
  // Idle keep-alive sockets are kept a minute (Node's default is 5 s). Clients close a pooled socket a
  // moment before the timeout the server advertises; on a loaded machine their timers fire late and they
  // reuse a socket the server is closing: a POST then gets a reset, an answer lost that nobody caused.
  // Idle gaps of a minute are rare in a test; gaps of 5 s are not. close() cuts every socket anyway.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.listenHost ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  for (const p of platforms) p.start?.(ctx);
  writer?.markDirty();

  return {
    url: baseUrl,
    baseUrl,
    port,
    timeScale,
    platforms,
    shopify,
    log,
    adminShellUrl: (shop?: string) => shopify.adminShellUrl(baseUrl, shop),
    reset,
    async close() {
      for (const p of platforms) await p.close();
      writer?.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
