// Processing recorded webhook deliveries: the topics other than products/update (which the processor
// batches, see ./processor.server.ts and ./products-update.server.ts), and the entry points the server
// uses at start and shutdown.
import { eraseShop, recordUninstall, updateScopes } from './lifecycle.server';
import { webhookProcessor, type ClaimedDelivery } from './processor.server';
import type { ShopifyChecks } from './shopify-checks.server';
import { topicName } from './topics';

/** One delivery of a lifecycle or compliance topic. Returns true when its own record was erased with the shop. */
export async function processOtherTopic(delivery: ClaimedDelivery, checks: ShopifyChecks): Promise<boolean> {
  switch (topicName(delivery.topic)) {
    case 'app/uninstalled':
      await recordUninstall(delivery, checks);
      return false;
    case 'app/scopes_update':
      await updateScopes(delivery.shop, delivery.payload as never);
      return false;
    case 'shop/redact':
      return eraseShop(delivery);
    case 'customers/data_request':
    case 'customers/redact':
      // Calibrate stores no customer data: nothing to report or erase. Answering 200 is the reply.
      return false;
    default:
      return false;
  }
}

/** On start: deliveries recorded but not processed (the app stopped in between) are processed now. */
export async function processPendingWebhooks(): Promise<number> {
  const processor = webhookProcessor();
  await processor.queueOrphans();
  const before = processor.totals.processed + processor.totals.failed;
  await processor.drain();
  return processor.totals.processed + processor.totals.failed - before;
}

/** Resolves when this process has nothing in hand (tests, shutdown). */
export function webhooksIdle(): Promise<void> {
  return webhookProcessor().idle();
}

/** Graceful shutdown: finish the batch in hand; what is left stays recorded for the next start. */
export function stopWebhookProcessing(): Promise<void> {
  return globalThis.calibrWebhookProcessor?.stop() ?? Promise.resolve();
}
