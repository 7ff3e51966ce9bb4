// The registry: one registration per platform; one cached connector per (platform, tenant).
import { NotFoundError, ValidationError, ConflictError } from '../errors';
import {
  ConnectorEventEmitter,
  TypedEmitter,
  type ConnectorEventMap,
  type ConnectorEventSource,
} from '../events';
import type { PlatformConnector } from '../interfaces';
import { capabilitiesSchema, normalizePlatformId, parseOrThrow, tenantIdSchema } from '../validation';
import type { ConnectorDescriptor, ConnectorFactory } from './descriptor';

export interface ConnectorRegistryOptions {
  /** Called when a listener throws; default console.error. */
  onListenerError?: (error: unknown, event: unknown) => void;
}

type CacheEntry = { promise: Promise<PlatformConnector>; emitter: ConnectorEventEmitter };

export class ConnectorRegistry {
  private readonly platforms = new Map<string, { descriptor: ConnectorDescriptor; factory: ConnectorFactory }>();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly bus: TypedEmitter<ConnectorEventMap>;
  private readonly onListenerError: ConnectorRegistryOptions['onListenerError'];

  constructor(options: ConnectorRegistryOptions = {}) {
    this.onListenerError = options.onListenerError;
    this.bus = new TypedEmitter<ConnectorEventMap>(
      options.onListenerError ? { onListenerError: options.onListenerError } : {},
    );
  }

  /** Every event from every connector this registry built (each carries platform and tenantId). */
  get events(): ConnectorEventSource {
    return this.bus;
  }

  /** Add a platform. Registering the same platform twice is a ConflictError (use `replace`). */
  register(descriptor: ConnectorDescriptor, factory: ConnectorFactory): this {
    const platform = normalizePlatformId(descriptor.platform);
    if (this.platforms.has(platform)) {
      throw new ConflictError(`platform ${platform} is already registered`);
    }
    return this.put(platform, descriptor, factory);
  }

  /** Swap a platform's registration (disposes its cached connectors). */
  async replace(descriptor: ConnectorDescriptor, factory: ConnectorFactory): Promise<this> {
    const platform = normalizePlatformId(descriptor.platform);
    await this.disposePlatform(platform);
    return this.put(platform, descriptor, factory);
  }

  async unregister(platform: string): Promise<void> {
    const id = normalizePlatformId(platform);
    await this.disposePlatform(id);
    this.platforms.delete(id);
  }

  has(platform: string): boolean {
    return this.platforms.has(platform);
  }

  describe(platform: string): ConnectorDescriptor {
    const entry = this.platforms.get(platform);
    if (!entry) throw new NotFoundError(`platform ${platform} is not registered`, { resource: 'platform', resourceId: platform });
    return entry.descriptor;
  }

  /** Registered platforms with their capabilities, sorted by id. */
  list(): ConnectorDescriptor[] {
    return [...this.platforms.values()]
      .map((e) => e.descriptor)
      .sort((a, b) => a.platform.localeCompare(b.platform));
  }

  /**
   * The tenant's connector for a platform, built once and cached. Concurrent callers share the same
   * construction; a failed construction is not cached.
   */
  async get(platform: string, tenantId: string): Promise<PlatformConnector> {
    const entry = this.platforms.get(platform);
    if (!entry) throw new NotFoundError(`platform ${platform} is not registered`, { resource: 'platform', resourceId: platform });
    parseOrThrow(tenantIdSchema, tenantId, 'tenantId');
    const key = cacheKey(platform, tenantId);
    const cached = this.cache.get(key);
    if (cached) return cached.promise;

    const emitter = new ConnectorEventEmitter({
      platform,
      tenantId,
      ...(this.onListenerError ? { onListenerError: this.onListenerError } : {}),
    });
    emitter.onAny((event) => this.bus.emit(event));
    const promise = Promise.resolve()
      .then(() => entry.factory({ tenantId, descriptor: entry.descriptor, events: emitter }))
      .then((connector) => {
        if (connector.platform !== platform) {
          throw new ValidationError(`factory for ${platform} built a ${connector.platform} connector`);
        }
        return connector;
      });
    this.cache.set(key, { promise, emitter });
    promise.catch(() => {
      if (this.cache.get(key)?.promise === promise) this.cache.delete(key);
    });
    return promise;
  }

  /** Drop a tenant's cached connector (after a disconnect or credential change) and dispose it. */
  async evict(platform: string, tenantId: string): Promise<void> {
    const key = cacheKey(platform, tenantId);
    const entry = this.cache.get(key);
    if (!entry) return;
    this.cache.delete(key);
    await disposeEntry(entry);
  }

  /** Drop all of one tenant's connectors, on every platform (shop uninstalled). */
  async evictTenant(tenantId: string): Promise<void> {
    await Promise.all(
      [...this.cache.keys()]
        .filter((key) => key.endsWith(`\u0000${tenantId}`))
        .map((key) => {
          const [platform] = key.split('\u0000');
          return this.evict(platform as string, tenantId);
        }),
    );
  }

  /** Number of cached connectors (for metrics and tests). */
  get size(): number {
    return this.cache.size;
  }

  /** Dispose every cached connector (server shutdown). */
  async dispose(): Promise<void> {
    const entries = [...this.cache.values()];
    this.cache.clear();
    await Promise.all(entries.map(disposeEntry));
  }

  private put(platform: string, descriptor: ConnectorDescriptor, factory: ConnectorFactory): this {
    parseOrThrow(capabilitiesSchema, descriptor.capabilities, 'capabilities');
    if (!descriptor.displayName) throw ValidationError.field('displayName', 'required', 'required');
    this.platforms.set(platform, { descriptor: { ...descriptor, platform }, factory });
    return this;
  }

  private async disposePlatform(platform: string): Promise<void> {
    const prefix = `${platform}\u0000`;
    const keys = [...this.cache.keys()].filter((k) => k.startsWith(prefix));
    await Promise.all(keys.map((k) => this.evict(platform, k.slice(prefix.length))));
  }
}

function cacheKey(platform: string, tenantId: string): string {
  return `${platform}\u0000${tenantId}`;
}

async function disposeEntry(entry: CacheEntry): Promise<void> {
  entry.emitter.removeAllListeners();
  try {
    const connector = await entry.promise;
    await connector.dispose?.();
  } catch {
    // A connector that never built has nothing to dispose.
  }
}
