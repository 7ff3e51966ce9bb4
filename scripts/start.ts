// `npm start`: runs the whole loop on the embedded default (SQLite + the sandbox) and prints where to go.
// Each part registers itself here as it lands.
import { randomBytes } from 'node:crypto';
import { startAmazonService } from '@calibr/amazon-service';
import { migrateDatabase, redactUrl, resolveDatabaseUrl } from '@calibr/db';
import { startSandbox } from '@calibr/sandbox';
import { installSandbox } from '@calibr/sandbox/routing';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

/** Any credentials do for the sandbox's SQS (a signature must be there; it is not verified). */
const SANDBOX_AWS_CREDENTIALS = { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-aws-secret-not-checked' };
import { startShopifyApp, warmUp } from '../shopify-app/server/start-app';

// The app's database first (DATABASE_URL: a SQLite file or PostgreSQL, else .data/calibrate.db): a new or deleted
// one gets its tables here, before the app's session storage looks for them. The Amazon service migrates its own
// (AMAZON_DATABASE_URL, else the same database: its tables are named apart) when it starts below.
const databaseUrl = resolveDatabaseUrl();
const migrated = await migrateDatabase(databaseUrl);
console.log(`Database: ${redactUrl(databaseUrl)} (${migrated.provider}, ${migrated.applied.length > 0 ? `applied ${migrated.applied.join(', ')}` : 'up to date'})`);

// The sandbox (Shopify + Amazon on loopback) with the demo seed; its state survives a restart.
const sandbox = await startSandbox({
  port: Number(process.env.SANDBOX_PORT ?? 4010),
  timeScale: Number(process.env.SANDBOX_TIME_SCALE ?? 1),
  stateFile: process.env.SANDBOX_STATE_FILE ?? '.sandbox-state/state.json',
  // As Shopify does now and then: a few deliveries sent twice (same event id, new webhook id).
  webhookDuplicates: { rate: Number(process.env.SANDBOX_WEBHOOK_DUPLICATES ?? 0.02), seed: 1 },
  // As Amazon does: an accepted price shows on the listing a little later ("accepted, waiting to go live").
  amazon: { acceptedDelaySeconds: Number(process.env.SANDBOX_AMAZON_LIVE_DELAY_SECONDS ?? 10) },
  appConfig: {
    apiKey: process.env.SHOPIFY_API_KEY || undefined,
    apiSecret: process.env.SHOPIFY_API_SECRET || undefined,
    applicationUrl: process.env.SHOPIFY_APP_URL || undefined,
  },
});
process.env.SANDBOX_URL ??= sandbox.url;
// Sandbox mode for this process: the app's fetch, the Amazon service's agent and both CSPs route to the sandbox
// through the product's runtime hooks (production installs none).
installSandbox(process.env.SANDBOX_URL);
console.log(`Sandbox: ${sandbox.url} (identities: ${sandbox.url}/_sandbox/seed)`);

// The Amazon service (LWA, SP-API, price feeds, its settings page), talking to the sandbox's Amazon with
// the demo SP-API app unless AMAZON_LWA_CLIENT_ID/SECRET and AMAZON_SP_APP_ID say otherwise.
process.env.SERVICE_SHARED_SECRET ??= randomBytes(32).toString('hex'); // one per run; the app signs with the same
process.env.AMAZON_SERVICE_URL ??= `http://localhost:${process.env.AMAZON_SERVICE_PORT ?? 4020}`;
const amazonSeed = ((await (await fetch(`${sandbox.url}/_sandbox/seed`)).json()) as { amazon?: { apps?: { applicationId: string; clientId: string; clientSecret: string; draft: boolean }[] } }).amazon?.apps?.[0];
// Amazon's notifications (ANY_OFFER_CHANGED, FEED_PROCESSING_FINISHED, PRICING_HEALTH) through the sandbox's SQS
// queue and its dead-letter queue, made here as an operator would (the sandbox doesn't check the signature, so
// any AWS credentials do), unless AMAZON_NOTIFICATIONS_QUEUE_ARN names another queue.
if (!process.env.AMAZON_NOTIFICATIONS_QUEUE_ARN) {
  process.env.AMAZON_SQS_ENDPOINT ??= `${sandbox.url}/sqs`;
  process.env.AMAZON_NOTIFICATIONS_QUEUE_ARN = await sandboxNotificationQueue(process.env.AMAZON_SQS_ENDPOINT);
}
const amazon = await startAmazonService({
  notifications: { credentials: SANDBOX_AWS_CREDENTIALS },
  config: {
    lwaClientId: process.env.AMAZON_LWA_CLIENT_ID ?? amazonSeed?.clientId,
    lwaClientSecret: process.env.AMAZON_LWA_CLIENT_SECRET ?? amazonSeed?.clientSecret,
    applicationId: process.env.AMAZON_SP_APP_ID ?? amazonSeed?.applicationId,
    draftApp: process.env.AMAZON_SP_APP_DRAFT ? process.env.AMAZON_SP_APP_DRAFT === 'true' : (amazonSeed?.draft ?? false),
  },
});
console.log(`Amazon service: ${process.env.AMAZON_SERVICE_URL} (health: ${process.env.AMAZON_SERVICE_URL}/healthz, /readyz; its settings page opens from the Shopify app)`);

// The Shopify app (Remix, served by Vite) as the sandbox's Shopify knows it: the app the sandbox hosts
// (shopify.app.toml's client_id and the sandbox's secret for it, unless SHOPIFY_API_KEY/SECRET say
// otherwise), framed by the Admin shell and receiving its webhooks at this URL.
const shopifyApp = (
  (await (await fetch(`${sandbox.url}/_sandbox/seed`)).json()) as { shopify?: { apps?: { apiKey: string; apiSecret: string }[] } }
).shopify?.apps?.[0];
process.env.SHOPIFY_API_KEY ||= shopifyApp?.apiKey;
process.env.SHOPIFY_API_SECRET ||= shopifyApp?.apiSecret;
const sigtermListeners = process.listeners('SIGTERM');
const app = await startShopifyApp({ port: Number(process.env.SHOPIFY_APP_PORT ?? 3000) });
// Vite's dev server exits on SIGTERM as soon as it alone is closed (code 143), cutting the service and the sandbox
// short; `stop` below closes every part, then exits 0.
for (const listener of process.listeners('SIGTERM')) if (!sigtermListeners.includes(listener)) process.off('SIGTERM', listener);
await fetch(`${sandbox.url}/_sandbox/shopify/apps`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    applicationUrl: app.url,
    redirectUrls: [`${app.url}/auth/callback`, `${app.url}/api/integrations/shopify/oauth/callback`],
  }),
});
console.log(`Shopify app: ${app.url} (compiling its pages…)`);
await warmUp(app).catch(() => undefined);
console.log(`\nOpen Shopify Admin (sandbox) with Calibrate inside: ${sandbox.adminShellUrl()}`);

const stop = async () => {
  await app.close();
  await amazon.close();
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** The sandbox's notifications queue (dead letters after 5 receives); its ARN. */
async function sandboxNotificationQueue(endpoint: string): Promise<string> {
  const sqs = new SQSClient({ region: 'us-east-1', endpoint, credentials: SANDBOX_AWS_CREDENTIALS });
  try {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'calibr-notifications-dlq' }))).QueueUrl!;
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const queue = (
      await sqs.send(
        new CreateQueueCommand({ QueueName: 'calibr-notifications', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) } }),
      )
    ).QueueUrl!;
    return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  } finally {
    sqs.destroy();
  }
}
