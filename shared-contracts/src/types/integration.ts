// A tenant's connection to one platform, as the app shows and stores it.
import type { ConnectorCapabilities, PlatformId } from './platform';
import type { SyncStatus } from './sync';

export type IntegrationStatus = 'connected' | 'disconnected' | 'error' | 'pending';

export interface PlatformIntegration {
  /** The tenant: one per installed shop. */
  readonly tenantId: string;
  readonly platform: PlatformId;
  readonly displayName: string;
  /** Shop domain, selling partner id. */
  readonly externalAccountId: string | null;
  readonly status: IntegrationStatus;
  /** ISO 8601. */
  readonly connectedAt: string | null;
  readonly lastSyncAt: string | null;
  readonly lastSyncStatus: SyncStatus | 'in_progress' | null;
  readonly lastSyncError: string | null;
  readonly marketplaceIds?: readonly string[];
  readonly capabilities?: ConnectorCapabilities;
}
