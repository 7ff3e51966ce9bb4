// /api/platforms/registry: each registered connector, its version and capabilities, its health for the
// shop, and for a remote connector what its service reports serving (compared with what the app expects).
import { RemoteConnector, type ConnectorCapabilities, type ConnectorInfo } from '@calibr/shared-contracts';
import type { PlatformRegistry } from './registry.server';
import { integrationRow } from './platform-integrations.server';
import { healthTimeoutMs, liveCheck, type HealthView } from './platform-status.server';

export interface RegistryEntryView {
  platform: string;
  displayName: string;
  description: string | null;
  remote: boolean;
  testPlatform: boolean;
  connectionMethod: string;
  /** The connector's version (for a remote one, as its service reports it; null when unreachable). */
  version: string | null;
  capabilities: ConnectorCapabilities;
  health: HealthView;
  /** Remote connectors only: what the service says it serves. */
  service: null | { reachable: boolean; info: ConnectorInfo | null; matchesExpected: boolean | null; message?: string };
}

function sameCapabilities(a: ConnectorCapabilities, b: ConnectorCapabilities): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ConnectorCapabilities>;
  return [...keys].every((k) => a[k] === b[k]);
}

async function serviceInfo(registry: PlatformRegistry, platform: string, projectId: string, expected: ConnectorCapabilities): Promise<NonNullable<RegistryEntryView['service']>> {
  const timeout = healthTimeoutMs();
  let timer: NodeJS.Timeout | undefined;
  try {
    const connector = await registry.connector(platform, projectId);
    if (!(connector instanceof RemoteConnector)) return { reachable: true, info: null, matchesExpected: null };
    const info = await Promise.race([
      connector.call('info', {}),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
      }),
    ]);
    return { reachable: true, info, matchesExpected: info.platform === platform && sameCapabilities(info.capabilities, expected) };
  } catch (error) {
    return { reachable: false, info: null, matchesExpected: null, message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function registryViews(registry: PlatformRegistry, projectId: string): Promise<RegistryEntryView[]> {
  return Promise.all(
    registry.all().map(async (registration) => {
      const { platform, displayName, description, capabilities, remote } = registration.descriptor;
      const [check, service] = await Promise.all([
        integrationRow(projectId, platform).then((row) => liveCheck(registration, projectId, row)),
        remote ? serviceInfo(registry, platform, projectId, capabilities) : Promise.resolve(null),
      ]);
      let version: string | null = service?.info?.version ?? null;
      if (!remote) version = await registry.connector(platform, projectId).then((c) => c.version, () => null);
      return {
        platform,
        displayName,
        description: description ?? null,
        remote: remote === true,
        testPlatform: registration.testPlatform === true,
        connectionMethod: registration.connection.kind,
        version,
        capabilities,
        health: check.health,
        service,
      };
    }),
  );
}
