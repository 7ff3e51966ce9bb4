// The seller's notification subscriptions (Notifications API v1). A destination (our SQS queue) is made
// once per application and region with a grantless token (LWA client_credentials, scope
// sellingpartnerapi::notifications) and reused; each seller connected with that application subscribes to
// the types we consume. Both are stored (AmazonNotificationDestination, AmazonNotificationSubscription), and
// both steps are idempotent: an existing destination is found (getDestinations), an existing subscription
// (409 Conflict) is read back (getSubscription). Subscriptions are the seller's, not a shop's: they go when
// no shop holds the seller with that application any more.
import { AuthenticationError, NotFoundError } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import type { AmazonDb } from '../database/amazon-db';
import { appLwaClient, sellerClient, transientClient } from '../integrations/integration-store';
import type { Region } from '../sp-api/regions';
import type { LwaAppCredentials } from '../sp-api/selling-partner';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { CONSUMED_NOTIFICATIONS, type ConsumedNotificationType } from './notification-schemas';
import type { NotificationJob, SubscribeJob, UnsubscribeJob } from './subscription-jobs';
import { eraseUnsubscribeCredential, unsubscribeCredential } from './unsubscribe-credentials';

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

/** Login with Amazon refused the app (invalid_client, its secret rotated away) or the seller's token (invalid_grant). */
function lwaRefused(error: unknown): error is AuthenticationError {
  const code = (error as { platformError?: { code?: string } }).platformError?.code;
  return error instanceof AuthenticationError && ['invalid_client', 'unauthorized_client', 'invalid_grant'].includes(code ?? '');
}

/** Login with Amazon refused a seller's own app: its subscriptions can't be deleted, retrying won't change that. */
export class SellerAppRefusedError extends Error {
  override readonly name = 'SellerAppRefusedError';
  constructor(readonly lwaError: string) {
    super(`Login with Amazon refused the seller’s own app (${lwaError}): its subscriptions can’t be deleted`);
  }
}

export interface UnsubscribeOutcome {
  deleted: number;
  kept?: string;
}

/**
 * The job: the seller's subscriptions with this application deleted (deleteSubscriptionById, grantless: the
 * app's client credentials, ours or, self-authorized, the seller's own app's kept for this job), unless a
 * shop still holds the seller with it. A subscription Amazon no longer has (404) is gone already. A seller's
 * own app's secret is erased when the job is done: deleted, held by another shop, refused by Login with
 * Amazon (SellerAppRefusedError: nothing more can be done, the job fails at once) or given up after its
 * last attempt.
 */
export async function unsubscribeSeller(ctx: AmazonContext, job: UnsubscribeJob, attempt: { last: boolean } = { last: true }): Promise<UnsubscribeOutcome> {
  const appClientId = ctx.config.lwaClientId ?? null;
  const lwaClientId = job.lwaClientId ?? appClientId;
  if (!lwaClientId) return { deleted: 0, kept: 'no LWA client' };
  const key = { sellingPartnerId: job.sellingPartnerId, lwaClientId, region: job.region };
  const credential = lwaClientId === appClientId ? null : await unsubscribeCredential(ctx, key);
  const erase = async () => (credential ? eraseUnsubscribeCredential(ctx, key, credential.ciphertext) : true);
  let outcome: UnsubscribeOutcome;
  try {
    outcome = await deleteSubscriptions(ctx, key, lwaClientId === appClientId ? appLwaClient(ctx) : credential?.lwa);
  } catch (error) {
    if (credential && lwaRefused(error)) {
      await erase();
      const refused = new SellerAppRefusedError(error.platformError?.code ?? 'refused');
      ctx.logger.warn({ sellingPartnerId: job.sellingPartnerId, region: job.region, lwaError: refused.lwaError }, 'unsubscribing stops: Login with Amazon refused the seller’s own app; its secret is erased');
      throw refused;
    }
    if (credential && attempt.last) {
      await erase();
      ctx.logger.warn({ sellingPartnerId: job.sellingPartnerId, region: job.region }, 'unsubscribing gave up after its last attempt; the seller’s own app secret is erased');
    }
    // Otherwise retried with backoff (the secret kept for the next attempt).
    throw error;
  }
  // A newer secret kept meanwhile (another let-go) stays: the worker sees it and runs the job once more.
  await erase();
  return outcome;
}

