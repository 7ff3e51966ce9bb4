// PlatformIntegration rows: one per shop and platform, kept true whoever owns the connection (the install
// lifecycle for Shopify, the connector for the others). Credentials the app holds for an in-process
// connector are stored encrypted (credentialsCiphertext) and never leave the server.
import { decryptSecret, encryptSecret, type Prisma } from '@calibr/db';
import type { AuthStatus, PlatformCredentials } from '@calibr/shared-contracts';
import { db } from '../db.server';
import type { AppPlatformRegistration } from './platform-registration';

export type IntegrationRow = Prisma.PlatformIntegrationGetPayload<object>;

/** connected | disconnected | needs_reconnect | error, or not_connected when there is no row yet. */
export type ConnectionStatus = 'connected' | 'disconnected' | 'needs_reconnect' | 'error' | 'not_connected';

export function connectionStatusOf(row: IntegrationRow | null): ConnectionStatus {
  if (!row) return 'not_connected';
  const known: ConnectionStatus[] = ['connected', 'disconnected', 'needs_reconnect', 'error'];
  return known.includes(row.status as ConnectionStatus) ? (row.status as ConnectionStatus) : 'error';
}

export function integrationRow(projectId: string, platform: string): Promise<IntegrationRow | null> {
  return db.platformIntegration.findUnique({ where: { projectId_platform: { projectId, platform } } });
}

export function integrationRows(projectId: string): Promise<IntegrationRow[]> {
  return db.platformIntegration.findMany({ where: { projectId } });
}

/** The row a sync log hangs on; created (as connected) when a sync runs before anything else wrote it. */
export function ensureIntegrationRow(projectId: string, platform: string, platformName: string): Promise<IntegrationRow> {
  return db.platformIntegration.upsert({
    where: { projectId_platform: { projectId, platform } },
    create: { projectId, platform, platformName, status: 'connected' },
    update: {},
  });
}

async function audit(projectId: string, action: string, platform: string, data?: Prisma.InputJsonValue): Promise<void> {
  await db.auditLog.create({
    data: { projectId, actor: 'merchant', actorType: 'user', action, entityType: 'PlatformIntegration', entityId: platform, ...(data ? { data } : {}) },
  });
}

export async function recordConnected(
  projectId: string,
  registration: AppPlatformRegistration,
  accountId: string | null,
  credentials?: PlatformCredentials,
): Promise<IntegrationRow> {
  const { platform, displayName } = registration.descriptor;
  const now = new Date();
  const credentialsCiphertext = credentials ? encryptSecret(JSON.stringify(credentials)) : undefined;
  const row = await db.platformIntegration.upsert({
    where: { projectId_platform: { projectId, platform } },
    create: { projectId, platform, platformName: displayName, externalId: accountId, status: 'connected', connectedAt: now, credentialsCiphertext: credentialsCiphertext ?? null },
    update: {
      externalId: accountId,
      status: 'connected',
      connectedAt: now,
      disconnectedAt: null,
      syncError: null,
      ...(credentialsCiphertext ? { credentialsCiphertext } : {}),
    },
  });
  await audit(projectId, 'integration.connected', platform, accountId ? { accountId } : undefined);
  return row;
}

export async function recordDisconnected(projectId: string, platform: string, reason: 'merchant' | 'platform' = 'merchant'): Promise<void> {
  const now = new Date();
  await db.platformIntegration.updateMany({
    where: { projectId, platform },
    data: { status: 'disconnected', disconnectedAt: now, credentialsCiphertext: null },
  });
  if (reason === 'merchant') await audit(projectId, 'integration.disconnected', platform);
}

export async function recordNeedsReconnect(projectId: string, platform: string, message: string): Promise<void> {
  await db.platformIntegration.updateMany({ where: { projectId, platform }, data: { status: 'needs_reconnect', syncError: message } });
}

/** The credentials the app stored for a connected in-process connector, decrypted; null when none. */
export async function storedCredentials(projectId: string, platform: string): Promise<PlatformCredentials | null> {
  const row = await db.platformIntegration.findUnique({
    where: { projectId_platform: { projectId, platform } },
    select: { status: true, credentialsCiphertext: true },
  });
  if (!row?.credentialsCiphertext || row.status !== 'connected') return null;
  return JSON.parse(decryptSecret(row.credentialsCiphertext)) as PlatformCredentials;
}

/**
 * Make the row say what the connector says (for connections the connector owns: Amazon's seller
 * authorization lives in the Amazon service, whose settings page may have changed it).
 */
export async function reconcileConnection(projectId: string, registration: AppPlatformRegistration, auth: AuthStatus): Promise<IntegrationRow | null> {
  const { platform, displayName } = registration.descriptor;
  const row = await integrationRow(projectId, platform);
  if (auth.authenticated) {
    if (row?.status === 'connected' && (row.externalId === (auth.accountId ?? null) || !auth.accountId)) return row;
    return db.platformIntegration.upsert({
      where: { projectId_platform: { projectId, platform } },
      create: { projectId, platform, platformName: displayName, externalId: auth.accountId ?? null, status: 'connected' },
      update: {
        externalId: auth.accountId ?? row?.externalId ?? null,
        status: 'connected',
        disconnectedAt: null,
        ...(row?.status === 'connected' ? {} : { connectedAt: new Date() }),
      },
    });
  }
  if (row && auth.reconnectReason) {
    // The platform stopped accepting the authorization (e.g. Amazon's yearly one expired): reconnect, not connect.
    if (row.status !== 'needs_reconnect' || row.syncError !== auth.reconnectReason) await recordNeedsReconnect(projectId, platform, auth.reconnectReason);
    return integrationRow(projectId, platform);
  }
  if (row && row.status === 'connected') {
    await recordDisconnected(projectId, platform, 'platform');
    return integrationRow(projectId, platform);
  }
  return row;
}
