// What the dashboard and /api/platforms say about each platform for one shop: what it is and can do,
// whether it is connected, whether it answers (health, under a deadline), its syncs and listing counts.
// Each platform is checked on its own: one that is down or slow marks its own card, never the list.
import type { AuthStatus, ConnectorCapabilities, HealthStatus, PlatformHealth } from '@calibr/shared-contracts';
import { PlatformUnavailableError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import type { AppPlatformRegistration, CredentialField } from './platform-registration';
import { getPlatformRegistry } from './registry.server';
import { connectionStatusOf, integrationRow, reconcileConnection, type ConnectionStatus, type IntegrationRow } from './platform-integrations.server';
import { syncRunView, type SyncRunView } from './platform-sync.server';

/** How long one platform's live check (connector, auth status, health) may take. */
export function healthTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.PLATFORM_HEALTH_TIMEOUT_MS ?? 5000);
  return Number.isFinite(value) && value > 0 ? value : 5000;
}

export interface HealthView {
  /** `unknown` until checked, and for a platform that isn't connected (nothing to check). */
  status: HealthStatus | 'unknown';
  /** The connector answered (for a remote one: its service is up). Null when not checked. */
  reachable: boolean | null;
  checkedAt: string | null;
  latencyMs?: number;
  message?: string;
  components?: Readonly<Record<string, HealthStatus>>;
}

export interface PlatformView {
  platform: string;
  displayName: string;
  description: string | null;
  remote: boolean;
  testPlatform: boolean;
  capabilities: ConnectorCapabilities;
  /** The app's own page about this platform, if any. */
  consolePath: string | null;
  connection: {
    status: ConnectionStatus;
    accountId: string | null;
    connectedAt: string | null;
    disconnectedAt: string | null;
    method: AppPlatformRegistration['connection']['kind'];
    /** The form fields for `credentials` platforms (never values). */
    fields: CredentialField[];
    acceptsCredentials: boolean;
    canConnect: boolean;
    canDisconnect: boolean;
    hasSettingsPage: boolean;
  };
  health: HealthView;
  sync: {
    /** idle | in_progress | success | error */
    status: string;
    lastSyncAt: string | null;
    error: string | null;
    lastRun: SyncRunView | null;
  };
  listings: { total: number; active: number; linked: number };
}

