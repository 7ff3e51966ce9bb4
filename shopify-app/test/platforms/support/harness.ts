// One world per test file, all over real HTTP on loopback: the sandbox (Shopify + Amazon), the Amazon
// service started in this process on port 0 (H6's startAmazonService), and the Remix app served by Vite
// (H5's startShopifyApp) with the reference connector registered as a test platform. The app and the
// Amazon service each have a fresh test database of their own (two SQLite files, or two PostgreSQL
// schemas), as when the service is deployed on its own: the app reaches Amazon only through the contract.
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { sandboxRuntimeHooks } from '@calibr/sandbox/routing';
import { startAmazonService, type RunningAmazonService } from '@calibr/amazon-service';
import { startSandbox, type RunningSandbox } from '@calibr/sandbox';
import pino from 'pino';
import { startShopifyApp, type RunningApp } from '../../../server/start-app';
import { createAmazonTestDatabase, type AmazonTestDatabase } from '../../support/amazon-database';
import { BROWSER_UA, fetchWithSessionToken, readJson, sandboxControl } from '../../support/app-http';
import { waitFor as pollUntil } from '../../support/wait-for';

export { BROWSER_UA, readJson, sandboxControl };

export const API_KEY = 'c0ffee00c0ffee00c0ffee00c0ffee01';
export const API_SECRET = 'shpss_platforms_suite_secret_0123456789ab';
export const SHARED_SECRET = 'platforms-suite-shared-secret-0123456789abcdef';
export const SHOP = 'calibr-demo.myshopify.com';
export const OTHER_SHOP = 'calibr-demo-eu.myshopify.com';
export const DEMO_SELLER = 'A2CALIBRDEMONA';
export const US = 'ATVPDKIKX0DER';

interface AmazonSeed {
  apps: Array<{ applicationId: string; clientId: string; clientSecret: string; redirectUris: string[] }>;
  sellers: Array<{ sellerId: string; region: string; marketplaceIds: string[]; lwa: { clientId: string; clientSecret: string; refreshToken: string } }>;
}

