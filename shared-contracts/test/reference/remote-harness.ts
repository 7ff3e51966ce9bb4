// A node http server on port 0 serving reference connectors (one per tenant) through the connector
// handler, and RemoteConnectors that reach it over real HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  ConnectorRegistry,
  RemoteConnector,
  createConnectorHandler,
  createMemoryNonceStore,
  money,
  toNodeHandler,
  type ConnectorInfo,
  type PlatformConnector,
} from '../../src';
import type { ConformanceOptions } from '../../src/conformance/run';
import { referenceFixtures } from '../../src/reference/fixtures';
import { ReferenceConnector, type ReferenceConnectorOptions } from '../../src/reference/in-memory-connector';

export const TEST_SECRET = 'test-shared-secret-0123456789abcdef0123456789';

export interface RemoteHarness {
  readonly baseUrl: string;
  readonly registry: ConnectorRegistry;
  /** The server-side connector serving a tenant (for knobs: rate limits, settle). */
  serverConnector(tenantId: string): Promise<ReferenceConnector>;
  /** A RemoteConnector for a tenant (default: a new tenant, so a fresh server-side connector). */
  client(tenantId?: string): RemoteConnector;
  /** The tenant a client made by `client()` speaks for. */
  tenantOf(client: PlatformConnector): string;
  close(): Promise<void>;
}

export async function startRemoteHarness(
  options: ReferenceConnectorOptions = {},
  make: (o: ReferenceConnectorOptions) => ReferenceConnector = (o) => new ReferenceConnector(o),
): Promise<RemoteHarness> {
  const registry = new ConnectorRegistry();
  const probe = make(options);
  registry.register(
    { platform: probe.platform, displayName: probe.name, capabilities: probe.capabilities },
    ({ tenantId, events }) => make({ ...options, tenantId, events }),
  );
  const handler = createConnectorHandler({
    secrets: [TEST_SECRET],
    nonces: createMemoryNonceStore(),
    resolveConnector: (tenantId) => registry.get(probe.platform, tenantId),
  });
  const server: Server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const info: ConnectorInfo = {
    platform: probe.platform,
    name: probe.name,
    version: probe.version,
    capabilities: probe.capabilities,
  };
  const tenants = new WeakMap<PlatformConnector, string>();
  return {
    baseUrl,
    registry,
    serverConnector: async (tenantId) => (await registry.get(probe.platform, tenantId)) as ReferenceConnector,
    client: (tenantId = `tenant-${randomUUID()}`) => {
      const client = new RemoteConnector({ baseUrl, tenantId, secret: TEST_SECRET, info });
      tenants.set(client, tenantId);
      return client;
    },
    tenantOf: (c) => {
      const tenantId = tenants.get(c);
      if (!tenantId) throw new Error('not a client of this harness');
      return tenantId;
    },
    close: async () => {
      await registry.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** Kit options for the reference connector reached through RemoteConnector (a fresh tenant per check). */
export function remoteConformanceOptions(harness: RemoteHarness): ConformanceOptions {
  const server = async (c: PlatformConnector) => harness.serverConnector(harness.tenantOf(c));
  return {
    makeConnector: () => harness.client(),
    fixtures: referenceFixtures,
    simulateRateLimit: async (c, retryAfter) => (await server(c)).simulateRateLimit(1, retryAfter),
    settle: async (c) => (await server(c)).settle(),
    announceOfferChange: async (c) => {
      const connector = await server(c);
      if (connector.capabilities.offerChanges) connector.announceOfferChange(referenceFixtures.listing.externalId);
    },
    announcePricingHealth: async (c) => {
      const connector = await server(c);
      if (connector.capabilities.pricingHealth) connector.announcePricingHealth(referenceFixtures.listing.externalId, money('21.50', 'USD'));
    },
  };
}
