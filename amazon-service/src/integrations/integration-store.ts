// AmazonIntegration rows: a seller's authorization for one tenant. Secrets go in and out only through
// @calibr/db's encryptSecret/decryptSecret; nothing here logs them or returns them to a caller.
import { AuthenticationError, ValidationError } from '@calibr/shared-contracts';
import { decryptSecret, encryptSecret } from '@calibr/db';
import type { AmazonContext } from '../amazon-context';
import { retireListingsOutside } from '../catalog/listing-store';
import { errorSummary } from '../log-errors';
import { scheduleSubscribe, scheduleUnsubscribe } from '../notifications/subscription-jobs';
import { keepForUnsubscribe } from '../notifications/unsubscribe-credentials';
import type { AccessToken } from '../lwa/access-token-cache';
import type { Region } from '../sp-api/regions';
import { SpApiClient, type SellerAuthorization } from '../sp-api/sp-api-client';
import type { LwaAppCredentials } from '../sp-api/selling-partner';
import { authorizationExpiry, refusalReason, type AuthorizationExpiry } from './authorization-expiry';

export type AuthMode = 'website_authorization' | 'self_authorization';
export type IntegrationStatus = 'connected' | 'needs_reconnect' | 'disconnected' | 'error';

export interface AmazonIntegrationView {
  id: string;
  projectId: string;
  sellingPartnerId: string;
  region: Region;
  marketplaceIds: string[];
  authMode: AuthMode;
  status: IntegrationStatus;
  statusReason: string | null;
  connectedAt: Date;
  lastSyncAt: Date | null;
  /** When Amazon stops accepting this authorization, and the warning to show ahead of it. */
  authorization: AuthorizationExpiry;
  /** The app's own LWA client or the seller's (self-authorization); never the secret. */
  usesOwnLwaClient: boolean;
}

type Row = NonNullable<Awaited<ReturnType<AmazonContext['db']['amazonIntegration']['findFirst']>>>;

/** What a seller let go of keeps of its authorization: nothing. */
const FORGOTTEN_SECRETS = { refreshTokenCiphertext: '', lwaClientSecretCiphertext: null, accessTokenCiphertext: null, accessTokenExpiresAt: null };

function view(ctx: AmazonContext, row: Row): AmazonIntegrationView {
  return {
    id: row.id,
    projectId: row.projectId,
    sellingPartnerId: row.sellingPartnerId,
    region: row.region as Region,
    marketplaceIds: Array.isArray(row.marketplaceIds) ? (row.marketplaceIds as string[]) : [],
    authMode: row.authMode as AuthMode,
    status: row.status as IntegrationStatus,
    statusReason: row.statusReason,
    connectedAt: row.connectedAt,
    lastSyncAt: row.lastSyncAt,
    authorization: authorizationExpiry(ctx, row.connectedAt),
    usesOwnLwaClient: row.lwaClientId !== null,
  };
}

/** The tenant's current integration (not disconnected), most recently connected first. */
export async function findIntegration(ctx: AmazonContext, projectId: string): Promise<AmazonIntegrationView | null> {
  const row = await ctx.db.amazonIntegration.findFirst({
    where: { projectId, status: { not: 'disconnected' } },
    orderBy: { connectedAt: 'desc' },
  });
  return row ? view(ctx, row) : null;
}

/**
 * Every seller account this tenant has authorized in a marketplace, replaced ones included: the shop
 * owns those accounts, so their offers are its own, never competition.
 */
export async function sellerIdsIn(ctx: AmazonContext, projectId: string, marketplaceId: string): Promise<string[]> {
  const rows = await ctx.db.amazonIntegration.findMany({ where: { projectId }, select: { sellingPartnerId: true, marketplaceIds: true } });
  return rows.filter((r) => Array.isArray(r.marketplaceIds) && r.marketplaceIds.includes(marketplaceId)).map((r) => r.sellingPartnerId);
}

