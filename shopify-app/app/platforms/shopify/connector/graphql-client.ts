// The Admin GraphQL client the connector uses: Shopify's own `@shopify/admin-api-client` for the
// transport, with our per-shop throttle scheduler in front and bounded retries for 5xx and network
// errors. THROTTLED replies are waited out (never surfaced) up to a limit.
import { createAdminApiClient, type AdminApiClient } from '@shopify/admin-api-client';
import {
  AuthenticationError,
  AuthorizationError,
  ConnectorError,
  PlatformUnavailableError,
  RateLimitedError,
} from '@calibr/shared-contracts';
import { SHOPIFY_API_VERSION } from './api-version';
import { ThrottleScheduler, type ThrottleStatus } from './throttle';

export interface RetryPolicy {
  /** Attempts for one request on 5xx / network errors, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** THROTTLED replies waited out before giving up with RateLimitedError. */
  maxThrottledRetries: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  maxThrottledRetries: 20,
};

/** Where the connector gets the shop's current offline token (refreshed when it expires). */
export interface AccessTokenProvider {
  getAccessToken(): Promise<string>;
  /** Called after a 401: the token is dead; the provider should refresh it or fail. */
  onUnauthorized?(): Promise<void>;
}

export interface ShopifyGraphqlClientOptions {
  shop: string;
  token: AccessTokenProvider;
  apiVersion?: string;
  scheduler?: ThrottleScheduler;
  retry?: Partial<RetryPolicy>;
  customFetchApi?: (url: string, init?: RequestInit) => Promise<Response>;
}

export interface RequestOptions {
  variables?: Record<string, unknown>;
  /** What to learn/remember this request's cost under; defaults to the document itself. */
  costKey?: string;
}

export interface GraphqlResult<T> {
  data: T;
  requestedQueryCost?: number;
  actualQueryCost?: number;
  throttleStatus?: ThrottleStatus;
}

/** Top-level GraphQL errors that aren't THROTTLED (bad document, access denied…). */
export class ShopifyGraphqlError extends ConnectorError {
  readonly graphQLErrors: readonly { message: string; extensions?: Record<string, unknown> }[];
  constructor(errors: readonly { message: string; extensions?: Record<string, unknown> }[]) {
    super('internal', `Shopify GraphQL error: ${errors.map((e) => e.message).join('; ')}`, {
      platform: 'shopify',
      platformError: {
        code: String(errors[0]?.extensions?.code ?? 'GRAPHQL_ERROR'),
        message: errors[0]?.message ?? 'GraphQL error',
      },
    });
    this.graphQLErrors = errors;
  }
}

const schedulers = new Map<string, ThrottleScheduler>();

