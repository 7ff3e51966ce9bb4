import type { AuthorizationCallback, AuthorizationRequest, AuthStatus, PlatformCredentials } from '../types';

export interface AuthOperations {
  /** Who we are connected as, without calling out when avoidable. */
  status(): Promise<AuthStatus>;
  /** Refresh short-lived tokens now (LWA access token); AuthenticationError if the grant is gone. */
  refresh(): Promise<AuthStatus>;
  /** OAuth start: the platform's consent URL (Amazon's Seller Central authorization). */
  authorizationUrl?(request: AuthorizationRequest): Promise<string>;
  /** OAuth callback: verify the state, exchange the code, and return credentials to store encrypted. */
  completeAuthorization?(callback: AuthorizationCallback): Promise<PlatformCredentials>;
}
