// The app's ConnectorRegistry: every platform registered once, one connector per (platform, shop) built
// by the shared-contracts registry and cached there. Shopify runs in process, Amazon is a RemoteConnector
// to the Amazon service, and test platforms join when CALIBR_TEST_PLATFORMS asks for them.
//
// Adding a platform: write its registration (descriptor, factory, connection method) next to
// shopify.server.ts / amazon.server.ts and add it to `registrations()` below. Nothing else changes.
import {
  AuthenticationError,
  ConnectorRegistry,
  NotFoundError,
  normalizePlatformId,
  type ConnectorFactory,
  type PlatformConnector,
} from '@calibr/shared-contracts';
import { appContext } from '../app-context.server';
import { recordNeedsReconnect, storedCredentials } from './platform-integrations.server';
import { SyncLogWriter } from './platform-sync-log.server';
import { amazonRegistration } from './amazon/registration.server';
import type { AppPlatformRegistration } from './platform-registration';
import { shopifyRegistration } from './shopify/registration.server';
import { testPlatformRegistrations } from './test-platforms.server';
import { errorMessage, logger } from '../lib/logger.server';

export class PlatformRegistry {
  readonly connectors: ConnectorRegistry;
  /** PlatformSyncLog kept from the connectors' sync events. */
  readonly syncLog: SyncLogWriter;
  private readonly registrations = new Map<string, AppPlatformRegistration>();

  constructor() {
    this.connectors = new ConnectorRegistry({
      onListenerError: (error, event) =>
        logger.error({ event: (event as { type?: string }).type, err: errorMessage(error) }, 'registry event listener failed'),
    });
    this.syncLog = new SyncLogWriter();
    this.connectors.events.onAny((event) => this.syncLog.handle(event));
  }

  register(registration: AppPlatformRegistration): this {
    this.connectors.register(registration.descriptor, withStoredCredentials(registration));
    // Keyed as the shared registry keys it (normalized id).
    this.registrations.set(normalizePlatformId(registration.descriptor.platform), registration);
    return this;
  }

  /** The platform's registration; a NotFoundError (404 problem) for a platform nobody registered. */
  registration(platform: string): AppPlatformRegistration {
    const registration = this.registrations.get(platform);
    if (!registration) throw new NotFoundError(`No platform "${platform}" is registered`, { resource: 'platform', resourceId: platform });
    return registration;
  }

  /** Every registration, in the order they were registered (Shopify, Amazon, then any others). */
  all(): AppPlatformRegistration[] {
    return [...this.registrations.values()];
  }

  /** The shop's connector for a platform (built once, cached by the shared registry). */
  connector(platform: string, projectId: string): Promise<PlatformConnector> {
    this.registration(platform);
    return this.connectors.get(platform, projectId);
  }

  /** Forget a shop's cached connector (after a disconnect or new credentials). */
  evict(platform: string, projectId: string): Promise<void> {
    return this.connectors.evict(platform, projectId);
  }
}

/**
 * For platforms whose credentials the app holds: a freshly built connector (after a restart or an
 * eviction) is authenticated with the stored credentials before anyone uses it.
 */
function withStoredCredentials(registration: AppPlatformRegistration): ConnectorFactory {
  if (registration.connection.kind !== 'credentials') return registration.factory;
  return async (context) => {
    const connector = await registration.factory(context);
    const credentials = await storedCredentials(context.tenantId, connector.platform);
    if (credentials) {
      try {
        await connector.authenticate(credentials);
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        await recordNeedsReconnect(context.tenantId, connector.platform, `${registration.descriptor.displayName} refused the stored credentials: ${error.message}`);
      }
    }
    return connector;
  };
}

async function registrations(): Promise<AppPlatformRegistration[]> {
  return [shopifyRegistration(), amazonRegistration(), ...(await testPlatformRegistrations())];
}

/** The process's registry, built on first use (one per process: app-context.server.ts). */
export function getPlatformRegistry(): Promise<PlatformRegistry> {
  const context = appContext();
  if (context.registry) return context.registry;
  const built = registrations().then((list) => {
    const registry = new PlatformRegistry();
    for (const registration of list) registry.register(registration);
    return registry;
  });
  context.registry = built;
  built.catch(() => {
    if (context.registry === built) context.registry = undefined;
  });
  return built;
}
