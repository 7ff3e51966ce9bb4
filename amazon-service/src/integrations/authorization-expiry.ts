// A seller's authorization of the app ends 365 days after the seller gave it (Amazon's "Renew
// Authorizations": the seller authorizes the app again in Seller Central). We count from when the service
// stored it (each connection or reconnection), warn the merchant 30 days ahead, and when LWA then refuses
// the refresh token the integration turns needs_reconnect with that reason.
import type { AmazonContext } from '../amazon-context';

export interface AuthorizationExpiry {
  /** ISO 8601: when Amazon stops accepting the seller's refresh token. */
  expiresAt: string;
  expired: boolean;
  /** "Reconnect Amazon before <date> …" inside the warning window (or once expired), else null. */
  warning: string | null;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function authorizationExpiry(ctx: Pick<AmazonContext, 'clock' | 'authorizationLifetimeMs' | 'authorizationWarningMs'>, authorizedAt: Date): AuthorizationExpiry {
  const expiresAt = authorizedAt.getTime() + ctx.authorizationLifetimeMs;
  const now = ctx.clock.now();
  const expired = now >= expiresAt;
  let warning: string | null = null;
  if (expired) warning = `Amazon's authorization of this seller account ended on ${day(expiresAt)}: reconnect Amazon to keep prices flowing`;
  else if (expiresAt - now <= ctx.authorizationWarningMs) {
    warning = `Reconnect Amazon before ${day(expiresAt)}: the seller's authorization ends then (Amazon asks for it again every year)`;
  }
  return { expiresAt: new Date(expiresAt).toISOString(), expired, warning };
}

/** Why LWA refused a refresh token: the authorization ran out, or the seller took it back. */
export function refusalReason(ctx: Pick<AmazonContext, 'clock' | 'authorizationLifetimeMs' | 'authorizationWarningMs'>, authorizedAt: Date, lwaSaid: string): string {
  const expiry = authorizationExpiry(ctx, authorizedAt);
  return expiry.expired
    ? `the seller's authorization expired on ${day(Date.parse(expiry.expiresAt))} (Amazon asks for it again every 365 days): reconnect the Amazon account`
    : `Login with Amazon refused the seller's refresh token (${lwaSaid}): the seller revoked the app or the token is wrong`;
}
