// Once per server process: finish webhook deliveries recorded before a restart, start the pricing loop,
// and register how the process hands its background work back when it shuts down (server/production.ts).
import { logger, errorMessage } from './lib/logger.server';
import { processPendingWebhooks, stopWebhookProcessing } from './webhooks/processor.server';
// The pricing loop's push worker and competitive monitor (PRICING_WORKER=off leaves them out).
import { stopPricing } from './pricing/startup.server';
import { handBackSyncRuns } from './services/sync-lease.server';

declare global {
  var calibrStartup: Promise<void> | undefined;
  /**
   * Stops the background work of this process: no new price-change claims or monitor turns, the current
   * ones finished (or their claims released when `deadline` passes, for another instance to take over),
   * and the webhook deliveries already received processed. Called by the production server on SIGTERM.
   */
  var calibrStopBackground: ((deadline: number) => Promise<{ handedBack: number }>) | undefined;
}

globalThis.calibrStartup ??= processPendingWebhooks()
  .then((n) => {
    if (n > 0) logger.info({ deliveries: n }, 'processed webhook deliveries left from before the restart');
  })
  .catch((error) => logger.error({ err: errorMessage(error) }, 'pending webhooks'));

globalThis.calibrStopBackground = async (deadline) => {
  // The webhook processor finishes the batch in hand; deliveries not yet claimed stay recorded for another
  // instance (or the next start), and a batch cut off by the deadline is claimed again when its lease ends.
  // Catalog syncs stop at their next page and give their lease back, so another instance may start one at once.
  const [pricing] = await Promise.all([
    stopPricing(deadline),
    Promise.race([stopWebhookProcessing(), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]),
    handBackSyncRuns(deadline),
  ]);
  return { handedBack: pricing.handedBack };
};
