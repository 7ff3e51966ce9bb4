// Each connected platform's authorization as its connector reports it (AuthStatus): when it expires
// (Amazon's seller authorization: 365 days) and, when the platform stopped accepting it, why. Platforms
// installed as the Shopify app itself have no authorization of this kind. Each connector answers under the
// health deadline: a slow or unreachable one is reported as unknown, never holding the caller up.
import { healthTimeoutMs } from './platform-status.server';
import { integrationRows } from './platform-integrations.server';
import { getPlatformRegistry } from './registry.server';

export interface PlatformAuthorization {
  platform: string;
  displayName: string;
  /** connected | needs_reconnect */
  status: string;
  /** ISO 8601, when the platform says; null when it doesn't (or didn't answer in time). */
  expiresAt: string | null;
  /** Why it must be reconnected, in the platform's words (status needs_reconnect). */
  reconnectReason: string | null;
}

function withinDeadline<T>(ms: number, work: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([work.catch(() => null), late]).finally(() => clearTimeout(timer));
}

/** The authorizations of the shop's platforms that are connected or need reconnecting. */
export async function platformAuthorizations(projectId: string, timeoutMs = healthTimeoutMs()): Promise<PlatformAuthorization[]> {
  const registry = await getPlatformRegistry();
  const rows = new Map((await integrationRows(projectId)).map((r) => [r.platform, r]));
  const held = registry.all().filter((r) => r.connection.kind !== 'app_install' && ['connected', 'needs_reconnect'].includes(rows.get(r.descriptor.platform)?.status ?? ''));
  return Promise.all(
    held.map(async (registration): Promise<PlatformAuthorization> => {
      const { platform, displayName } = registration.descriptor;
      const row = rows.get(platform)!;
      if (row.status === 'needs_reconnect') return { platform, displayName, status: row.status, expiresAt: null, reconnectReason: row.syncError };
      const auth = await withinDeadline(
        timeoutMs,
        registry.connector(platform, projectId).then((c) => c.auth.status()),
      );
      if (auth && !auth.authenticated && auth.reconnectReason) return { platform, displayName, status: 'needs_reconnect', expiresAt: null, reconnectReason: auth.reconnectReason };
      return { platform, displayName, status: row.status, expiresAt: auth?.expiresAt ?? null, reconnectReason: null };
    }),
  );
}