/** One scheduler per shop in this process, so every client of a shop shares its view of the bucket. */
export function schedulerForShop(shop: string, create: () => ThrottleScheduler = () => new ThrottleScheduler()) {
  let scheduler = schedulers.get(shop);
  if (!scheduler) {
    scheduler = create();
    schedulers.set(shop, scheduler);
  }
  return scheduler;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ShopifyGraphqlClient {
  readonly shop: string;
  readonly scheduler: ThrottleScheduler;
  private readonly token: AccessTokenProvider;
  private readonly apiVersion: string;
  private readonly retry: RetryPolicy;
  private readonly customFetchApi: ShopifyGraphqlClientOptions['customFetchApi'];
  private client: { token: string; api: AdminApiClient } | undefined;
  /** Requested cost last seen per cost key, so the scheduler can reserve it before sending. */
  private readonly knownCosts = new Map<string, number>();

  constructor(options: ShopifyGraphqlClientOptions) {
    this.shop = options.shop;
    this.token = options.token;
    this.apiVersion = options.apiVersion ?? SHOPIFY_API_VERSION;
    this.scheduler = options.scheduler ?? schedulerForShop(options.shop);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.customFetchApi = options.customFetchApi;
  }

  private async api(): Promise<AdminApiClient> {
    const token = await this.token.getAccessToken();
    if (!this.client || this.client.token !== token) {
      this.client = {
        token,
        api: createAdminApiClient({
          storeDomain: this.shop,
          apiVersion: this.apiVersion,
          accessToken: token,
          retries: 0,
          ...(this.customFetchApi ? { customFetchApi: this.customFetchApi as never } : {}),
        }),
      };
    }
    return this.client.api;
  }

  async request<T>(document: string, options: RequestOptions = {}): Promise<GraphqlResult<T>> {
    const costKey = options.costKey ?? document;
    let attempt = 0;
    let throttledRetries = 0;
    let reauthenticated = false;
    let priority = false;
    for (;;) {
      const ticket = await this.scheduler.acquire(() => this.knownCosts.get(costKey), { priority });
      priority = false;
      let response: Awaited<ReturnType<AdminApiClient['request']>>;
      try {
        const api = await this.api();
        response = await api.request(document, { variables: options.variables as never });
      } catch (error) {
        // The client reports HTTP and network failures in `errors`; a throw here is our own bug or a
        // failure to get a token. Release the slot before deciding.
        this.scheduler.release(ticket);
        throw error;
      }
      const cost = response.extensions?.cost;
      const status = toThrottleStatus(cost?.throttleStatus);
      const requested = cost?.requestedQueryCost;
      if (requested !== undefined) this.knownCosts.set(costKey, requested);

      const errors = response.errors;
      const graphQLErrors = errors?.graphQLErrors ?? [];
      const throttled = graphQLErrors.some((e) => e.extensions?.code === 'THROTTLED');
      if (throttled) {
        this.scheduler.throttled(ticket, status, requested);
        if (++throttledRetries > this.retry.maxThrottledRetries) {
          const waitS = status ? Math.max(0, ((requested ?? 0) - status.currentlyAvailable) / status.restoreRate) : 1;
          throw new RateLimitedError(waitS, 'Shopify kept throttling this request', { platform: 'shopify' });
        }
        priority = true;
        continue;
      }
      this.scheduler.release(ticket, {
        ...(status ? { status } : {}),
        ...(cost?.actualQueryCost != null ? { actualCost: cost.actualQueryCost } : {}),
      });

      const httpStatus = errors?.networkStatusCode;
      if (errors && graphQLErrors.length === 0) {
        // Transport-level: an HTTP status that isn't 200, or no response at all.
        if (httpStatus === 401) {
          if (!reauthenticated && this.token.onUnauthorized) {
            reauthenticated = true;
            await this.token.onUnauthorized();
            continue;
          }
          throw new AuthenticationError(`Shopify refused the access token for ${this.shop}`, { platform: 'shopify' });
        }
        if (httpStatus === 403) {
          throw new AuthorizationError(`Shopify denied access for ${this.shop}`, { platform: 'shopify' });
        }
        if (httpStatus === 402 || httpStatus === 423) {
          throw new PlatformUnavailableError(`Shop ${this.shop} is unavailable (HTTP ${httpStatus})`, { platform: 'shopify' });
        }
        // No answer at all to a mutation: Shopify may have applied it, so it is not sent blind again here;
        // the caller checks what Shopify holds before it sends anything again.
        if (httpStatus === undefined && isMutation(document)) {
          throw new AnswerLostError(
            `Shopify's answer was lost for ${this.shop} (${errors.message ?? 'no response'}); what Shopify holds is checked before sending again`,
            { platform: 'shopify' },
          );
        }
        const retryable = httpStatus === undefined || httpStatus === 429 || httpStatus >= 500;
        if (retryable && ++attempt < this.retry.maxAttempts) {
          await sleep(this.backoff(attempt, errors.response));
          continue;
        }
        if (httpStatus === 429) {
          throw new RateLimitedError(retryAfterSeconds(errors.response) ?? 1, 'Shopify rate limited the request', { platform: 'shopify' });
        }
        throw new PlatformUnavailableError(
          `Shopify Admin API failed for ${this.shop}: ${errors.message ?? `HTTP ${httpStatus}`}`,
          { platform: 'shopify' },
        );
      }
      if (graphQLErrors.length > 0 && !response.data) {
        const denied = graphQLErrors.some((e) => e.extensions?.code === 'ACCESS_DENIED');
        if (denied) throw new AuthorizationError(graphQLErrors[0]!.message, { platform: 'shopify' });
        throw new ShopifyGraphqlError(graphQLErrors);
      }
      return {
        data: response.data as T,
        ...(requested !== undefined ? { requestedQueryCost: requested } : {}),
        ...(cost?.actualQueryCost != null ? { actualQueryCost: cost.actualQueryCost } : {}),
        ...(status ? { throttleStatus: status } : {}),
      };
    }
  }

  /** Exponential backoff with full jitter, bounded; honours Retry-After when the server sends one. */
  private backoff(attempt: number, response: Response | undefined): number {
    const retryAfter = retryAfterSeconds(response);
    if (retryAfter !== undefined) return Math.min(retryAfter * 1000, this.retry.maxDelayMs);
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return cap / 2 + Math.random() * (cap / 2);
  }
}

/** A mutation got no answer at all: Shopify may have acted on it (callers that can look check before resending). */
export class AnswerLostError extends PlatformUnavailableError {}

/** A GraphQL document whose (first) operation is a mutation; comments and whitespace skipped. */
export function isMutation(document: string): boolean {
  return /^mutation\b/.test(document.replace(/^(?:\s|#[^\n]*\n?)*/, ''));
}

function retryAfterSeconds(response: Response | undefined): number | undefined {
  const header = response?.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function toThrottleStatus(raw: { maximumAvailable?: number; currentlyAvailable?: number; restoreRate?: number } | undefined): ThrottleStatus | undefined {
  if (!raw || raw.maximumAvailable === undefined || raw.currentlyAvailable === undefined || raw.restoreRate === undefined) {
    return undefined;
  }
  return {
    maximumAvailable: raw.maximumAvailable,
    currentlyAvailable: raw.currentlyAvailable,
    restoreRate: raw.restoreRate,
  };
}
