// Test harness for the Amazon half: the sandbox process (startSandbox) on an ephemeral port, playing Amazon's hosts,
// the routing agent, and amazon-sp-api clients that reach it unmodified (through https_proxy_agent).
import http from 'node:http';
import https from 'node:https';
import { SellingPartner } from 'amazon-sp-api';
import { startSandbox, type RunningSandbox } from '../../src';
import type { AmazonPlatform, CreateAmazonPlatformOptions } from '../../src/amazon';
import { createAmazonSandboxAgent, type AmazonSandboxAgent } from '../../src/routing/amazon-agent';

export interface Identities {
  apps: { applicationId: string; clientId: string; clientSecret: string; redirectUris: string[]; draft: boolean }[];
  sellers: { sellerId: string; region: 'na' | 'eu' | 'fe'; marketplaceIds: string[]; lwa: { clientId: string; clientSecret: string; refreshToken: string } }[];
}

/** amazon-sp-api's untyped surface (its typings pin every operation's shape). */
export interface SpClient {
  callAPI(params: Record<string, unknown>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  exchange(code: string): Promise<{ access_token: string; refresh_token: string; expires_in: number; token_type: string }>;
  refreshAccessToken(): Promise<void>;
  upload(details: { url: string }, feed: { content: string; contentType: string }): Promise<unknown>;
  download(details: { url: string; compressionAlgorithm?: string }, options?: { json?: boolean; unzip?: boolean }): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly access_token: string;
}

export interface AmazonTestSandbox {
  url: string;
  platform: AmazonPlatform;
  agent: AmazonSandboxAgent;
  log: RunningSandbox['log'];
  sandbox: RunningSandbox;
  identities(): Identities;
  /** A client for a seeded seller (default: the NA demo seller). */
  client(options?: { sellerId?: string; refreshToken?: string; useSandbox?: boolean; sp?: Record<string, unknown>; clientId?: string; clientSecret?: string }): SpClient;
  /** Calls the control API (/_sandbox/amazon/<path>) over HTTP. */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** A request to a real Amazon URL (https://host/…), routed by the agent like any client's. */
  fetchVia(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>;
  /** A plain HTTP request with an Amazon Host header straight to the sandbox. */
  request(options: { method?: string; host: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>;
  close(): Promise<void>;
}

export async function startAmazonSandbox(
  options: CreateAmazonPlatformOptions & { timeScale?: number; seed?: boolean; stateFile?: string } = {},
): Promise<AmazonTestSandbox> {
  const { timeScale, seed, stateFile, ...amazon } = options;
  // Unless a test is about token expiry, access tokens last a real hour whatever the time scale.
  amazon.accessTokenTtlSeconds ??= 3600 * (timeScale ?? 1);
  const sandbox = await startSandbox({ timeScale: timeScale ?? 1, seed: seed === false ? 'none' : 'demo', amazon: { ...amazon }, shopifyAppToml: false, stateFile });
  const platform = sandbox.platforms.find((p) => p.name === 'amazon') as AmazonPlatform | undefined;
  if (!platform) throw new Error('the sandbox did not mount the Amazon platform');
  const baseUrl = sandbox.url;
  const log = sandbox.log;
  const agent = createAmazonSandboxAgent(baseUrl);

  const identities = () => platform.seedIdentities() as Identities;

  const request: AmazonTestSandbox['request'] = (o) =>
    new Promise((resolve, reject) => {
      const req = (http.request as typeof http.request)(
        { method: o.method ?? 'GET', host: '127.0.0.1', port: new URL(baseUrl).port, path: o.path, headers: { host: o.host, ...o.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      if (o.body !== undefined) req.write(o.body);
      req.end();
    });

  const fetchVia: AmazonTestSandbox['fetchVia'] = (url, init = {}) =>
    new Promise((resolve, reject) => {
      const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });

  return {
    url: baseUrl,
    platform,
    fetchVia,
    agent,
    log,
    sandbox,
    identities,
    client(o = {}) {
      const seller = identities().sellers.find((s) => s.sellerId === (o.sellerId ?? 'A2CALIBRDEMONA'));
      if (!seller) throw new Error(`no seeded seller ${o.sellerId}`);
      return new SellingPartner({
        region: seller.region,
        refresh_token: o.refreshToken ?? seller.lwa.refreshToken,
        // The package defaults to the oldest version of an operation; pin the ones the sandbox plays.
        endpoints_versions: { listingsItems: '2021-08-01', catalogItems: '2022-04-01', feeds: '2021-06-30' },
        credentials: {
          SELLING_PARTNER_APP_CLIENT_ID: o.clientId ?? seller.lwa.clientId,
          SELLING_PARTNER_APP_CLIENT_SECRET: o.clientSecret ?? seller.lwa.clientSecret,
        },
        options: {
          https_proxy_agent: agent,
          use_sandbox: o.useSandbox ?? false,
          auto_request_throttled: false,
          retry_remote_timeout: false,
          ...o.sp,
        },
      }) as unknown as SpClient;
    },
    async control(method, path, body) {
      const res = await fetch(`${baseUrl}/_sandbox/amazon/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    request,
    async close() {
      agent.destroy();
      await sandbox.close();
    },
  };
}

/** Raw call through amazon-sp-api: status, headers and parsed body, never throwing on an error status. */
export async function raw(client: SpClient, params: Record<string, unknown>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = (await client.callAPI({ ...params, options: { ...(params.options as object), raw_result: true } })) as {
    statusCode: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  };
  return { status: res.statusCode, headers: res.headers, body: res.body ? JSON.parse(res.body) : undefined };
}

export const US = 'ATVPDKIKX0DER';
export const CA = 'A2EUQ1WTGCTBG2';
export const MX = 'A1AM78C64UM0Y8';
export const UK = 'A1F83G8C2ARO7P';
export const DE = 'A1PA6795UKMFR9';
export const NA_SELLER = 'A2CALIBRDEMONA';
export const EU_SELLER = 'A2CALIBRDEMOEU';
