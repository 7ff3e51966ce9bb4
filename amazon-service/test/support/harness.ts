// One sandbox + one Amazon service per test file, over real HTTP on loopback. The sandbox plays Amazon
// (LWA, Seller Central consent, SP-API, feed documents); the service talks to it through
// the sandbox's runtime hooks (@calibr/sandbox/routing) exactly as in sandbox mode.
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '@calibr/sandbox';
import { sandboxRuntimeHooks } from '@calibr/sandbox/routing';
import { RemoteConnector, signRequest } from '@calibr/shared-contracts';
import pino from 'pino';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startAmazonService, type RunningAmazonService, type StartOptions } from '../../src/server';
import { createAmazonTestDatabase, type AmazonTestDatabase } from './amazon-database';

export const SHARED_SECRET = 'test-shared-secret-0123456789abcdef-0123456789';
export const DEMO_SELLER = 'A2CALIBRDEMONA';
export const US = 'ATVPDKIKX0DER';
export const CA = 'A2EUQ1WTGCTBG2';
export const MX = 'A1AM78C64UM0Y8';

export interface SeedApp {
  applicationId: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}
export interface SeedSeller {
  sellerId: string;
  region: string;
  marketplaceIds: string[];
  lwa: { clientId: string; clientSecret: string; refreshToken: string };
}

export interface Harness {
  sandbox: RunningSandbox;
  database: AmazonTestDatabase;
  service: RunningAmazonService;
  app: SeedApp;
  sellers: SeedSeller[];
  /** Restart the service on the same database (a new process, as far as the service knows). */
  restart(overrides?: Partial<StartOptions>): Promise<RunningAmazonService>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  sandbox?: StartSandboxOptions;
  amazon?: Record<string, unknown>;
  service?: Partial<StartOptions>;
  /** The test database (SQLite unless asked; PostgreSQL needs TEST_DATABASE_URL). */
  provider?: 'sqlite' | 'postgresql';
  /**
   * Amazon notifications through the sandbox's SQS: the queue and its dead-letter queue made as an operator
   * would (RedrivePolicy, maxReceiveCount 3; visibility timeout in sandbox seconds), and the service
   * configured to subscribe sellers and consume it.
   */
  notifications?: { visibilityTimeoutSeconds?: number };
}

/** Any credentials do for the sandbox's SQS: the signature must be there, it is not verified. */
export const SANDBOX_AWS_CREDENTIALS = { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-aws-secret-not-checked' };
export const NOTIFICATIONS_QUEUE = 'calibr-notifications';
export const NOTIFICATIONS_QUEUE_ARN = `arn:aws:sqs:us-east-1:000000000000:${NOTIFICATIONS_QUEUE}`;

/** A @aws-sdk/client-sqs client on the sandbox's queue endpoint. */
export function sandboxSqs(sandbox: RunningSandbox): SQSClient {
  return new SQSClient({ region: 'us-east-1', endpoint: `${sandbox.url}/sqs`, credentials: SANDBOX_AWS_CREDENTIALS });
}

/** The notifications queue and its dead-letter queue, as the operator creates them; their URLs. */
export async function createNotificationQueues(sandbox: RunningSandbox, visibilityTimeoutSeconds = 30): Promise<{ queueUrl: string; dlqUrl: string }> {
  const sqs = sandboxSqs(sandbox);
  try {
    const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${NOTIFICATIONS_QUEUE}-dlq` }))).QueueUrl!;
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const queueUrl = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: NOTIFICATIONS_QUEUE,
          Attributes: { VisibilityTimeout: String(visibilityTimeoutSeconds), RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
        }),
      )
    ).QueueUrl!;
    return { queueUrl, dlqUrl };
  } finally {
    sqs.destroy();
  }
}

export async function json<T = unknown>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON, got ${res.status}: ${text.slice(0, 300)}`);
  }
}

