// Test helpers: a sandbox on an ephemeral port with global fetch routed to it (as the app does in sandbox
// mode), Shopify's own library configured as the sandbox's app, and a tiny "app" HTTP server that receives
// webhooks and OAuth redirects.
import '@shopify/shopify-api/adapters/node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';
import { createAdminApiClient, type AdminApiClient } from '@shopify/admin-api-client';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../src/index';
import { installSandboxRouting } from '../src/routing/index';

export const TEST_APP = {
  apiKey: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  apiSecret: 'shpss_test_secret_for_the_sandbox_suite_01',
  scopes: ['read_products', 'write_products'],
};
export const SHOP = 'calibr-demo.myshopify.com';
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  req: http.IncomingMessage;
}

export interface TestApp {
  url: string;
  received: ReceivedRequest[];
  /** Decide the status for a webhook request (default 200). */
  respond: (r: ReceivedRequest) => number;
  /** Extra route handler; return true when handled. */
  route?: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => Promise<boolean> | boolean;
  waitFor(predicate: (r: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export async function startTestApp(): Promise<TestApp> {
  const received: ReceivedRequest[] = [];
  const waiters: Array<{ predicate: (r: ReceivedRequest) => boolean; resolve: (r: ReceivedRequest) => void }> = [];
  const app: TestApp = {
    url: '',
    received,
    respond: () => 200,
    waitFor(predicate, timeoutMs = 10_000) {
      const hit = received.find(predicate);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a request to the test app')), timeoutMs);
        waiters.push({ predicate, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      try {
        if (app.route && (await app.route(req, res, rawBody))) return;
      } catch (err) {
        res.writeHead(500).end(String(err));
        return;
      }
      const r: ReceivedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, rawBody, req };
      received.push(r);
      for (const w of [...waiters]) {
        if (w.predicate(r)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
      res.writeHead(app.respond(r)).end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return app;
}

export interface TestContext {
  sandbox: RunningSandbox;
  app: TestApp;
  shopify: Shopify;
  close(): Promise<void>;
}

/** Sandbox + test app + shopify-api; global fetch routes *.myshopify.com to the sandbox. */
export async function startTestContext(options: StartSandboxOptions = {}): Promise<TestContext> {
  const app = await startTestApp();
  const sandbox = await startSandbox({
    port: 0,
    timeScale: 200,
    shopifyAppToml: false,
    ...options,
    appConfig: {
      ...TEST_APP,
      applicationUrl: app.url,
      redirectUrls: [`${app.url}/auth/callback`],
      webhooksApiVersion: '2025-01',
      webhooks: [
        { topics: ['products/update'], uri: '/webhooks/products/update' },
        { topics: ['app/uninstalled'], uri: '/webhooks/app/uninstalled' },
        { topics: ['app/scopes_update'], uri: '/webhooks/app/scopes_update' },
        { topics: ['shop/update'], uri: '/webhooks/shop/update' },
        { complianceTopics: ['customers/data_request', 'customers/redact', 'shop/redact'], uri: '/webhooks/compliance' },
      ],
      ...(options.appConfig ?? {}),
    },
  });
  installSandboxRouting(sandbox.url);
  const shopify = shopifyApi({
    apiKey: TEST_APP.apiKey,
    apiSecretKey: TEST_APP.apiSecret,
    scopes: TEST_APP.scopes,
    hostName: new URL(app.url).host,
    hostScheme: 'http',
    apiVersion: ApiVersion.January25,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error },
  });
  return {
    sandbox,
    app,
    shopify,
    async close() {
      await sandbox.close();
      await app.close();
    },
  };
}

export async function control<T = Record<string, unknown>>(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** A shortcut install that hands back an offline token (control API). */
export async function installToken(sandbox: RunningSandbox, shop = SHOP, opts: Record<string, unknown> = {}): Promise<string> {
  const r = await control<{ token: { access_token: string } }>(sandbox, 'POST', `shopify/shops/${shop}/install`, opts);
  if (r.status !== 200) throw new Error(`install failed: ${JSON.stringify(r.body)}`);
  return r.body.token.access_token;
}

export function adminClient(accessToken: string, shop = SHOP, apiVersion = '2025-01'): AdminApiClient {
  return createAdminApiClient({ storeDomain: shop, apiVersion, accessToken });
}

/** POST a raw GraphQL request to the shop (through the routing), returning status and JSON. */
export async function rawGraphql(accessToken: string | null, body: unknown, shop = SHOP): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`https://${shop}/admin/api/2025-01/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accessToken ? { 'x-shopify-access-token': accessToken } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}
