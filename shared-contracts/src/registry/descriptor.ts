// What a platform registers: who it is, what it can do, and how to build its connector for a tenant.
import type { ConnectorEventEmitter } from '../events';
import type { PlatformConnector } from '../interfaces';
import type { ConnectorCapabilities, PlatformId } from '../types';

export interface ConnectorDescriptor {
  readonly platform: PlatformId;
  readonly displayName: string;
  readonly capabilities: ConnectorCapabilities;
  readonly description?: string;
  /** True when the connector runs in another service and is reached with RemoteConnector. */
  readonly remote?: boolean;
}

export interface ConnectorFactoryContext {
  readonly tenantId: string;
  readonly descriptor: ConnectorDescriptor;
  /**
   * The emitter the connector must publish its events on. The registry wires it to its own
   * subscribers, so the app subscribes once for every platform and tenant.
   */
  readonly events: ConnectorEventEmitter;
}

export type ConnectorFactory = (context: ConnectorFactoryContext) => PlatformConnector | Promise<PlatformConnector>;

export interface PlatformRegistration {
  readonly descriptor: ConnectorDescriptor;
  readonly factory: ConnectorFactory;
}
