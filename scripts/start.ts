// `npm start`: runs the whole loop on the embedded default (SQLite + the sandbox) and prints where to go.
// Each part registers itself here as it lands.
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

const stop = async () => {
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
