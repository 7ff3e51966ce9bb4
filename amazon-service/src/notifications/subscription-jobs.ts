// Subscribing and unsubscribing sellers run as jobs of the job engine (queue amazon.notifications on
// AmazonJob), so a connect or disconnect whose Amazon calls fail is retried with backoff, survives a
// restart, and runs once however often it is asked for (one job per seller and app while it is pending).
// This module only queues them; ./subscriptions.ts does the work.
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

/** After a seller connected (or reconnected) a shop: its subscriptions, made or found. */
export async function scheduleSubscribe(ctx: AmazonContext, integrationId: string): Promise<void> {
  if (!ctx.notifications.configured) return;
  const payload: SubscribeJob = { action: 'subscribe', integrationId };
  await feedJobs(ctx.db).enqueue({ queue: NOTIFICATIONS_QUEUE, key: `subscribe:${integrationId}`, payload, maxAttempts: 8, again: true });
  ctx.notificationJobsQueued?.();
}

/** After a shop let go of a seller (disconnect, erasure): its subscriptions go when no shop holds it any more. */
export async function scheduleUnsubscribe(ctx: AmazonContext, seller: { sellingPartnerId: string; lwaClientId: string | null; region: string }): Promise<void> {
  if (!ctx.notifications.configured) return;
  const payload: UnsubscribeJob = { action: 'unsubscribe', ...seller };
  await feedJobs(ctx.db).enqueue({
    queue: NOTIFICATIONS_QUEUE,
    key: `unsubscribe:${seller.sellingPartnerId}:${seller.lwaClientId ?? 'app'}:${seller.region}`,
    payload,
    maxAttempts: 8,
    again: true,
  });
  ctx.notificationJobsQueued?.();
}

/**
 * When the worker starts: each seller's own app secret still kept gets its unsubscribe job again (queued
 * again if finished, a live one left alone). Covers a process that died during the job's last attempt, and
 * a let-go while the job was running (the engine queues finished jobs again, not running ones).
 */
export async function resumeKeptUnsubscribes(ctx: AmazonContext): Promise<number> {
  const kept = await ctx.db.amazonUnsubscribeCredential.findMany({ select: { sellingPartnerId: true, lwaClientId: true, region: true } });
  for (const seller of kept) await scheduleUnsubscribe(ctx, seller);
  return kept.length;
}
