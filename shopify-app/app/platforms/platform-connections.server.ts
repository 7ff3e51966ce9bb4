// Connecting and disconnecting a platform for a shop, the same way for every platform: what differs is
// the registration's connection method (install, settings page, credentials form).
import {
  AuthenticationError,
  ConflictError,
  ValidationError,
  parseOrThrow,
  platformCredentialsSchema,
  type GenericCredentials,
  type PlatformCredentials,
} from '@calibr/shared-contracts';
import type { AppPlatformRegistration, SettingsLink } from './platform-registration';
import { getPlatformRegistry } from './registry.server';
import { integrationRow, recordConnected, recordDisconnected } from './platform-integrations.server';

export type ConnectOutcome =
  | { outcome: 'connected'; accountId: string | null }
  /** The merchant finishes on the platform's settings page (Amazon: Seller Central consent). */
  | { outcome: 'settings_page'; settingsLink: SettingsLink };

interface ConnectBody {
  /** Full PlatformCredentials (any platform that accepts credentials). */
  credentials?: unknown;
  /** The credentials form's fields by name (platforms with a `credentials` connection). */
  fields?: unknown;
}

/** The credentials a connect request carries, checked against the platform's own form and schema. */
function credentialsFrom(registration: AppPlatformRegistration, body: ConnectBody): PlatformCredentials | null {
  const { platform } = registration.descriptor;
  const method = registration.connection;
  if (body.fields !== undefined && method.kind === 'credentials') {
    const values = body.fields && typeof body.fields === 'object' ? (body.fields as Record<string, unknown>) : {};
    const errors = method.fields
      .filter((f) => typeof values[f.name] !== 'string' || (values[f.name] as string).trim() === '')
      .map((f) => ({ path: `fields.${f.name}`, message: `${f.label} is required`, code: 'required' }));
    if (errors.length > 0) throw new ValidationError(errors);
    const accountField = method.fields.find((f) => f.role === 'accountId');
    const credentials: GenericCredentials = {
      platform,
      ...(accountField ? { accountId: (values[accountField.name] as string).trim() } : {}),
      secrets: Object.fromEntries(method.fields.filter((f) => f.role === 'secret').map((f) => [f.name, (values[f.name] as string).trim()])),
    };
    return credentials;
  }
  if (body.credentials !== undefined) {
    const parsed = parseOrThrow(platformCredentialsSchema, body.credentials, 'credentials') as PlatformCredentials;
    if (parsed.platform !== platform) throw ValidationError.field('credentials.platform', `expected credentials for ${platform}`, 'invalid_platform');
    return parsed;
  }
  return null;
}

export async function connectPlatform(projectId: string, shop: string, platform: string, body: ConnectBody): Promise<ConnectOutcome> {
  const registry = await getPlatformRegistry();
  const registration = registry.registration(platform);
  const name = registration.descriptor.displayName;
  const method = registration.connection;

  if (method.kind === 'app_install') {
    // The request itself carries a session token of this shop's installation.
    const row = await integrationRow(projectId, platform);
    if (row?.status === 'connected') return { outcome: 'connected', accountId: row.externalId };
    throw new ConflictError(`${name} is connected by installing the app from your ${name} admin`, { platform });
  }

  const credentials = credentialsFrom(registration, body);
  if (!credentials) {
    if (method.kind === 'settings_page' && registration.settingsLink) return { outcome: 'settings_page', settingsLink: registration.settingsLink(shop) };
    throw ValidationError.field(method.kind === 'credentials' ? 'fields' : 'credentials', `${name} needs credentials to connect`, 'required');
  }
  if (method.kind === 'settings_page' && !method.acceptsCredentials) {
    throw ValidationError.field('credentials', `${name} connects on its settings page`, 'not_accepted');
  }

  // A fresh connector, so nothing cached from an earlier connection answers for the new one.
  await registry.evict(platform, projectId);
  const connector = await registry.connector(platform, projectId);
  try {
    await connector.authenticate(credentials);
  } catch (error) {
    // The platform refusing the merchant's credentials is bad input, not a failed session (a 401 here
    // would make App Bridge think our session token expired).
    if (error instanceof AuthenticationError) {
      throw ValidationError.field('credentials', `${name} refused these credentials: ${error.message}`, 'rejected');
    }
    throw error;
  }
  const status = await connector.auth.status();
  await recordConnected(projectId, registration, status.accountId ?? accountIdOf(credentials), method.kind === 'credentials' ? credentials : undefined);
  return { outcome: 'connected', accountId: status.accountId ?? accountIdOf(credentials) };
}

function accountIdOf(credentials: PlatformCredentials): string | null {
  if ('sellingPartnerId' in credentials) return credentials.sellingPartnerId;
  if ('shopDomain' in credentials) return credentials.shopDomain;
  return credentials.accountId ?? null;
}

export async function disconnectPlatform(projectId: string, platform: string): Promise<void> {
  const registry = await getPlatformRegistry();
  const registration = registry.registration(platform);
  const name = registration.descriptor.displayName;
  if (registration.connection.kind === 'app_install') {
    throw new ConflictError(`${name} is disconnected by uninstalling the app from your ${name} admin`, { platform });
  }
  const row = await integrationRow(projectId, platform);
  if (!row || row.status === 'disconnected') return;
  // The platform forgets the credentials first (the Amazon service drops the seller's tokens); if it
  // can't be reached the error says so and nothing is marked disconnected that isn't.
  const connector = await registry.connector(platform, projectId);
  await connector.disconnect();
  await recordDisconnected(projectId, platform);
  await registry.evict(platform, projectId);
}