export async function control<T = unknown>(sandbox: RunningSandbox, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
  const res = await fetch(`${sandbox.url}/_sandbox/amazon/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`sandbox control ${path}: ${res.status} ${await res.text()}`);
  return json<T>(res);
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0, timeScale: 1, ...options.sandbox, amazon: { feedQueueSeconds: 0.3, feedProcessingSeconds: 0.5, ...options.amazon } });
  const seed = await json<{ amazon: { apps: SeedApp[]; sellers: SeedSeller[] } }>(await fetch(`${sandbox.url}/_sandbox/seed`));
  const app = seed.amazon.apps[0]!;
  const database = await createAmazonTestDatabase(options.provider ?? 'sqlite');
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  if (options.notifications) await createNotificationQueues(sandbox, options.notifications.visibilityTimeoutSeconds);
  const notifications: Partial<StartOptions> = options.notifications
    ? { notifications: { credentials: SANDBOX_AWS_CREDENTIALS, backoff: { baseMs: 50, maxMs: 500 } } }
    : {};
  const start = async (overrides: Partial<StartOptions> = {}) => {
    const service = await startAmazonService({
      port: 0,
      db: database.db,
      logger,
      env: {},
      hooks: sandboxRuntimeHooks(sandbox.url),
      config: {
        sharedSecret: SHARED_SECRET,
        lwaClientId: app.clientId,
        lwaClientSecret: app.clientSecret,
        applicationId: app.applicationId,
        draftApp: true,
        logLevel: 'silent',
        ...(options.notifications ? { notificationsQueueArn: NOTIFICATIONS_QUEUE_ARN, sqsEndpoint: `${sandbox.url}/sqs` } : {}),
      },
      feedTiming: { firstPollMs: 150, maxPollMs: 600 },
      workerTickMs: 100,
      ...notifications,
      ...options.service,
      ...overrides,
    });
    await control(sandbox, 'apps', { applicationId: app.applicationId, addRedirectUris: [`${service.url}/api/integrations/amazon/auth/callback`] });
    return service;
  };
  let service = await start();
  const harness: Harness = {
    sandbox,
    database,
    get service() {
      return service;
    },
    app,
    sellers: seed.amazon.sellers,
    restart: async (overrides) => {
      await service.close();
      service = await start(overrides);
      return service;
    },
    close: async () => {
      await service.close();
      await sandbox.close();
      await database.cleanup();
    },
  };
  return harness;
}

/** fetch signed as the Shopify app (service-to-service) for one shop. */
export async function signedFetch(baseUrl: string, shop: string, method: string, path: string, body?: unknown): Promise<Response> {
  const raw = body === undefined ? '' : JSON.stringify(body);
  const headers = signRequest({ method, path, tenantId: shop, body: raw, secret: SHARED_SECRET });
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(raw ? { 'content-type': 'application/json' } : {}) },
    ...(raw ? { body: raw } : {}),
  });
}

/** A merchant's browser on the settings page: opens a fresh signed link; its session cookie and CSRF token. */
export async function openSettingsSession(baseUrl: string, shop: string): Promise<{ cookie: string; csrf: string }> {
  const { signSettingsLink } = await import('../../src/settings-page/settings-link');
  const opened = await fetch(signSettingsLink({ serviceUrl: baseUrl, shop, secret: SHARED_SECRET }), { redirect: 'manual' });
  if (opened.status !== 303) throw new Error(`settings link refused: ${opened.status} ${await opened.text()}`);
  const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
  const html = await (await fetch(`${baseUrl}/settings/amazon`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error('the settings page carries no CSRF token');
  return { cookie, csrf };
}

/** Starts Seller Central consent from a settings session (the browser Amazon's redirect must come back to). */
export async function startConsentIn(baseUrl: string, session: { cookie: string; csrf: string }, marketplaceIds = [US]): Promise<string> {
  const res = await fetch(`${baseUrl}/api/integrations/amazon/auth/start`, {
    method: 'POST',
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ region: 'na', marketplaceIds }),
  });
  if (res.status !== 200) throw new Error(`consent start refused: ${res.status} ${await res.text()}`);
  return (await json<{ url: string }>(res)).url;
}

/** Plays the seller's browser on Seller Central (the sandbox's): opens the consent URL and approves; Amazon's redirect back. */
export async function approveConsent(url: string): Promise<URL> {
  const page = await fetch(url);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${html.slice(0, 400)}`);
  const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html)?.[1] ?? /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html)?.[1];
  if (!action) throw new Error('the consent page has no form');
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
    if (name) fields.set(name, value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  }
  // The seller picks their account (the demo NA seller is the region's first) and confirms.
  const select = /<select name="([^"]+)"[^>]*>\s*<option value="([^"]+)"/i.exec(html);
  if (select) fields.set(select[1]!, select[2]!);
  const approved = await fetch(new URL(action.replace(/&amp;/g, '&'), url), { method: 'POST', body: fields, redirect: 'manual' });
  if (approved.status !== 302) throw new Error(`consent approval: ${approved.status} ${await approved.text()}`);
  return new URL(approved.headers.get('location')!, url);
}

/** Connects the demo seller to a shop by self-authorization with the seed's refresh token. */
export async function connectDemoSeller(h: Harness, shop: string, marketplaceIds = [US]): Promise<void> {
  const seller = h.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
  const res = await signedFetch(h.service.url, shop, 'POST', '/api/integrations/amazon/auth/self', {
    sellingPartnerId: seller.sellerId,
    region: 'na',
    marketplaceIds,
    lwaClientId: seller.lwa.clientId,
    lwaClientSecret: seller.lwa.clientSecret,
    refreshToken: seller.lwa.refreshToken,
  });
  if (res.status !== 201) throw new Error(`self-authorization failed: ${res.status} ${await res.text()}`);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface SandboxLogEntry {
  id: number;
  platform: string;
  kind: string;
  method?: string;
  host?: string;
  path?: string;
  status?: number;
  detail?: unknown;
}

/** The sandbox's request log (over its control API), optionally after an entry id. */
export async function sandboxLog(sandbox: RunningSandbox, query: Record<string, string | number> = {}): Promise<{ lastId: number; entries: SandboxLogEntry[] }> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return json(await fetch(`${sandbox.url}/_sandbox/log?${params}`));
}

/** LWA token requests the sandbox saw after log entry `since`. */
export async function lwaCalls(sandbox: RunningSandbox, since: number): Promise<SandboxLogEntry[]> {
  const { entries } = await sandboxLog(sandbox, { since, kind: 'request', path: '/auth/o2/token' });
  return entries.filter((e) => e.host === 'api.amazon.com');
}

/** The shop's Amazon connector as the app reaches it: a RemoteConnector over the signed /connector routes. */
export function remoteConnector(h: Harness, shop: string): Promise<RemoteConnector> {
  return RemoteConnector.connect({ baseUrl: h.service.url, tenantId: shop, secret: SHARED_SECRET });
}