export interface PlatformsWorld {
  sandbox: RunningSandbox;
  /** the app's database */
  database: TestDatabase;
  /** the Amazon service's own database (its tables only) */
  amazonDatabase: AmazonTestDatabase;
  app: RunningApp;
  amazonSeed: AmazonSeed;
  /** The running Amazon service (replaced by restartAmazon). */
  readonly amazon: RunningAmazonService;
  stopAmazon(): Promise<void>;
  /** Start the Amazon service again on the port the app knows. */
  restartAmazon(): Promise<void>;
  /** A fresh App Bridge session token for a shop (signed by the sandbox with the app's secret). */
  sessionToken(shop?: string): Promise<string>;
  /** fetch an app route with a shop's session token. */
  api(path: string, init?: RequestInit & { shop?: string; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}


export async function startPlatformsWorld(
  options: {
    testPlatforms?: string;
    healthTimeoutMs?: number;
    provider?: 'sqlite' | 'postgresql';
    /** Options of the sandbox's Amazon (e.g. lifetimes). */
    amazon?: Record<string, unknown>;
    /** The Amazon service's clock (a test moves it with the sandbox's Amazon clock). */
    amazonClock?: { now(): number };
    /**
     * Runs the sandbox's clocks this many times faster, and the Amazon service's usage plans with them (as
     * in a time-scaled demo): a test reading competitive prices again and again (getItemOffersBatch allows
     * one call per 10 s) doesn't wait out Amazon's real rate. Default 1.
     */
    timeScale?: number;
    /**
     * Amazon's notifications through the sandbox's SQS: the queue (and its dead-letter queue) made as an
     * operator would, and the Amazon service configured to subscribe sellers and consume it.
     */
    notifications?: boolean;
  } = {},
): Promise<PlatformsWorld> {
  const database = await createTestDatabase({ provider: options.provider ?? 'sqlite' });
  const amazonDatabase = await createAmazonTestDatabase(options.provider ?? 'sqlite');
  const sandbox = await startSandbox({
    port: 0,
    ...(options.timeScale ? { timeScale: options.timeScale } : {}),
    appConfig: { apiKey: API_KEY, apiSecret: API_SECRET },
    amazon: { feedQueueSeconds: 0.3, feedProcessingSeconds: 0.5, ...options.amazon },
  });
  const amazonSeed = (await sandboxControl<{ amazon: AmazonSeed }>(sandbox, 'seed')).amazon;
  const lwaApp = amazonSeed.apps[0]!;
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  if (options.notifications) await createNotificationQueue(sandbox);

  let port = 0;
  const startAmazon = async () => {
    const service = await startAmazonService({
      port,
      db: amazonDatabase.db,
      logger,
      env: {} as NodeJS.ProcessEnv,
      hooks: sandboxRuntimeHooks(sandbox.url),
      config: {
        sharedSecret: SHARED_SECRET,
        lwaClientId: lwaApp.clientId,
        lwaClientSecret: lwaApp.clientSecret,
        applicationId: lwaApp.applicationId,
        draftApp: true,
        logLevel: 'silent',
        ...(options.notifications ? { notificationsQueueArn: NOTIFICATIONS_QUEUE_ARN, sqsEndpoint: `${sandbox.url}/sqs` } : {}),
      },
      ...(options.notifications ? { notifications: { credentials: SANDBOX_AWS_CREDENTIALS, backoff: { baseMs: 50, maxMs: 500 } } } : {}),
      feedTiming: { firstPollMs: 150, maxPollMs: 600 },
      ...(options.timeScale ? { timeScale: options.timeScale } : {}),
      workerTickMs: 100,
      ...(options.amazonClock ? { clock: options.amazonClock } : {}),
    });
    port = service.port;
    await sandboxControl(sandbox, 'amazon/apps', {
      applicationId: lwaApp.applicationId,
      addRedirectUris: [`${service.url}/api/integrations/amazon/auth/callback`],
    });
    return service;
  };
  let amazon: RunningAmazonService | undefined = await startAmazon();

  const app = await startShopifyApp({
    env: {
      DATABASE_URL: database.url,
      SANDBOX_URL: sandbox.url,
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      AMAZON_SERVICE_URL: amazon.url,
      SERVICE_SHARED_SECRET: SHARED_SECRET,
      CALIBR_TEST_PLATFORMS: options.testPlatforms ?? 'reference',
      PLATFORM_HEALTH_TIMEOUT_MS: String(options.healthTimeoutMs ?? 5000),
    },
  });
  // The sandbox frames the app at its URL in the Admin shell and delivers webhooks there.
  await sandboxControl(sandbox, 'shopify/apps', { apiKey: API_KEY, apiSecret: API_SECRET, applicationUrl: app.url });
  // Installed on both demo shops, as opening the app in Admin would (Shopify-managed installation).
  for (const shop of [SHOP, OTHER_SHOP]) await sandboxControl(sandbox, `shopify/shops/${shop}/install`, { apiKey: API_KEY, token: false });

  const sessionToken = async (shop = SHOP) =>
    (await sandboxControl<{ token: string }>(sandbox, `shopify/shops/${shop}/session-token`, { apiKey: API_KEY })).token;

  const world: PlatformsWorld = {
    sandbox,
    database,
    amazonDatabase,
    app,
    amazonSeed,
    get amazon() {
      if (!amazon) throw new Error('the Amazon service is stopped');
      return amazon;
    },
    async stopAmazon() {
      await amazon?.close();
      amazon = undefined;
    },
    async restartAmazon() {
      if (!amazon) amazon = await startAmazon();
    },
    sessionToken,
    async api(path, init = {}) {
      const { shop, ...rest } = init;
      return fetchWithSessionToken(`${app.url}${path}`, await sessionToken(shop), rest);
    },
    async close() {
      await app.close().catch(() => undefined);
      await amazon?.close().catch(() => undefined);
      await sandbox.close().catch(() => undefined);
      await database.cleanup().catch(() => undefined);
      await amazonDatabase.cleanup().catch(() => undefined);
    },
  };
  return world;
}


/**
 * The demo seller's self-authorization as the Amazon card's connect form sends it
 * (POST /api/platforms/amazon/connect `{ credentials }`): the suites that connect Amazon all send this.
 */
export function demoSellerCredentials(w: PlatformsWorld) {
  const seller = w.amazonSeed.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
  return {
    platform: 'amazon',
    sellingPartnerId: seller.sellerId,
    region: 'na',
    marketplaceIds: [US],
    lwaClientId: seller.lwa.clientId,
    lwaClientSecret: seller.lwa.clientSecret,
    refreshToken: seller.lwa.refreshToken,
  };
}

/** Any credentials do for the sandbox's SQS: the signature must be there, it is not verified. */
const SANDBOX_AWS_CREDENTIALS = { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-aws-secret-not-checked' };
const NOTIFICATIONS_QUEUE = 'calibr-notifications';
export const NOTIFICATIONS_QUEUE_ARN = `arn:aws:sqs:us-east-1:000000000000:${NOTIFICATIONS_QUEUE}`;

/** One call of SQS's JSON protocol (what @aws-sdk/client-sqs sends) to the sandbox's queues. */
async function sqsCall<T>(sandbox: RunningSandbox, operation: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${sandbox.url}/sqs/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${operation}`,
      // The sandbox wants a signature's shape; it doesn't check it.
      authorization: `AWS4-HMAC-SHA256 Credential=${SANDBOX_AWS_CREDENTIALS.accessKeyId}/20261207/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`SQS ${operation}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The notifications queue and its dead-letter queue (RedrivePolicy, maxReceiveCount 3), as the operator creates them. */
async function createNotificationQueue(sandbox: RunningSandbox): Promise<void> {
  const dlq = await sqsCall<{ QueueUrl: string }>(sandbox, 'CreateQueue', { QueueName: `${NOTIFICATIONS_QUEUE}-dlq` });
  const { Attributes } = await sqsCall<{ Attributes: { QueueArn: string } }>(sandbox, 'GetQueueAttributes', { QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] });
  await sqsCall(sandbox, 'CreateQueue', { QueueName: NOTIFICATIONS_QUEUE, Attributes: { VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount: 3 }) } });
}

/** The shared waitFor, polling every 150 ms by default as this harness always has. */
export function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 150): Promise<T> {
  return pollUntil(what, probe, timeoutMs, everyMs);
}

/** Amazon connected with the demo seller, both catalogs synced in full and linked by SKU: where the pricing loop's tests start. */
export async function connectAndSync(w: PlatformsWorld): Promise<void> {
  const connected = await w.api('/api/platforms/amazon/connect', { json: { credentials: demoSellerCredentials(w) } });
  if (connected.status !== 200) throw new Error(`connecting Amazon: ${connected.status} ${await connected.text()}`);
  for (const platform of ['shopify', 'amazon']) {
    const { syncId } = await readJson<{ syncId: string }>(await w.api(`/api/platforms/${platform}/sync`, { json: { mode: 'full' } }));
    await waitFor(`${platform} sync`, async () => (await readJson<{ status: string }>(await w.api(`/api/platforms/${platform}/sync?id=${syncId}`))).status !== 'started', 120_000);
  }
  await w.api('/api/product-links?page=1'); // links by SKU
}

/**
 * The shop's products sold on both platforms: a link with a Shopify listing and an Amazon listing with an ASIN
 * in the US marketplace, in SKU order (suites pick theirs by order and count), each with those two listings.
 */
export async function linkedProducts(w: PlatformsWorld, options: { order: 'asc' | 'desc'; take?: number; exceptSkus?: string[] }) {
  const links = await w.database.db.productLink.findMany({
    where: {
      project: { shopDomain: SHOP },
      ...(options.exceptSkus ? { sku: { notIn: options.exceptSkus } } : {}),
      listings: { some: { platform: 'amazon', asin: { not: null }, marketplaceId: US } },
      AND: { listings: { some: { platform: 'shopify' } } },
    },
    include: { listings: true },
    orderBy: { sku: options.order },
    ...(options.take === undefined ? {} : { take: options.take }),
  });
  return links.map((link) => ({
    link,
    amazon: link.listings.find((l) => l.platform === 'amazon' && l.marketplaceId === US)!,
    shopify: link.listings.find((l) => l.platform === 'shopify')!,
  }));
}

/** The first of linkedProducts in that order; throws when the shop has none. */
export async function firstLinkedProduct(w: PlatformsWorld, order: 'asc' | 'desc') {
  const [first] = await linkedProducts(w, { order, take: 1 });
  if (!first) throw new Error(`${SHOP} has no product linked to Shopify and to Amazon US`);
  return first;
}

/**
 * Approves suggestions through the suggestions API (large changes confirmed) and waits for the first one's price
 * change to be applied on every platform; a refusal, or a change that fails or applies in part, throws.
 */
export async function approveAndApply<Change extends { status: string }>(w: PlatformsWorld, items: Array<{ id: string; amount?: string }>): Promise<Change> {
  const res = await w.api('/api/pricing/suggestions', { json: { action: 'approve', items, confirmLargeChange: true } });
  const body = await readJson<{ approved: Array<{ changeId: string }>; refused: unknown[] }>(res);
  if (res.status !== 200 || body.refused.length > 0) throw new Error(`approving: ${res.status} ${JSON.stringify(body)}`);
  const changeId = body.approved[0]!.changeId;
  return waitFor('the change applied', async () => {
    const { changes } = await readJson<{ changes: Change[] }>(await w.api(`/api/pricing/changes?ids=${changeId}`));
    const c = changes[0]!;
    return c.status === 'applied' ? c : c.status === 'failed' || c.status === 'partially_applied' ? Promise.reject(new Error(JSON.stringify(c))) : undefined;
  }, 60_000);
}
