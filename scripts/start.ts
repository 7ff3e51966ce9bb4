// `npm start`: runs the whole loop on the embedded default (SQLite + the sandbox) and prints where to go.
// Each part registers itself here as it lands.
import { randomBytes } from 'node:crypto';
import { startAmazonService } from '@calibr/amazon-service';
import { startSandbox } from '@calibr/sandbox';

// The sandbox (Shopify + Amazon on loopback) with the demo seed; its state survives a restart.
const sandbox = await startSandbox({
  port: Number(process.env.SANDBOX_PORT ?? 4010),
  timeScale: Number(process.env.SANDBOX_TIME_SCALE ?? 1),
  stateFile: process.env.SANDBOX_STATE_FILE ?? '.sandbox-state/state.json',
  appConfig: {
    apiKey: process.env.SHOPIFY_API_KEY || undefined,
    apiSecret: process.env.SHOPIFY_API_SECRET || undefined,
    applicationUrl: process.env.SHOPIFY_APP_URL || undefined,
  },
});
process.env.SANDBOX_URL ??= sandbox.url;
console.log(`Sandbox: ${sandbox.url} (identities: ${sandbox.url}/_sandbox/seed)`);
console.log(`Shopify Admin: ${sandbox.adminShellUrl()}`);

// The Amazon service (LWA, SP-API, price feeds, its settings page), talking to the sandbox's Amazon with
// the demo SP-API app unless AMAZON_LWA_CLIENT_ID/SECRET and AMAZON_SP_APP_ID say otherwise.
process.env.SERVICE_SHARED_SECRET ??= randomBytes(32).toString('hex'); // one per run; the app signs with the same
process.env.AMAZON_SERVICE_URL ??= `http://localhost:${process.env.AMAZON_SERVICE_PORT ?? 4020}`;
const amazonSeed = ((await (await fetch(`${sandbox.url}/_sandbox/seed`)).json()) as { amazon?: { apps?: { applicationId: string; clientId: string; clientSecret: string; draft: boolean }[] } }).amazon?.apps?.[0];
const amazon = await startAmazonService({
  config: {
    lwaClientId: process.env.AMAZON_LWA_CLIENT_ID ?? amazonSeed?.clientId,
    lwaClientSecret: process.env.AMAZON_LWA_CLIENT_SECRET ?? amazonSeed?.clientSecret,
    applicationId: process.env.AMAZON_SP_APP_ID ?? amazonSeed?.applicationId,
    draftApp: process.env.AMAZON_SP_APP_DRAFT ? process.env.AMAZON_SP_APP_DRAFT === 'true' : (amazonSeed?.draft ?? false),
  },
});
console.log(`Amazon service: ${process.env.AMAZON_SERVICE_URL} (health: ${process.env.AMAZON_SERVICE_URL}/health; its settings page opens from the Shopify app)`);

const stop = async () => {
  await amazon.close();
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
