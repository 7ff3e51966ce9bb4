// A PlatformConnector whose work happens in another service, reached over the signed route contract.
// Errors come back as problem details and are rebuilt into the same typed errors.
import { randomUUID } from 'node:crypto';
import { ConnectorError, PlatformUnavailableError, RateLimitedError, fromProblem } from '../errors';
import { ConnectorEventEmitter, type ConnectorEventSource } from '../events';
import type { AuthOperations, PlatformConnector, PricingOperations, ProductOperations } from '../interfaces';
import type {
  AuthorizationCallback,
  AuthorizationRequest,
  BatchUpdateResult,
  CompetitiveOffersRequest,
  FeeEstimatesRequest,
  OfferChangesRequest,
  ConnectorCapabilities,
  PlatformCredentials,
  PlatformHealth,
  PlatformId,
  PriceLookupOptions,
  PriceUpdate,
  PriceUpdateResult,
  ProductFilter,
  SyncOptions,
  SyncResult,
  TenantErasure,
} from '../types';
import { CONNECTOR_BASE_PATH, CONNECTOR_ROUTES, routePath, type ConnectorInfo, type ConnectorRouteIO, type ConnectorRouteName } from './routes';
import { signRequest } from './signing';
import { connectorInfoSchema, tenantErasureSchema } from '../validation';

const UNKNOWN_INFO: ConnectorInfo = {
  platform: 'unknown',
  name: 'remote connector',
  version: '0.0.0',
  capabilities: {
    productRead: false,
    productSync: false,
    priceRead: false,
    priceUpdate: false,
    batchPriceUpdate: false,
    maxBatchSize: 1,
    priceUpdateMode: 'synchronous',
    minMaxPrice: false,
    compareAtPrice: false,
    marketplaces: false,
    webhooks: false,
    competitivePricing: false,
  },
};

export interface RemoteConnectorOptions {
  /** Service origin, e.g. AMAZON_SERVICE_URL (`http://127.0.0.1:4020`). */
  baseUrl: string;
  tenantId: string;
  /** The signing secret: the first of SERVICE_SHARED_SECRET. */
  secret: string;
  /** What the service serves; from the registry descriptor, or fetched by `RemoteConnector.connect`. */
  info: ConnectorInfo;
  basePath?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Events are published here (the registry passes its emitter); default a private one. */
  events?: ConnectorEventEmitter;
  fetch?: typeof fetch;
}

export class RemoteConnector implements PlatformConnector {
  readonly platform: PlatformId;
  readonly name: string;
  readonly version: string;
  readonly capabilities: ConnectorCapabilities;
  readonly products: ProductOperations;
  readonly pricing: PricingOperations;
  readonly auth: AuthOperations;
  private readonly emitter: ConnectorEventEmitter;
  private readonly options: Required<Pick<RemoteConnectorOptions, 'baseUrl' | 'tenantId' | 'secret' | 'basePath' | 'timeoutMs'>> & {
    fetch: typeof fetch;
  };

  constructor(options: RemoteConnectorOptions) {
    if (!options.secret) throw new Error('RemoteConnector needs the shared secret: service calls are always signed');
    this.platform = options.info.platform;
    this.name = options.info.name;
    this.version = options.info.version;
    this.capabilities = options.info.capabilities;
    this.options = {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      tenantId: options.tenantId,
      secret: options.secret,
      basePath: options.basePath ?? CONNECTOR_BASE_PATH,
      timeoutMs: options.timeoutMs ?? 30_000,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    };
    this.emitter = options.events ?? new ConnectorEventEmitter({ platform: this.platform, tenantId: options.tenantId });

    this.products = {
      list: (filter?: ProductFilter) => this.call('listProducts', { body: filter ?? {} }),
      get: (externalId: string) => this.call('getProduct', { query: { externalId } }),
      sync: (options: SyncOptions) => this.sync(options),
    };
    this.pricing = {
      getPrice: (externalId: string, lookup?: PriceLookupOptions) =>
        this.call('getPrice', { query: { externalId, ...(lookup?.marketplaceId ? { marketplaceId: lookup.marketplaceId } : {}) } }),
      updatePrice: (update: PriceUpdate) => this.updatePrice(update),
      batchUpdatePrices: (updates: readonly PriceUpdate[]) => this.batchUpdatePrices(updates),
      getUpdateResult: (idempotencyKey: string) => this.call('getUpdateResult', { query: { idempotencyKey } }),
      getUpdateResults: (idempotencyKeys: readonly string[]) => this.call('getUpdateResults', { body: { idempotencyKeys } }),
      // Only where the service declares it, so `getCompetitiveOffers` present means it can be called.
      ...(this.capabilities.competitivePricing
        ? { getCompetitiveOffers: (request: CompetitiveOffersRequest) => this.call('getCompetitiveOffers', { body: request }) }
        : {}),
      ...(this.capabilities.feeEstimates ? { getFeeEstimates: (request: FeeEstimatesRequest) => this.call('getFeeEstimates', { body: request }) } : {}),
      // A long poll answers after up to `waitSeconds`: the call's own timeout is longer by that much.
      ...(this.capabilities.offerChanges
        ? {
            getOfferChanges: (request: OfferChangesRequest) =>
              this.call('getOfferChanges', { body: request, extraTimeoutMs: (request.waitSeconds ?? 0) * 1000 }),
          }
        : {}),
    };
    this.auth = {
      status: () => this.call('authStatus', {}),
      refresh: () => this.call('authRefresh', {}),
      authorizationUrl: async (request: AuthorizationRequest) => (await this.call('authorizationUrl', { body: request })).url,
      completeAuthorization: (callback: AuthorizationCallback) => this.call('completeAuthorization', { body: callback }),
    };
  }

