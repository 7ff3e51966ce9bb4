// The one place that constructs amazon-sp-api's SellingPartner. Its own conveniences are switched off
// because we do them better elsewhere: token refresh (single flight in lwa/), throttling (bounded, in
// throttling/), and timeout retries (its loop is unbounded and resolves after rejecting).
import type { Agent } from 'node:https';
import { SellingPartner } from 'amazon-sp-api';
import type { ClientSecretRotation } from '../lwa/client-secrets';
import type { Region } from './regions';

export interface LwaAppCredentials {
  clientId: string;
  clientSecret: string;
  /** The app's own client: its secrets during a rotation, tried in turn by the LWA client (clientSecret is the first). */
  rotation?: ClientSecretRotation;
}

export interface Transport {
  /** Routes every request (SP-API, LWA, feed documents) through this agent: the sandbox in tests. */
  httpsAgent?: Agent;
  /** Milliseconds: first byte, and whole response. */
  responseTimeoutMs?: number;
  deadlineMs?: number;
}

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  chunks?: Buffer[];
}

/** The untyped surface of SellingPartner we use (its typings pin each operation's shape). */
export interface SellingPartnerClient {
  callAPI(params: Record<string, unknown>): Promise<unknown>;
  exchange(code: string): Promise<{ access_token: string; refresh_token: string; expires_in: number; token_type: string }>;
  upload(details: { url: string }, feed: { content: string; contentType: string }): Promise<unknown>;
  download(details: { url: string; compressionAlgorithm?: string }, options?: { unzip?: boolean; timeouts?: object }): Promise<unknown>;
}

export interface SellingPartnerConfig {
  region: Region;
  lwa: LwaAppCredentials;
  refreshToken?: string;
  accessToken?: string;
  transport: Transport;
}

export function createSellingPartner(config: SellingPartnerConfig): SellingPartnerClient {
  const { transport } = config;
  return new SellingPartner({
    region: config.region,
    ...(config.refreshToken ? { refresh_token: config.refreshToken } : {}),
    ...(config.accessToken ? { access_token: config.accessToken } : {}),
    credentials: {
      SELLING_PARTNER_APP_CLIENT_ID: config.lwa.clientId,
      SELLING_PARTNER_APP_CLIENT_SECRET: config.lwa.clientSecret,
    },
    endpoints_versions: {
      listingsItems: '2021-08-01',
      catalogItems: '2022-04-01',
      feeds: '2021-06-30',
    },
    options: {
      auto_request_tokens: false,
      auto_request_throttled: false,
      retry_remote_timeout: false,
      // Exchanging a consent code needs no refresh token yet.
      only_grantless_operations: !config.refreshToken,
      debug_log: false,
      timeouts: {
        response: transport.responseTimeoutMs ?? 15_000,
        deadline: transport.deadlineMs ?? 60_000,
      },
      ...(transport.httpsAgent ? { https_proxy_agent: transport.httpsAgent } : {}),
    },
  } as ConstructorParameters<typeof SellingPartner>[0]) as unknown as SellingPartnerClient;
}

/**
 * amazon-sp-api's refreshAccessToken() keeps the token but drops `expires_in`; we need it to cache the
 * token until shortly before it expires. This posts the same refresh_token grant through the package's
 * own transport (same agent, same timeouts) and returns LWA's whole answer.
 */
export async function postLwaToken(client: SellingPartnerClient, form: Record<string, string>): Promise<RawResponse> {
  const internal = client as unknown as {
    _request: { execute(options: Record<string, unknown>): Promise<RawResponse> };
    _current_call_timeouts?: object;
  };
  return internal._request.execute({
    method: 'POST',
    url: 'https://api.amazon.com/auth/o2/token',
    body: JSON.stringify(form),
    headers: { 'Content-Type': 'application/json' },
    timeouts: internal._current_call_timeouts,
  });
}
