// The seller's notification subscriptions (Notifications API v1). A destination (our SQS queue) is made
// once per application and region with a grantless token (LWA client_credentials, scope
// sellingpartnerapi::notifications) and reused; each seller connected with that application subscribes to
// the types we consume. Both are stored (AmazonNotificationDestination, AmazonNotificationSubscription), and
// both steps are idempotent: an existing destination is found (getDestinations), an existing subscription
// (409 Conflict) is read back (getSubscription). Subscriptions are the seller's, not a shop's: they go when
// no shop holds the seller with that application any more.
import { NotFoundError } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { appLwaClient, sellerClient, transientClient } from '../integrations/integration-store';
import type { Region } from '../sp-api/regions';
import type { LwaAppCredentials } from '../sp-api/selling-partner';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { CONSUMED_NOTIFICATIONS, type ConsumedNotificationType } from './notification-schemas';
import type { SubscribeJob, UnsubscribeJob } from './subscription-jobs';

export const NOTIFICATIONS_SCOPE = 'sellingpartnerapi::notifications';

interface Destination {
  destinationId: string;
  resource?: { sqs?: { arn?: string } };
}

function grantlessClient(ctx: AmazonContext, region: Region, lwa: LwaAppCredentials): SpApiClient {
  return transientClient(ctx, { sellingPartnerId: '', region, lwa, refreshToken: '', grantlessScope: NOTIFICATIONS_SCOPE }, `grantless:${lwa.clientId}:${region}`);
}

/** The destination naming our queue for this application and region: stored, found at Amazon, or made. */
export async function ensureDestination(ctx: AmazonContext, region: Region, lwa: LwaAppCredentials): Promise<string> {
  const queueArn = ctx.notifications.queueArn!;
  const where = { lwaClientId_region_queueArn: { lwaClientId: lwa.clientId, region, queueArn } };
  const stored = await ctx.db.amazonNotificationDestination.findUnique({ where });
  if (stored) return stored.destinationId;
  const client = grantlessClient(ctx, region, lwa);
  const find = async () =>
    (await client.call<{ payload?: Destination[] }>({ operation: 'notifications.getDestinations' })).payload?.find((d) => d.resource?.sqs?.arn === queueArn)?.destinationId;
  let destinationId = await find();
  if (!destinationId) {
    try {
      const made = await client.call<{ payload?: Destination }>({
        operation: 'notifications.createDestination',
        body: { name: 'calibrate', resourceSpecification: { sqs: { arn: queueArn } } },
      });
      destinationId = made.payload?.destinationId;
    } catch (error) {
      // Made meanwhile by another instance (409 Conflict): read it back.
      destinationId = await find();
      if (!destinationId) throw error;
    }
  }
  if (!destinationId) throw new Error('Amazon answered createDestination without a destinationId');
  await ctx.db.amazonNotificationDestination.upsert({ where, create: { lwaClientId: lwa.clientId, region, queueArn, destinationId }, update: { destinationId } });
  ctx.logger.info({ region, destinationId }, 'amazon notification destination ready');
  return destinationId;
}

