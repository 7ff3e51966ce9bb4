// Calls SP-API operations for one seller through amazon-sp-api, with our own token cache, limiter and
// bounded retries around each call. The package is asked for raw results, so its unbounded 429 loop and
// token refresh never run; every answer's status, headers and body come back here.
import { PlatformUnavailableError, RateLimitedError } from '@calibr/shared-contracts';
import type { AccessToken, AccessTokenCache } from '../lwa/access-token-cache';
import type { LwaClient } from '../lwa/lwa-client';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../throttling/retry-policy';
import { sleep, type SpApiRateLimiter } from '../throttling/rate-limiter';
import { throttledLevel } from '../throttling/usage-plans';
import { errorFromResponse, parseAmazonErrors } from './amazon-errors';
import type { Region } from './regions';
import { createSellingPartner, type LwaAppCredentials, type RawResponse, type Transport } from './selling-partner';

export interface SellerAuthorization {
  /** Limiter and token cache key: one per integration (seller + app + region). */
  key: string;
  sellingPartnerId: string;
  region: Region;
  lwa: LwaAppCredentials;
  refreshToken: string;
  /** A grantless client (no seller): its token is the application's, from the client_credentials grant with this scope. */
  grantlessScope?: string;
}

export interface SpApiServices {
  tokens: AccessTokenCache;
  limiter: SpApiRateLimiter;
  lwa: LwaClient;
  transport: Transport;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** Called with a fresh access token, e.g. to keep it (encrypted) for the next process. */
  onAccessToken?: (auth: SellerAuthorization, token: AccessToken) => Promise<void> | void;
  /** LWA answered invalid_grant: the integration needs reconnecting. */
  onRevoked?: (auth: SellerAuthorization, error: Error) => Promise<void> | void;
}

export interface CallOptions {
  /** Longest this call may wait for its turn before failing with RateLimitedError. */
  maxWaitMs?: number;
  /** Overrides the retry policy for this call. */
  retry?: Partial<RetryPolicy>;
  /**
   * false for a call Amazon must not receive twice (patchListingsItem, createFeed): when the connection
   * drops after the request went out, it is not sent again here but fails with AnswerLostError, and the
   * caller checks what Amazon holds before anything is sent again. A 5xx answer is not retried either.
   */
  idempotent?: boolean;
}

/** The request went out and no answer came back: Amazon may or may not have acted on it. */
export class AnswerLostError extends PlatformUnavailableError {}

