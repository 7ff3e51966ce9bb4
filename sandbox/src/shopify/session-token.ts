// App Bridge session tokens: HS256 JWTs signed with the app's secret, as Shopify Admin issues them
// (iss https://{shop}/admin, dest https://{shop}, aud = api key, sub = staff user id, 1-minute life).
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { recordIssuedSecret } from '../core/secret-audit';

export const SESSION_TOKEN_LIFETIME_S = 60;

export interface SessionTokenInput {
  shop: string;
  apiKey: string;
  apiSecret: string;
  userId: number;
  /** Admin session id (stable for a browser session). */
  sid?: string;
  lifetimeSeconds?: number;
}

export async function signSessionToken(input: SessionTokenInput): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ dest: `https://${input.shop}`, sid: input.sid ?? randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`https://${input.shop}/admin`)
    .setAudience(input.apiKey)
    .setSubject(String(input.userId))
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (input.lifetimeSeconds ?? SESSION_TOKEN_LIFETIME_S))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(input.apiSecret));
  // A bearer credential for its minute of life: it must not reach a log line. It travels in URLs by
  // design (id_token), and the app's redirects hand it back to the frame that sent it: logs only.
  recordIssuedSecret('Shopify session token', token, { logsOnly: true });
  return token;
}

export interface VerifiedSessionToken extends JWTPayload {
  dest: string;
  shop: string;
  userId: number;
}

/** Verify a session token for an app; throws with a reason on any problem. */
export async function verifySessionToken(token: string, apiKey: string, apiSecret: string): Promise<VerifiedSessionToken> {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(apiSecret), {
    algorithms: ['HS256'],
    audience: apiKey,
    clockTolerance: 10,
  });
  const dest = typeof payload.dest === 'string' ? payload.dest : '';
  const shop = dest.replace(/^https:\/\//, '');
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) throw new Error('dest is not a shop');
  if (payload.iss !== `${dest}/admin`) throw new Error('iss does not match dest');
  return { ...payload, dest, shop, userId: Number(payload.sub) };
}