async function withDeadline<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PlatformUnavailableError(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface LiveCheck {
  health: HealthView;
  auth?: AuthStatus;
}

/** Ask the platform's connector, under the deadline. Never throws: a failure is the platform's health. */
export async function liveCheck(registration: AppPlatformRegistration, projectId: string, row: IntegrationRow | null, timeoutMs = healthTimeoutMs()): Promise<LiveCheck> {
  const { platform, displayName } = registration.descriptor;
  const started = Date.now();
  const notConnected = (reachable: boolean | null): HealthView => ({ status: 'unknown', reachable, checkedAt: new Date().toISOString(), message: 'Not connected' });
  try {
    return await withDeadline(timeoutMs, displayName, async () => {
      const registry = await getPlatformRegistry();
      if (registration.connection.kind === 'app_install' && row?.status !== 'connected') return { health: notConnected(null) };
      const connector = await registry.connector(platform, projectId);
      let auth: AuthStatus | undefined;
      if (registration.connection.kind !== 'app_install') {
        auth = await connector.auth.status();
        if (!auth.authenticated) {
          // Refused authorization: the platform's reason is what the merchant needs to read.
          if (auth.reconnectReason) return { health: { status: 'unavailable', reachable: true, checkedAt: new Date().toISOString(), message: auth.reconnectReason }, auth };
          return { health: notConnected(true), auth };
        }
      }
      const health: PlatformHealth = await connector.healthCheck();
      return {
        health: {
          status: health.status,
          reachable: true,
          checkedAt: health.checkedAt,
          ...(health.latencyMs !== undefined ? { latencyMs: health.latencyMs } : {}),
          ...(health.message ? { message: health.message } : {}),
          ...(health.components ? { components: health.components } : {}),
        },
        ...(auth ? { auth } : {}),
      };
    });
  } catch (error) {
    return {
      health: {
        status: 'unavailable',
        reachable: false,
        checkedAt: new Date().toISOString(),
        latencyMs: Date.now() - started,
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

interface ShopFacts {
  rows: Map<string, IntegrationRow>;
  lastRuns: Map<string, SyncRunView>;
  counts: Map<string, { total: number; active: number; linked: number }>;
}

async function shopFacts(projectId: string): Promise<ShopFacts> {
  const [rows, byStatus, linked, running] = await Promise.all([
    db.platformIntegration.findMany({ where: { projectId } }),
    db.listing.groupBy({ by: ['platform', 'status'], where: { projectId, status: { not: 'deleted' } }, _count: { _all: true } }),
    db.listing.groupBy({ by: ['platform'], where: { projectId, status: { not: 'deleted' }, productLinkId: { not: null } }, _count: { _all: true } }),
    db.platformSyncLog.findMany({ where: { projectId }, orderBy: { startedAt: 'desc' }, distinct: ['platform'] }),
  ]);
  const counts = new Map<string, { total: number; active: number; linked: number }>();
  const entry = (platform: string) => counts.get(platform) ?? (counts.set(platform, { total: 0, active: 0, linked: 0 }), counts.get(platform)!);
  for (const group of byStatus) {
    const c = entry(group.platform);
    c.total += group._count._all;
    if (group.status === 'active') c.active += group._count._all;
  }
  for (const group of linked) entry(group.platform).linked = group._count._all;
  return {
    rows: new Map(rows.map((r) => [r.platform, r])),
    lastRuns: new Map(running.map((r) => [r.platform, syncRunView(r)])),
    counts,
  };
}

function viewOf(registration: AppPlatformRegistration, row: IntegrationRow | null, facts: ShopFacts, health: HealthView): PlatformView {
  const { platform, displayName, description, capabilities, remote } = registration.descriptor;
  const status = connectionStatusOf(row);
  const method = registration.connection;
  return {
    platform,
    displayName,
    description: description ?? null,
    remote: remote === true,
    testPlatform: registration.testPlatform === true,
    capabilities,
    consolePath: registration.consolePath ?? null,
    connection: {
      status,
      accountId: row?.externalId ?? null,
      connectedAt: row && status === 'connected' ? row.connectedAt.toISOString() : null,
      disconnectedAt: row?.disconnectedAt?.toISOString() ?? null,
      method: method.kind,
      fields: method.kind === 'credentials' ? [...method.fields] : [],
      acceptsCredentials: method.kind === 'credentials' || (method.kind === 'settings_page' && method.acceptsCredentials),
      canConnect: method.kind !== 'app_install' && status !== 'connected',
      canDisconnect: method.kind !== 'app_install' && status === 'connected',
      hasSettingsPage: registration.settingsLink !== undefined,
    },
    health,
    sync: {
      status: row?.syncStatus ?? 'idle',
      lastSyncAt: row?.lastSyncAt?.toISOString() ?? null,
      error: row?.syncError ?? null,
      lastRun: facts.lastRuns.get(platform) ?? null,
    },
    listings: facts.counts.get(platform) ?? { total: 0, active: 0, linked: 0 },
  };
}

const UNCHECKED: HealthView = { status: 'unknown', reachable: null, checkedAt: null };

/**
 * One platform's view. `live` asks the connector (reconciling the connection it owns); without it the
 * view comes from the database only (fast, for the first render), health `unknown`.
 */
export async function platformView(projectId: string, registration: AppPlatformRegistration, options: { live: boolean }): Promise<PlatformView> {
  const { platform } = registration.descriptor;
  let row = await integrationRow(projectId, platform);
  let health = UNCHECKED;
  if (options.live) {
    const check = await liveCheck(registration, projectId, row);
    health = check.health;
    if (check.auth && registration.connection.kind !== 'app_install') row = await reconcileConnection(projectId, registration, check.auth);
  }
  return viewOf(registration, row, await shopFacts(projectId), health);
}

/** Every registered platform, checked side by side; each check has its own deadline. */
export async function platformViews(projectId: string, options: { live: boolean }): Promise<PlatformView[]> {
  const registry = await getPlatformRegistry();
  const registrations = registry.all();
  const checks = await Promise.all(
    registrations.map(async (registration) => {
      if (!options.live) return { registration, health: UNCHECKED };
      const { platform } = registration.descriptor;
      const check = await liveCheck(registration, projectId, await integrationRow(projectId, platform));
      if (check.auth && registration.connection.kind !== 'app_install') await reconcileConnection(projectId, registration, check.auth);
      return { registration, health: check.health };
    }),
  );
  const facts = await shopFacts(projectId);
  return checks.map(({ registration, health }) => viewOf(registration, facts.rows.get(registration.descriptor.platform) ?? null, facts, health));
}