  /** Build a RemoteConnector by asking the service what it serves (`GET /connector/info`). */
  static async connect(options: Omit<RemoteConnectorOptions, 'info'>): Promise<RemoteConnector> {
    // A provisional client only to make the one signed `info` call; its own metadata is never read.
    const provisional = new RemoteConnector({ ...options, info: UNKNOWN_INFO });
    const answer = await provisional.call('info', {});
    const parsed = connectorInfoSchema.safeParse(answer);
    if (!parsed.success) {
      throw new ConnectorError('internal', `${options.baseUrl} answered GET info with invalid connector metadata`);
    }
    return new RemoteConnector({ ...options, info: parsed.data });
  }

  get events(): ConnectorEventSource {
    return this.emitter;
  }

  async isAuthenticated(): Promise<boolean> {
    return (await this.call('isAuthenticated', {})).authenticated;
  }

  async authenticate(credentials: PlatformCredentials): Promise<void> {
    await this.call('authenticate', { body: credentials });
  }

  async disconnect(): Promise<void> {
    await this.call('disconnect', {});
  }

  healthCheck(): Promise<PlatformHealth> {
    return this.call('health', {});
  }

  async eraseTenant(): Promise<TenantErasure> {
    const parsed = tenantErasureSchema.safeParse(await this.call('eraseTenant', {}));
    // The caller logs and relies on this report; a malformed one is the service's fault, not "nothing erased".
    if (!parsed.success) throw new ConnectorError('internal', `${this.name} service answered eraseTenant with an invalid erasure report`);
    return parsed.data;
  }

  private async sync(options: SyncOptions): Promise<SyncResult> {
    const result = await this.call('syncProducts', { body: options });
    // The service's connector emitted these in its own process; mirror them here for local subscribers.
    if (!options?.cursor) this.emitter.publish({ type: 'sync.started', syncId: result.syncId, mode: result.mode });
    this.emitter.publish({
      type: 'sync.finished',
      syncId: result.syncId,
      mode: result.mode,
      status: result.status,
      itemsSynced: result.itemsSynced,
      itemsFailed: result.itemsFailed,
      done: result.nextCursor === null,
    });
    return result;
  }

  private async updatePrice(update: PriceUpdate): Promise<PriceUpdateResult> {
    const result = await this.call('updatePrice', { body: update });
    this.emitter.priceUpdateResult(result);
    return result;
  }

  private async batchUpdatePrices(updates: readonly PriceUpdate[]): Promise<BatchUpdateResult> {
    const batch = await this.call('batchUpdatePrices', { body: { updates } });
    for (const result of batch.results) this.emitter.priceUpdateResult(result);
    return batch;
  }

  /** One signed call. */
  async call<N extends ConnectorRouteName>(
    name: N,
    input: { query?: Record<string, string>; body?: unknown; extraTimeoutMs?: number },
  ): Promise<ConnectorRouteIO[N]['response']> {
    const spec = CONNECTOR_ROUTES[name];
    const search = input.query ? `?${new URLSearchParams(input.query).toString()}` : '';
    const path = `${routePath(name, this.options.basePath)}${search}`;
    const body = spec.method === 'POST' ? JSON.stringify(input.body ?? {}) : undefined;
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      'x-request-id': randomUUID(),
      ...signRequest({ method: spec.method, path, tenantId: this.options.tenantId, body, secret: this.options.secret }),
    };
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await this.options.fetch(`${this.options.baseUrl}${path}`, {
        method: spec.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.options.timeoutMs + (input.extraTimeoutMs ?? 0)),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new PlatformUnavailableError(
        timedOut ? `${this.name} service did not answer within ${this.options.timeoutMs} ms` : `${this.name} service is unreachable`,
        { platform: this.platform, cause: error },
      );
    }

    const text = await response.text();
    if (response.ok) {
      if (response.status === 204 || text === '') return undefined as ConnectorRouteIO[N]['response'];
      try {
        return JSON.parse(text) as ConnectorRouteIO[N]['response'];
      } catch (error) {
        throw new ConnectorError('internal', `${this.name} service answered with invalid JSON`, { cause: error });
      }
    }
    throw this.errorFrom(response, text);
  }

  private errorFrom(response: Response, text: string): ConnectorError {
    let problem: unknown;
    try {
      problem = JSON.parse(text);
    } catch {
      problem = { status: response.status, detail: `${this.name} service answered HTTP ${response.status}` };
    }
    const error = fromProblem(problem, response.status);
    // A proxy may send only the header; honour it when the problem carried no retryAfter.
    const header = response.headers.get('retry-after');
    if (error instanceof RateLimitedError && error.retryAfter === 0 && header && /^\d+$/.test(header)) {
      return new RateLimitedError(Number(header), error.message, {
        ...(error.detail ? { detail: error.detail } : {}),
        ...(error.platform ? { platform: error.platform } : {}),
      });
    }
    return error;
  }
}
