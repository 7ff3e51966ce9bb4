// Subscribing and unsubscribing sellers run as jobs of the job engine (queue amazon.notifications on
// AmazonJob), so a connect or disconnect whose Amazon calls fail is retried with backoff, survives a
// restart, and runs once however often it is asked for (one job per seller and app while it is pending).
// The jobs of one seller run one at a time (group seller:<id>:<region>), so a connect while the seller is
// being unsubscribed is subscribed after it; a request arriving while its own job runs makes that job run
// once more (./subscription-worker.ts). This module only queues them; ./subscriptions.ts does the work.
import type { AmazonContext } from '../amazon-context';
import { feedJobs } from '../feeds/feed-jobs';

export const NOTIFICATIONS_QUEUE = 'amazon.notifications';

export interface SubscribeJob {
  action: 'subscribe';
  integrationId: string;
}
export interface UnsubscribeJob {
  action: 'unsubscribe';
  sellingPartnerId: string;
  /** The app the subscriptions were made with (null: this service's own LWA client). */
  lwaClientId: string | null;
  region: string;
}
export type NotificationJob = SubscribeJob | UnsubscribeJob;

/** One seller's subscribe and unsubscribe jobs run one at a time: each decides from what the other left. */
export const sellerGroup = (seller: { sellingPartnerId: string; region: string }) => `seller:${seller.sellingPartnerId}:${seller.region}`;

/** After a seller connected (or reconnected) a shop: its subscriptions, made or found. */
export async function scheduleSubscribe(ctx: AmazonContext, integrationId: string): Promise<void> {
  if (!ctx.notifications.configured) return;
  const seller = await ctx.db.amazonIntegration.findUnique({ where: { id: integrationId }, select: { sellingPartnerId: true, region: true } });
  if (!seller) return;
  const payload: SubscribeJob = { action: 'subscribe', integrationId };
  await feedJobs(ctx.db).enqueue({ queue: NOTIFICATIONS_QUEUE, key: `subscribe:${integrationId}`, groupKey: sellerGroup(seller), payload, maxAttempts: 8, again: true });
  ctx.notificationJobsQueued?.();
}

/** After a shop let go of a seller (disconnect, erasure): its subscriptions go when no shop holds it any more. */
export async function scheduleUnsubscribe(ctx: AmazonContext, seller: { sellingPartnerId: string; lwaClientId: string | null; region: string }): Promise<void> {
  if (!ctx.notifications.configured) return;
  const payload: UnsubscribeJob = { action: 'unsubscribe', ...seller };
  await feedJobs(ctx.db).enqueue({
    queue: NOTIFICATIONS_QUEUE,
    key: `unsubscribe:${seller.sellingPartnerId}:${seller.lwaClientId ?? 'app'}:${seller.region}`,
    groupKey: sellerGroup(seller),
    payload,
    maxAttempts: 8,
    again: true,
  });
  ctx.notificationJobsQueued?.();
}

/**
 * When the worker starts: each seller's own app secret still kept gets its unsubscribe job again (queued
 * again if finished, a live one left alone). Covers a process that died during the job's last attempt.
 */
export async function resumeKeptUnsubscribes(ctx: AmazonContext): Promise<number> {
  const kept = await ctx.db.amazonUnsubscribeCredential.findMany({ select: { sellingPartnerId: true, lwaClientId: true, region: true } });
  for (const seller of kept) await scheduleUnsubscribe(ctx, seller);
  return kept.length;
}