export interface SaveAuthorizationInput {
  projectId: string;
  sellingPartnerId: string;
  region: Region;
  marketplaceIds: string[];
  authMode: AuthMode;
  refreshToken: string;
  /** Self-authorization only: the seller's own LWA client. */
  lwaClient?: LwaAppCredentials;
  accessToken?: AccessToken;
}

export async function saveAuthorization(ctx: AmazonContext, input: SaveAuthorizationInput): Promise<AmazonIntegrationView> {
  const secrets = {
    refreshTokenCiphertext: encryptSecret(input.refreshToken),
    lwaClientId: input.lwaClient?.clientId ?? null,
    lwaClientSecretCiphertext: input.lwaClient ? encryptSecret(input.lwaClient.clientSecret) : null,
    accessTokenCiphertext: input.accessToken ? encryptSecret(input.accessToken.accessToken) : null,
    accessTokenExpiresAt: input.accessToken ? new Date(input.accessToken.expiresAt) : null,
  };
  const fields = {
    region: input.region,
    marketplaceIds: input.marketplaceIds,
    authMode: input.authMode,
    status: 'connected',
    statusReason: null,
    // Amazon's clock as we know it: the authorization's year counts from here.
    connectedAt: new Date(ctx.clock.now()),
    disconnectedAt: null,
    ...secrets,
  };
  // One connected seller per tenant: connecting another retires the previous authorization.
  const held = await ctx.db.amazonIntegration.findMany({
    where: { projectId: input.projectId, status: { not: 'disconnected' } },
    select: { id: true, sellingPartnerId: true, lwaClientId: true, region: true, lwaClientSecretCiphertext: true },
  });
  const replaced = held.filter((r) => r.sellingPartnerId !== input.sellingPartnerId);
  // The same seller authorized again with another LWA app or in another region: the shop lets go of the
  // previous app's subscriptions there too.
  const appClientId = ctx.config.lwaClientId ?? null;
  const previous = held.filter(
    (r) => r.sellingPartnerId === input.sellingPartnerId && ((r.lwaClientId ?? appClientId) !== (secrets.lwaClientId ?? appClientId) || r.region !== input.region),
  );
  const letGo = [...replaced, ...previous];
  const row = await ctx.db.$transaction(async (tx) => {
    // The secrets let go of are forgotten as on a disconnect (a seller's own app's kept for the unsubscribe job).
    for (const keep of keepForUnsubscribe(ctx, tx, letGo)) await keep;
    await tx.amazonIntegration.updateMany({
      where: { id: { in: replaced.map((r) => r.id) } },
      data: { status: 'disconnected', disconnectedAt: new Date(), statusReason: 'replaced by another seller account', ...FORGOTTEN_SECRETS },
    });
    return tx.amazonIntegration.upsert({
      where: { projectId_sellingPartnerId: { projectId: input.projectId, sellingPartnerId: input.sellingPartnerId } },
      create: { projectId: input.projectId, sellingPartnerId: input.sellingPartnerId, ...fields },
      update: fields,
    });
  });
  const saved = view(ctx, row);
  // The marketplaces left out of this authorization are no longer ours to monitor or price.
  await retireListingsOutside(ctx, saved.projectId, saved.marketplaceIds);
  ctx.tokens.invalidate(saved.id);
  if (input.accessToken) ctx.tokens.prime(saved.id, input.accessToken);
  ctx.logger.info({ projectId: saved.projectId, integrationId: saved.id, sellingPartnerId: saved.sellingPartnerId, authMode: saved.authMode }, 'amazon seller connected');
  await notificationsFollow(ctx, [{ subscribe: saved.id }, ...letGo.map(({ sellingPartnerId, lwaClientId, region }) => ({ unsubscribe: { sellingPartnerId, lwaClientId, region } }))]);
  return saved;
}

