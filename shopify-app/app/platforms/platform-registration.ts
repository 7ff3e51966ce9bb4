// What the app needs to know about a platform beyond the shared-contracts registration (descriptor +
// factory): how a merchant connects it, who stores its listings, and the optional hooks a platform with
// its own machinery provides. The dashboard and the /api/platforms routes read only this, so a new
// platform needs no change to either.
import type { ConnectorDescriptor, ConnectorFactory, SyncMode } from '@calibr/shared-contracts';

/** A credential the merchant types in (the dashboard renders a form field per entry). */
export interface CredentialField {
  readonly name: string;
  readonly label: string;
  /** `accountId` fills GenericCredentials.accountId; `secret` goes into GenericCredentials.secrets. */
  readonly role: 'accountId' | 'secret';
  /** Masked in the form, never echoed back. */
  readonly sensitive?: boolean;
  readonly helpText?: string;
}

/**
 * How the platform gets connected, and so where the truth about "connected" lives:
 * - `app_install`: installing the app is the connection (Shopify). The install lifecycle keeps the
 *   PlatformIntegration row; it can't be connected or disconnected from the dashboard.
 * - `settings_page`: the platform's own settings page, opened by a signed link (Amazon: the consent flow
 *   runs there). The connector (`auth.status()`) is the truth. Credentials may also be sent to the connect
 *   route (self-authorization), which the connector stores itself.
 * - `credentials`: a form of `fields`; the app stores them encrypted and replays them when it builds the
 *   connector. The connector is the truth.
 */
export type ConnectionMethod =
  | { readonly kind: 'app_install' }
  | { readonly kind: 'settings_page'; readonly acceptsCredentials: boolean }
  | { readonly kind: 'credentials'; readonly fields: readonly CredentialField[] };

export interface SyncStart {
  readonly mode: SyncMode;
  readonly trigger: 'manual' | 'schedule';
}

export interface SyncHandle {
  /** The PlatformSyncLog row of the run. */
  readonly syncLogId: string;
  readonly alreadyRunning: boolean;
}

export interface SettingsLink {
  readonly url: string;
  /** ISO 8601: the link refuses to open after this. */
  readonly expiresAt: string;
}

export interface AppPlatformRegistration {
  readonly descriptor: ConnectorDescriptor;
  /** Builds the connector for one tenant; `tenantId` is the shop's Project id. */
  readonly factory: ConnectorFactory;
  readonly connection: ConnectionMethod;
  /** A platform with its own sync service (Shopify's, which also writes the sync log) starts syncs here. */
  readonly startSync?: (projectId: string, start: SyncStart) => Promise<SyncHandle>;
  /** The app's own page with this platform's details, when it has one (Shopify's console page). */
  readonly consolePath?: string;
  /** A settings page outside the app, opened through a link signed for one shop. */
  readonly settingsLink?: (shop: string) => SettingsLink;
  /**
   * False when this app has no configuration to reach the platform at all (Amazon without
   * SERVICE_SHARED_SECRET): no shop can have been connected, so shop/redact has nothing to erase there.
   * Absent means always configured. Not "reachable": a platform that is down is retried, never skipped.
   */
  readonly configured?: () => boolean;
  /** Registered only for tests and demos (the conformance kit's reference connector). */
  readonly testPlatform?: boolean;
}