async function deleteSubscriptions(
  ctx: AmazonContext,
  key: { sellingPartnerId: string; lwaClientId: string; region: string },
  lwa: LwaAppCredentials | undefined,
): Promise<UnsubscribeOutcome> {
  const appClientId = ctx.config.lwaClientId ?? null;
  const holders = await ctx.db.amazonIntegration.findMany({
    where: { sellingPartnerId: key.sellingPartnerId, region: key.region, status: { not: 'disconnected' } },
    select: { lwaClientId: true },
  });
  if (holders.some((h) => (h.lwaClientId ?? appClientId) === key.lwaClientId)) return { deleted: 0, kept: 'another shop holds the seller' };
  const rows = await ctx.db.amazonNotificationSubscription.findMany({ where: key });
  if (rows.length === 0) return { deleted: 0 };
  if (!lwa) {
    // A seller's own app let go of before its secret was kept for this job.
    ctx.logger.warn({ sellingPartnerId: key.sellingPartnerId }, 'subscriptions of a seller’s own app are left: no secret of that app was kept');
    return { deleted: 0, kept: 'the seller’s own app, its secret not kept' };
  }
  const client = grantlessClient(ctx, key.region as Region, lwa);
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
  ctx.logger.info({ sellingPartnerId: key.sellingPartnerId, deleted }, 'amazon seller unsubscribed from notifications');
  return { deleted };
}

type DecisionDb = Pick<AmazonDb, 'amazonIntegration' | 'amazonUnsubscribeCredential'>;

/** What a run of a job decides from (./subscription-worker.ts reads it before the run and as it settles). */
export interface DecisionInputs {
  /** Subscribe: the integration's status and seller. Unsubscribe: the shops holding the seller with the app. */
  state: string;
  /** Unsubscribe: a seller's own app secret kept (a run erases the one it used; one kept after it is a newer let-go's). */
  keptSecret: boolean;
}

export async function decisionInputs(ctx: AmazonContext, db: DecisionDb, job: NotificationJob): Promise<DecisionInputs> {
  if (job.action === 'subscribe') {
    const row = await db.amazonIntegration.findUnique({
      where: { id: job.integrationId },
      select: { status: true, projectId: true, sellingPartnerId: true, lwaClientId: true, region: true },
    });
    return { state: JSON.stringify(row), keptSecret: false };
  }
  const appClientId = ctx.config.lwaClientId ?? null;
  const lwaClientId = job.lwaClientId ?? appClientId;
  const holders = await db.amazonIntegration.findMany({
    where: { sellingPartnerId: job.sellingPartnerId, region: job.region, status: { not: 'disconnected' } },
    select: { id: true, lwaClientId: true },
    orderBy: { id: 'asc' },
  });
  const state = holders
    .filter((h) => (h.lwaClientId ?? appClientId) === lwaClientId)
    .map((h) => h.id)
    .join(',');
  const keptSecret =
    lwaClientId !== null && lwaClientId !== appClientId
      ? (await db.amazonUnsubscribeCredential.count({ where: { sellingPartnerId: job.sellingPartnerId, lwaClientId, region: job.region } })) > 0
      : false;
  return { state, keptSecret };
}

/** Whether the job must run once more: what it decides from changed while it ran, or a let-go kept a secret since. */
export function decidesOtherwiseNow(seen: DecisionInputs, now: DecisionInputs): boolean {
  return seen.state !== now.state || now.keptSecret;
}