export async function updateMarketplaces(ctx: AmazonContext, integrationId: string, region: Region, marketplaceIds: string[]): Promise<void> {
  const row = await ctx.db.amazonIntegration.update({ where: { id: integrationId }, data: { region, marketplaceIds } });
  await retireListingsOutside(ctx, row.projectId, marketplaceIds);
}

/**
 * The marketplace an operation is for: the one asked for, which must be one the seller chose (a retired
 * marketplace is not read or priced), or the first chosen one.
 */
export function chosenMarketplace(integration: AmazonIntegrationView, requested?: string): string {
  if (requested !== undefined && !integration.marketplaceIds.includes(requested)) {
    throw new ValidationError([{ path: 'marketplaceId', message: `marketplace ${requested} is not one this seller chose`, code: 'unknown_marketplace' }]);
  }
  const id = requested ?? integration.marketplaceIds[0];
  if (!id) throw new ValidationError([{ path: 'marketplaceId', message: 'the seller has no marketplace chosen', code: 'required' }]);
  return id;
}

export async function markNeedsReconnect(ctx: AmazonContext, integrationId: string, reason: string): Promise<void> {
  await ctx.db.amazonIntegration.updateMany({
    where: { id: integrationId, status: { not: 'disconnected' } },
    data: { status: 'needs_reconnect', statusReason: reason, accessTokenCiphertext: null, accessTokenExpiresAt: null },
  });
  ctx.tokens.invalidate(integrationId);
  ctx.logger.warn({ integrationId, reason }, 'amazon authorization refused: integration needs reconnecting');
}

/**
 * Notification subscriptions follow connections (as jobs, retried on their own): a connected seller is
 * subscribed, a seller let go is unsubscribed once no shop holds it. Queuing never fails the connection.
 */
export async function notificationsFollow(
  ctx: AmazonContext,
  changes: ({ subscribe: string } | { unsubscribe: { sellingPartnerId: string; lwaClientId: string | null; region: string } })[],
): Promise<void> {
  for (const change of changes) {
    try {
      if ('subscribe' in change) await scheduleSubscribe(ctx, change.subscribe);
      else await scheduleUnsubscribe(ctx, change.unsubscribe);
    } catch (error) {
      ctx.logger.error({ err: errorSummary(error) }, 'could not queue the notification subscription change');
    }
  }
}

export async function disconnectIntegration(ctx: AmazonContext, projectId: string): Promise<boolean> {
  const rows = await ctx.db.amazonIntegration.findMany({
    where: { projectId, status: { not: 'disconnected' } },
    select: { id: true, sellingPartnerId: true, lwaClientId: true, region: true, lwaClientSecretCiphertext: true },
  });
  // Forget the secrets, keep the row (feeds and their history reference it); a seller's own app's secret is
  // kept apart until its subscriptions are deleted.
  await ctx.db.$transaction([
    ...keepForUnsubscribe(ctx, ctx.db, rows),
    ctx.db.amazonIntegration.updateMany({
      where: { id: { in: rows.map((r) => r.id) }, status: { not: 'disconnected' } },
      data: { status: 'disconnected', statusReason: 'disconnected by the merchant', disconnectedAt: new Date(), ...FORGOTTEN_SECRETS },
    }),
  ]);
  for (const row of rows) ctx.tokens.invalidate(row.id);
  await notificationsFollow(ctx, rows.map(({ sellingPartnerId, lwaClientId, region }) => ({ unsubscribe: { sellingPartnerId, lwaClientId, region } })));
  return rows.length > 0;
}

export async function markSynced(ctx: AmazonContext, integrationId: string): Promise<void> {
  await ctx.db.amazonIntegration.update({ where: { id: integrationId }, data: { lastSyncAt: new Date() } });
}

/** The app's own LWA client, for the website workflow and sellers who authorized it. */
export function appLwaClient(ctx: AmazonContext): LwaAppCredentials {
  const { lwaClientId } = ctx.config;
  const [first] = ctx.clientSecrets.secrets();
  if (!lwaClientId || !first) {
    throw new ValidationError('This service has no LWA client configured (AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET or AMAZON_LWA_CLIENT_SECRET_FILE)');
  }
  // The secrets are read again at each LWA call (rotation): a client built now follows a later rotation.
  return { clientId: lwaClientId, clientSecret: first, rotation: ctx.clientSecrets };
}

