// Login with Amazon: the refresh_token grant (an access token for SP-API calls) and the
// authorization_code grant (a consent's one-time spapi_oauth_code for a refresh token).
import { AuthenticationError, PlatformUnavailableError, ValidationError } from '@calibr/shared-contracts';
import { createSellingPartner, postLwaToken, type LwaAppCredentials, type Transport } from '../sp-api/selling-partner';
import type { Region } from '../sp-api/regions';
import type { AccessToken } from './access-token-cache';

/** LWA refused the refresh token: the seller revoked the app or the token is wrong. Reconnect needed. */
export class RefreshTokenRevokedError extends AuthenticationError {
  constructor(description: string) {
    super('Amazon no longer accepts this seller’s authorization; reconnect the Amazon account', {
      platform: 'amazon',
      platformError: { code: 'invalid_grant', message: description },
    });
  }
}

function refusedClient(error: unknown): boolean {
  const code = (error as { platformError?: { code?: string } }).platformError?.code;
  return error instanceof AuthenticationError && (code === 'invalid_client' || code === 'unauthorized_client');
}

/** Runs `attempt` with the app's secrets in turn while LWA refuses the client (a rotation under way). */
async function withEachSecret<T>(app: LwaAppCredentials, attempt: (secret: string) => Promise<T>): Promise<T> {
  const secrets = app.rotation?.secrets() ?? [app.clientSecret];
  if (secrets.length === 0) secrets.push(app.clientSecret);
  for (let i = 0; ; i++) {
    try {
      const result = await attempt(secrets[i]!);
      app.rotation?.accepted(secrets[i]!);
      return result;
    } catch (error) {
      if (i + 1 < secrets.length && refusedClient(error)) continue;
      throw error;
    }
  }
}

interface LwaAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

export class LwaClient {
  constructor(
    private readonly transport: Transport,
    private readonly now: () => number = Date.now,
  ) {}

  /** The refresh_token grant; during a secret rotation each of the app's secrets is tried in turn. */
  refreshAccessToken(region: Region, app: LwaAppCredentials, refreshToken: string): Promise<AccessToken> {
    return withEachSecret(app, (secret) => this.refreshWith(region, { clientId: app.clientId, clientSecret: secret }, refreshToken));
  }

  /**
   * The client_credentials grant for grantless operations (e.g. scope `sellingpartnerapi::notifications`:
   * destinations, deleting subscriptions): the application's own token, no seller's.
   */
  grantlessAccessToken(region: Region, app: LwaAppCredentials, scope: string): Promise<AccessToken> {
    return withEachSecret(app, (secret) => this.tokenWith(region, { clientId: app.clientId, clientSecret: secret }, { grant_type: 'client_credentials', scope }));
  }

  private refreshWith(region: Region, app: LwaAppCredentials, refreshToken: string): Promise<AccessToken> {
    return this.tokenWith(region, app, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  private async tokenWith(region: Region, app: LwaAppCredentials, grant: Record<string, string>): Promise<AccessToken> {
    const client = createSellingPartner({ region, lwa: app, ...(grant.refresh_token ? { refreshToken: grant.refresh_token } : {}), transport: this.transport });
    let res;
    try {
      res = await postLwaToken(client, { ...grant, client_id: app.clientId, client_secret: app.clientSecret });
    } catch (error) {
      throw new PlatformUnavailableError('Login with Amazon is unreachable', { platform: 'amazon', cause: error });
    }
    let answer: LwaAnswer;
    try {
      answer = JSON.parse(res.body) as LwaAnswer;
    } catch {
      throw new PlatformUnavailableError(`Login with Amazon answered HTTP ${res.statusCode} without JSON`, { platform: 'amazon' });
    }
    if (answer.access_token) {
      const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 3600;
      const issuedAt = this.now();
      return { accessToken: answer.access_token, issuedAt, expiresAt: issuedAt + lifetime * 1000 };
    }
    if (answer.error === 'invalid_grant') throw new RefreshTokenRevokedError(answer.error_description ?? 'invalid_grant');
    if (answer.error === 'invalid_client' || answer.error === 'unauthorized_client') {
      throw new AuthenticationError('Login with Amazon refused the app’s client id or secret', {
        platform: 'amazon',
        platformError: { code: answer.error, message: answer.error_description ?? answer.error },
      });
    }
    if (res.statusCode >= 500 || res.statusCode === 429) {
      // An LWA outage: keep its own words (server_error / temporarily_unavailable) for the merchant.
      const said = answer.error ? `: ${answer.error}${answer.error_description ? ` (${answer.error_description})` : ''}` : '';
      throw new PlatformUnavailableError(`Login with Amazon answered HTTP ${res.statusCode}${said}`, {
        platform: 'amazon',
        ...(answer.error ? { platformError: { code: answer.error, message: answer.error_description ?? answer.error } } : {}),
      });
    }
    throw new AuthenticationError(`Login with Amazon refused the token request: ${answer.error ?? res.statusCode}`, {
      platform: 'amazon',
      platformError: { code: answer.error ?? String(res.statusCode), message: answer.error_description ?? '' },
    });
  }

  /** Exchanges a consent's spapi_oauth_code (valid 5 minutes, once) for the seller's refresh token. */
  exchangeAuthorizationCode(region: Region, app: LwaAppCredentials, code: string): Promise<{ refreshToken: string; accessToken: AccessToken }> {
    // A refused client secret is known before the code is looked at, so the code survives to the next try.
    return withEachSecret(app, (secret) => this.exchangeWith(region, { clientId: app.clientId, clientSecret: secret }, code));
  }

  private async exchangeWith(region: Region, app: LwaAppCredentials, code: string): Promise<{ refreshToken: string; accessToken: AccessToken }> {
    const client = createSellingPartner({ region, lwa: app, transport: this.transport });
    try {
      const answer = await client.exchange(code);
      return {
        refreshToken: answer.refresh_token,
        accessToken: { accessToken: answer.access_token, issuedAt: this.now(), expiresAt: this.now() + (answer.expires_in || 3600) * 1000 },
      };
    } catch (error) {
      const e = error as { code?: string; message?: string };
      if (e.code === 'invalid_grant' || e.code === 'invalid_request') {
        throw new ValidationError([{ path: 'spapi_oauth_code', message: 'the consent code is expired, used or unknown; start the connection again', code: e.code }], {
          platform: 'amazon',
          platformError: { code: e.code, message: e.message ?? '' },
        });
      }
      if (e.code === 'invalid_client' || e.code === 'unauthorized_client') {
        throw new AuthenticationError('Login with Amazon refused the app’s client id or secret', {
          platform: 'amazon',
          platformError: { code: e.code, message: e.message ?? '' },
        });
      }
      throw new PlatformUnavailableError('Login with Amazon could not exchange the consent code', { platform: 'amazon', cause: error });
    }
  }
}
