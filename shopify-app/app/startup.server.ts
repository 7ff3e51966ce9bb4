// The app's background work, started and stopped by the server entry points (server/production.ts through
// the build's entry.server.tsx, server/start-app.ts through Vite), never on import: the webhook processor
// (deliveries recorded before a restart are processed at once), the pricing loop (PRICING_WORKER=off
// leaves it out), and how the process hands its work back when it shuts down.
import { appContext } from './app-context.server';
import { logger, errorMessage } from './lib/logger.server';
import { processPendingWebhooks, stopWebhookProcessing } from './platforms/shopify/webhooks/processor.server';
import { startPricing, stopPricing } from './pricing/startup.server';
import { handBackSyncRuns } from './platforms/sync-lease.server';

/** Starts this process's background work (once; later calls answer with the first start). */
export function startBackground(): Promise<void> {
  const context = appContext();
  if (context.started) return context.started;
  startPricing();
  context.started = processPendingWebhooks()
    .then((n) => {
      if (n > 0) logger.info({ deliveries: n }, 'processed webhook deliveries left from before the restart');
    })
    .catch((error) => logger.error({ err: errorMessage(error) }, 'pending webhooks'));
  return context.started;
}

/**
 * Stops the background work of this process: no new price-change claims or monitor turns, the current
 * ones finished (or their claims released when `deadline` passes, for another instance to take over),
 * and the webhook deliveries already received processed. Called by the server entry on shutdown.
 */
export async function stopBackground(deadline = Date.now() + 25_000): Promise<{ handedBack: number }> {
  appContext().started = undefined;
  // The webhook processor finishes the batch in hand; deliveries not yet claimed stay recorded for another
  // instance (or the next start), and a batch cut off by the deadline is claimed again when its lease ends.
  // Catalog syncs stop at their next page and give their lease back, so another instance may start one at once.
  let timer: NodeJS.Timeout | undefined;
  const [pricing] = await Promise.all([
    stopPricing(deadline),
    Promise.race([stopWebhookProcessing(), new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]),
    handBackSyncRuns(deadline),
  ]);
  clearTimeout(timer);
  return { handedBack: pricing.handedBack };
}
