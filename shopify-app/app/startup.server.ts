// Once per server process: finish webhook deliveries recorded before a restart.
import { processPendingWebhooks } from './webhooks/process.server';
// The pricing loop's push worker and competitive monitor (PRICING_WORKER=off leaves them out).
import './pricing/startup.server';

declare global {
  var calibrStartup: Promise<void> | undefined;
}

globalThis.calibrStartup ??= processPendingWebhooks()
  .then((n) => {
    if (n > 0) console.log(`[shopify-app] processed ${n} webhook deliveries left from before the restart`);
  })
  .catch((error) => console.error('[shopify-app] pending webhooks:', error instanceof Error ? error.message : error));