/** The job: every consumed type subscribed for the integration's seller (those already stored are skipped). */
export async function subscribeSeller(ctx: AmazonContext, job: SubscribeJob): Promise<{ subscribed: string[] }> {
  const row = await ctx.db.amazonIntegration.findUnique({ where: { id: job.integrationId }, select: { projectId: true, status: true } });
  if (!row || row.status !== 'connected') return { subscribed: [] };
  const { integration, client } = await sellerClient(ctx, row.projectId);
  if (integration.id !== job.integrationId) return { subscribed: [] };
  const lwa = client.auth.lwa;
  const destinationId = await ensureDestination(ctx, integration.region, lwa);
  const subscribed: string[] = [];
  for (const [type, { payloadVersion }] of Object.entries(CONSUMED_NOTIFICATIONS) as [ConsumedNotificationType, { payloadVersion: string }][]) {
    const key = { sellingPartnerId: integration.sellingPartnerId, lwaClientId: lwa.clientId, region: integration.region, notificationType: type };
    const stored = await ctx.db.amazonNotificationSubscription.findUnique({ where: { sellingPartnerId_lwaClientId_region_notificationType: key } });
    if (stored) continue;
    let subscriptionId: string | undefined;
    try {
      const made = await client.call<{ payload?: { subscriptionId?: string } }>({
        operation: 'notifications.createSubscription',
        path: { notificationType: type },
        body: { payloadVersion, destinationId },
      });
      subscriptionId = made.payload?.subscriptionId;
    } catch (error) {
      // 409 Conflict: the seller is subscribed already (an earlier try whose answer was lost, another instance).
      const existing = await client
        .call<{ payload?: { subscriptionId?: string } }>({ operation: 'notifications.getSubscription', path: { notificationType: type }, query: { payloadVersion } })
        .catch(() => undefined);
      subscriptionId = existing?.payload?.subscriptionId;
      if (!subscriptionId) throw error;
    }
    if (!subscriptionId) throw new Error(`Amazon answered createSubscription(${type}) without a subscriptionId`);
    await ctx.db.amazonNotificationSubscription.upsert({
      where: { sellingPartnerId_lwaClientId_region_notificationType: key },
      create: { ...key, payloadVersion, subscriptionId, destinationId },
      update: { payloadVersion, subscriptionId, destinationId },
    });
    subscribed.push(type);
  }
  if (subscribed.length) ctx.logger.info({ sellingPartnerId: integration.sellingPartnerId, subscribed }, 'amazon seller subscribed to notifications');
  return { subscribed };
}

/**
 * The job: the seller's subscriptions with this application deleted (deleteSubscriptionById, grantless),
 * unless a shop still holds the seller with it. A subscription Amazon no longer has (404) is gone already.
 */
export async function unsubscribeSeller(ctx: AmazonContext, job: UnsubscribeJob): Promise<{ deleted: number; kept?: string }> {
  const appClientId = ctx.config.lwaClientId ?? null;
  const lwaClientId = job.lwaClientId ?? appClientId;
  if (!lwaClientId) return { deleted: 0, kept: 'no LWA client' };
  const holders = await ctx.db.amazonIntegration.findMany({
    where: { sellingPartnerId: job.sellingPartnerId, region: job.region, status: { not: 'disconnected' } },
    select: { lwaClientId: true },
  });
  if (holders.some((h) => (h.lwaClientId ?? appClientId) === lwaClientId)) return { deleted: 0, kept: 'another shop holds the seller' };
  const rows = await ctx.db.amazonNotificationSubscription.findMany({ where: { sellingPartnerId: job.sellingPartnerId, lwaClientId, region: job.region } });
  if (rows.length === 0) return { deleted: 0 };
  // Grantless calls need the application's secret: ours, or (self-authorized with their own app) one the
  // disconnect has already forgotten, so those are left as they are (their notifications are dropped).
  if (lwaClientId !== appClientId) {
    ctx.logger.warn({ sellingPartnerId: job.sellingPartnerId }, 'subscriptions of a seller’s own app are left: its client secret is gone with the disconnect');
    return { deleted: 0, kept: 'the seller’s own app' };
  }
  const client = grantlessClient(ctx, job.region as Region, appLwaClient(ctx));
  let deleted = 0;
  for (const row of rows) {
    try {
      await client.call({ operation: 'notifications.deleteSubscriptionById', path: { subscriptionId: row.subscriptionId, notificationType: row.notificationType } });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    await ctx.db.amazonNotificationSubscription.delete({ where: { id: row.id } });
    deleted++;
  }
  ctx.logger.info({ sellingPartnerId: job.sellingPartnerId, deleted }, 'amazon seller unsubscribed from notifications');
  return { deleted };
}