/** An SP-API client for the tenant's connected seller; AuthenticationError when there is none. */
export async function sellerClient(ctx: AmazonContext, projectId: string): Promise<{ integration: AmazonIntegrationView; client: SpApiClient }> {
  const row = await ctx.db.amazonIntegration.findFirst({
    where: { projectId, status: { not: 'disconnected' } },
    orderBy: { connectedAt: 'desc' },
  });
  if (!row) throw new AuthenticationError('No Amazon seller is connected for this shop', { platform: 'amazon' });
  if (row.status === 'needs_reconnect') {
    throw new AuthenticationError('Amazon no longer accepts this seller’s authorization: reconnect the Amazon account', {
      platform: 'amazon',
      platformError: { code: 'needs_reconnect', message: row.statusReason ?? 'reconnect required' },
    });
  }
  const integration = view(ctx, row);
  return { integration, client: cachedClient(ctx, row) };
}

// Decrypting the secrets once per row version, not once per call.
const clients = new WeakMap<AmazonContext, Map<string, { version: number; client: SpApiClient }>>();

function cachedClient(ctx: AmazonContext, row: Row): SpApiClient {
  let byId = clients.get(ctx);
  if (!byId) clients.set(ctx, (byId = new Map()));
  // Any write to the row (new credentials, a refreshed access token) makes a fresh client.
  const version = row.updatedAt.getTime();
  const cached = byId.get(row.id);
  if (cached && cached.version === version) return cached.client;
  const client = clientForRow(ctx, row);
  byId.set(row.id, { version, client });
  return client;
}

function clientForRow(ctx: AmazonContext, row: Row): SpApiClient {
  const lwa: LwaAppCredentials =
    row.lwaClientId && row.lwaClientSecretCiphertext
      ? { clientId: row.lwaClientId, clientSecret: decryptSecret(row.lwaClientSecretCiphertext) }
      : appLwaClient(ctx);
  const auth: SellerAuthorization = {
    key: row.id,
    sellingPartnerId: row.sellingPartnerId,
    region: row.region as Region,
    lwa,
    refreshToken: decryptSecret(row.refreshTokenCiphertext),
  };
  if (row.accessTokenCiphertext && row.accessTokenExpiresAt) {
    ctx.tokens.prime(row.id, { accessToken: decryptSecret(row.accessTokenCiphertext), expiresAt: row.accessTokenExpiresAt.getTime() });
  }
  return new SpApiClient(auth, {
    tokens: ctx.tokens,
    limiter: ctx.limiter,
    lwa: ctx.lwa,
    transport: ctx.transport,
    ...(ctx.retry ? { retry: ctx.retry } : {}),
    onAccessToken: async (a, token) => {
      await ctx.db.amazonIntegration.update({
        where: { id: a.key },
        data: { accessTokenCiphertext: encryptSecret(token.accessToken), accessTokenExpiresAt: new Date(token.expiresAt) },
      });
    },
    onRevoked: async (a, error) => {
      const said = (error as { platformError?: { message?: string } }).platformError?.message ?? error.message;
      await markNeedsReconnect(ctx, a.key, refusalReason(ctx, row.connectedAt, said));
    },
  });
}

/** A client for credentials not stored yet (self-authorization checks them before saving). */
export function transientClient(ctx: AmazonContext, auth: Omit<SellerAuthorization, 'key'>, key: string): SpApiClient {
  return new SpApiClient({ ...auth, key }, { tokens: ctx.tokens, limiter: ctx.limiter, lwa: ctx.lwa, transport: ctx.transport, ...(ctx.retry ? { retry: ctx.retry } : {}) });
}