export interface SpApiRequest {
  /** `endpoint.operation` as amazon-sp-api names it, e.g. `listingsItems.searchListingsItems`. */
  operation: string;
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  version?: string;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'API_RESPONSE_TIMEOUT', 'API_DEADLINE_TIMEOUT', 'API_IDLE_TIMEOUT', 'UND_ERR_SOCKET']);
/** Failures before a byte of the request left: nothing reached Amazon. */
export const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function header(res: RawResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class SpApiClient {
  private readonly policy: RetryPolicy;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(
    readonly auth: SellerAuthorization,
    private readonly services: SpApiServices,
  ) {
    this.policy = services.retry ?? DEFAULT_RETRY_POLICY;
    this.wait = services.sleep ?? sleep;
  }

  get sellingPartnerId(): string {
    return this.auth.sellingPartnerId;
  }

  /** A valid LWA access token for this seller (cached; one refresh at a time). */
  accessToken(): Promise<AccessToken> {
    const { tokens, lwa, onAccessToken, onRevoked } = this.services;
    const { grantlessScope } = this.auth;
    if (grantlessScope) return tokens.get(this.auth.key, () => lwa.grantlessAccessToken(this.auth.region, this.auth.lwa, grantlessScope));
    return tokens.get(this.auth.key, async () => {
      try {
        const token = await lwa.refreshAccessToken(this.auth.region, this.auth.lwa, this.auth.refreshToken);
        await onAccessToken?.(this.auth, token);
        return token;
      } catch (error) {
        if ((error as { platformError?: { code?: string } }).platformError?.code === 'invalid_grant') {
          await onRevoked?.(this.auth, error as Error);
        }
        throw error;
      }
    });
  }

  /** Calls one operation; returns Amazon's JSON body (`{}` for 204). */
  async call<T = unknown>(request: SpApiRequest, options: CallOptions = {}): Promise<T> {
    const policy = { ...this.policy, ...options.retry };
    const operationName = request.operation.split('.').pop()!;
    const started = Date.now();
    let throttledTries = 0;
    let transientTries = 0;
    let refreshedAfter403 = false;
    for (;;) {
      // The application's share is per LWA client: every seller this process calls for with it draws on it.
      await this.services.limiter.acquire(this.auth.key, operationName, options.maxWaitMs, this.auth.lwa.clientId);
      const token = await this.accessToken();
      let res: RawResponse;
      try {
        res = await this.send(request, token.accessToken);
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        transientTries++;
        if (options.idempotent === false && NETWORK_CODES.has(code) && !NOT_SENT_CODES.has(code)) {
          throw new AnswerLostError(`Amazon's answer to ${operationName} was lost (${code}); what Amazon holds is checked before sending again`, {
            platform: 'amazon',
            cause: error,
          });
        }
        if (!NETWORK_CODES.has(code) || transientTries >= policy.transientAttempts || Date.now() - started > policy.maxElapsedMs) {
          throw new PlatformUnavailableError(`Amazon ${operationName} did not answer (${code || (error as Error).message})`, {
            platform: 'amazon',
            cause: error,
          });
        }
        await this.wait(backoffDelayMs(policy, transientTries - 1));
        continue;
      }

      // Amazon counted this call by now: the seller's plan counts from here (SpApiRateLimiter.answered), at
      // the rate Amazon says (2xx and usage-plan 429s carry the header).
      this.services.limiter.answered(this.auth.key, operationName);
      this.services.limiter.observeLimitHeader(this.auth.key, operationName, header(res, 'x-amzn-ratelimit-limit'));
      if (res.statusCode >= 200 && res.statusCode < 300) {
        if (res.statusCode === 204 || res.body.trim() === '') return {} as T;
        return JSON.parse(res.body) as T;
      }

      if (res.statusCode === 429) {
        const said = parseAmazonErrors(res.body)[0]?.message;
        const level = throttledLevel(said);
        this.services.limiter.throttled(this.auth.key, operationName, level, this.auth.lwa.clientId);
        throttledTries++;
        const elapsed = Date.now() - started;
        const bucket = (level === 'application' && this.services.limiter.applicationBucket(this.auth.lwa.clientId, operationName)) || this.services.limiter.bucket(this.auth.key, operationName);
        const floor = Math.ceil(1000 / bucket.ratePerSecond);
        if (throttledTries >= policy.throttledAttempts || elapsed > policy.maxElapsedMs) {
          const whom = level === 'application' ? 'for this application (all its sellers together)' : 'for this seller';
          throw new RateLimitedError(
            floor / 1000,
            `Amazon kept throttling ${operationName} ${whom} (${throttledTries} answers of 429 QuotaExceeded over ${Math.round(elapsed / 1000)} s); retry later`,
            { platform: 'amazon', platformError: { code: 'QuotaExceeded', message: said ?? 'You exceeded your quota for the requested resource.' } },
          );
        }
        await this.wait(backoffDelayMs(policy, throttledTries - 1, Math.min(floor, policy.maxDelayMs)));
        continue;
      }

      if (res.statusCode === 403 && !refreshedAfter403) {
        const code = parseAmazonErrors(res.body)[0]?.code;
        if (code === 'Unauthorized') {
          // Most often an access token that expired in flight: drop exactly that one and try once more.
          refreshedAfter403 = true;
          this.services.tokens.invalidate(this.auth.key, token.accessToken);
          continue;
        }
      }

      // A 5xx may come after Amazon acted: a call it must not receive twice is not sent again blind.
      if (res.statusCode >= 500 && options.idempotent !== false) {
        transientTries++;
        if (transientTries < policy.transientAttempts && Date.now() - started <= policy.maxElapsedMs) {
          await this.wait(backoffDelayMs(policy, transientTries - 1));
          continue;
        }
      }
      throw errorFromResponse(operationName, res.statusCode, res.body);
    }
  }

  private async send(request: SpApiRequest, accessToken: string): Promise<RawResponse> {
    const { grantlessScope } = this.auth;
    const client = createSellingPartner({
      region: this.auth.region,
      lwa: this.auth.lwa,
      ...(grantlessScope ? {} : { refreshToken: this.auth.refreshToken, accessToken }),
      transport: this.services.transport,
    });
    // amazon-sp-api sends a grantless operation with the token it holds for the scope: ours, from the cache.
    if (grantlessScope) (client as unknown as { _grantless_tokens: Record<string, string> })._grantless_tokens[grantlessScope] = accessToken;
    return (await client.callAPI({
      operation: request.operation,
      ...(request.path ? { path: { ...request.path } } : {}),
      ...(request.query ? { query: { ...request.query } } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      options: { raw_result: true, ...(request.version ? { version: request.version } : {}) },
    })) as RawResponse;
  }

  /** PUTs a feed document to its pre-signed URL with the same content type createFeedDocument was given. */
  async upload(url: string, content: string, contentType: string): Promise<void> {
    const client = createSellingPartner({ region: this.auth.region, lwa: this.auth.lwa, refreshToken: this.auth.refreshToken, transport: this.services.transport });
    let tries = 0;
    for (;;) {
      try {
        await client.upload({ url }, { content, contentType });
        return;
      } catch (error) {
        tries++;
        const code = (error as { code?: string }).code ?? '';
        if (!NETWORK_CODES.has(code) || tries >= this.policy.transientAttempts) {
          throw new PlatformUnavailableError(`uploading the feed document failed (${code || (error as Error).message})`, { platform: 'amazon', cause: error });
        }
        await this.wait(backoffDelayMs(this.policy, tries - 1));
      }
    }
  }

  /** Downloads a feed/report document, gunzipping it when Amazon says GZIP. */
  async download(url: string, compressionAlgorithm?: string): Promise<string> {
    const client = createSellingPartner({ region: this.auth.region, lwa: this.auth.lwa, refreshToken: this.auth.refreshToken, transport: this.services.transport });
    try {
      // amazon-sp-api gunzips when the document says GZIP, and decodes by the response's charset.
      return String(await client.download({ url, ...(compressionAlgorithm ? { compressionAlgorithm } : {}) }, { unzip: true }));
    } catch (error) {
      throw new PlatformUnavailableError(`downloading the processing report failed (${(error as Error).message})`, { platform: 'amazon', cause: error });
    }
  }
}
