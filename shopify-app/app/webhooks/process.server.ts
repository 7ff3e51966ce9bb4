// Processing recorded webhook deliveries, after the response. Each delivery is claimed once
// (received → processing), handled by topic, and marked processed or failed (retried later).
import { db } from '../db.server';
import { eraseShop, recordUninstall, updateScopes } from './lifecycle.server';
import { applyProductUpdate } from './products-update.server';
import { topicName } from './topics';

const MAX_ATTEMPTS = 5;
const inFlight = new Set<Promise<unknown>>();

/** Process a recorded delivery on the next turn of the event loop (the response goes out first). */
export function processWebhookSoon(deliveryId: string): void {
  const run = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => processWebhook(deliveryId))
    .catch((error) => console.error('webhook processing failed', deliveryId, error instanceof Error ? error.message : error));
  inFlight.add(run);
  void run.finally(() => inFlight.delete(run));
}

/** Resolves when every delivery handed to processWebhookSoon so far is done (tests, shutdown). */
export async function webhooksIdle(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

export async function processWebhook(deliveryId: string): Promise<'processed' | 'failed' | 'skipped'> {
  const claimed = await db.processedWebhook.updateMany({
    where: { id: deliveryId, status: { in: ['received', 'failed'] }, attempts: { lt: MAX_ATTEMPTS } },
    data: { status: 'processing', attempts: { increment: 1 } },
  });
  if (claimed.count === 0) return 'skipped';
  const delivery = await db.processedWebhook.findUnique({ where: { id: deliveryId } });
  if (!delivery) return 'skipped';
  const topic = topicName(delivery.topic);
  try {
    let erased = false;
    switch (topic) {
      case 'products/update':
        await applyProductUpdate(delivery.shop, delivery.payload as never);
        break;
      case 'app/uninstalled':
        await recordUninstall(delivery.shop);
        break;
      case 'app/scopes_update':
        await updateScopes(delivery.shop, delivery.payload as never);
        break;
      case 'shop/redact':
        await eraseShop(delivery.shop);
        erased = true;
        break;
      case 'customers/data_request':
      case 'customers/redact':
        // Calibrate stores no customer data: nothing to report or erase. Answering 200 is the reply.
        break;
      default:
        break;
    }
    if (!erased) {
      await db.processedWebhook.update({
        where: { id: deliveryId },
        data: { status: 'processed', processedAt: new Date(), lastError: null },
      });
    }
    return 'processed';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.processedWebhook.updateMany({ where: { id: deliveryId }, data: { status: 'failed', lastError: message } });
    if (delivery.projectId) {
      await db.shopifyWebhookSubscription.updateMany({
        where: { projectId: delivery.projectId, topic },
        data: { deliveriesFailed: { increment: 1 }, lastError: message, lastErrorAt: new Date() },
      });
    }
    return 'failed';
  }
}

/** On start: deliveries recorded but not processed (the app stopped in between) are processed now. */
export async function processPendingWebhooks(): Promise<number> {
  const pending = await db.processedWebhook.findMany({
    where: { platform: 'shopify', status: { in: ['received', 'failed', 'processing'] }, attempts: { lt: MAX_ATTEMPTS } },
    orderBy: { receivedAt: 'asc' },
    select: { id: true, status: true },
  });
  for (const row of pending) {
    if (row.status === 'processing') {
      await db.processedWebhook.update({ where: { id: row.id }, data: { status: 'received' } });
    }
    await processWebhook(row.id);
  }
  return pending.length;
}
