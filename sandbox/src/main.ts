// `npm run sandbox`: the sandbox alone on SANDBOX_PORT (default 4010), with the demo seed, so other tools
// and a browser can use it. Env: SANDBOX_PORT, SANDBOX_STATE_FILE, SANDBOX_TIME_SCALE, SANDBOX_SEED,
// SANDBOX_HOST, SHOPIFY_API_KEY / SHOPIFY_API_SECRET / SHOPIFY_APP_URL (the app it hosts),
// SANDBOX_WEBHOOK_DUPLICATES (share of Shopify deliveries sent twice under a new webhook id; default 0.02).
// SANDBOX_AMAZON_TOKEN_TTL_SECONDS and SANDBOX_AMAZON_PRESIGNED_URL_TTL_SECONDS (LWA access-token and
// pre-signed URL lives in sandbox seconds, for benches at a high time scale). SANDBOX_AMAZON_LIVE_DELAY_SECONDS
// (how long an accepted Amazon price takes to show on the listing; default 10, 0: at once).
import { startSandbox } from './index';

const port = Number(process.env.SANDBOX_PORT ?? 4010);
const timeScale = Number(process.env.SANDBOX_TIME_SCALE ?? 1);
const tokenTtl = Number(process.env.SANDBOX_AMAZON_TOKEN_TTL_SECONDS ?? 0);
const presignedTtl = Number(process.env.SANDBOX_AMAZON_PRESIGNED_URL_TTL_SECONDS ?? 0);
const sandbox = await startSandbox({
  port,
  listenHost: process.env.SANDBOX_HOST ?? '127.0.0.1',
  timeScale,
  seed: process.env.SANDBOX_SEED === 'none' ? 'none' : 'demo',
  stateFile: process.env.SANDBOX_STATE_FILE || undefined,
  verbose: process.env.SANDBOX_VERBOSE === '1',
  webhookDuplicates: { rate: Number(process.env.SANDBOX_WEBHOOK_DUPLICATES ?? 0.02), seed: 1 },
  amazon: {
    acceptedDelaySeconds: Number(process.env.SANDBOX_AMAZON_LIVE_DELAY_SECONDS ?? 10),
    ...(tokenTtl > 0 ? { accessTokenTtlSeconds: tokenTtl } : {}),
    ...(presignedTtl > 0 ? { presignedUrlTtlSeconds: presignedTtl } : {}),
  },
  appConfig: {
    apiKey: process.env.SHOPIFY_API_KEY || undefined,
    apiSecret: process.env.SHOPIFY_API_SECRET || undefined,
    applicationUrl: process.env.SHOPIFY_APP_URL || undefined,
  },
});

const seed = (await (await fetch(`${sandbox.url}/_sandbox/seed`)).json()) as Record<string, unknown>;
console.log(`Calibrate sandbox listening on ${sandbox.url} (time scale ${timeScale})`);
console.log(`Shopify Admin shell: ${sandbox.adminShellUrl()}`);
console.log(`Seed (sandbox-only credentials):\n${JSON.stringify(seed, null, 2)}`);

const stop = async () => {
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
