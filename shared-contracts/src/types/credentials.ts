// Credentials handed to `authenticate`. Secrets: never log these, store them encrypted.
import type { PlatformId } from './platform';

/** An offline access token for one shop (from OAuth or token exchange). */
export interface ShopifyCredentials {
  readonly platform: 'shopify';
  /** `example.myshopify.com`. */
  readonly shopDomain: string;
  readonly accessToken: string;
  /** Granted scopes, comma separated as Shopify returns them. */
  readonly scope?: string;
}

export type AmazonRegion = 'na' | 'eu' | 'fe';

/** A Selling Partner's LWA refresh token and where it sells. */
export interface AmazonCredentials {
  readonly platform: 'amazon';
  readonly sellingPartnerId: string;
  readonly refreshToken: string;
  readonly region: AmazonRegion;
  readonly marketplaceIds: readonly string[];
  /** The app's LWA client; defaults to the service's own configuration when absent. */
  readonly lwaClientId?: string;
  readonly lwaClientSecret?: string;
}

/** Any other platform: an account id plus named secrets. */
export interface GenericCredentials {
  readonly platform: PlatformId;
  readonly accountId?: string;
  readonly secrets: Readonly<Record<string, string>>;
}

export type PlatformCredentials = ShopifyCredentials | AmazonCredentials | GenericCredentials;

export interface AuthStatus {
  readonly authenticated: boolean;
  /** Shop domain, selling partner id… */
  readonly accountId?: string;
  readonly scopes?: readonly string[];
  /** ISO 8601, for credentials that expire (LWA access tokens, an Amazon seller's authorization). */
  readonly expiresAt?: string;
  /**
   * Not authenticated because the platform stopped accepting the merchant's authorization (expired,
   * revoked): why, in words for the merchant. The connection then needs reconnecting, not connecting.
   */
  readonly reconnectReason?: string;
}

export interface AuthorizationRequest {
  readonly redirectUri: string;
  /** Anti-CSRF state the caller stores and checks on callback. */
  readonly state: string;
  readonly scopes?: readonly string[];
}

export interface AuthorizationCallback {
  /** The callback's query parameters, verbatim (code, state, hmac, selling_partner_id, …). */
  readonly params: Readonly<Record<string, string>>;
  readonly redirectUri: string;
  /** The state the caller issued, to compare. */
  readonly expectedState: string;
}
