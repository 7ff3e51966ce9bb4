// Shopify's library takes the shop from a session token's `dest` claim as it is (after checking the
// signature) and goes on to the token exchange, which throws a plain error (a 500) when that is no shop:
// a `dest` of `https://evil.example`, or none at all. Such a token is refused here first, as a 401; this
// only refuses (the library still verifies every token it is given).
import { isShopDomain } from '@calibr/shared-contracts';
import { logger } from '../../lib/logger.server';

/** Throws a 401 Response when the request's session token decodes to claims whose `dest` is not https://<shop>. */
export function refuseTokenWithoutShop(request: Request): void {
  // Where the library looks: the Authorization header, else the embedded document's `id_token`.
  const url = new URL(request.url);
  const token = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') || url.searchParams.get('id_token') || '';
  if (destIsShop(token)) return;
  // The path only: never the token, nor what it claims.
  logger.warn({ path: url.pathname }, 'session token refused: its dest is not a shop');
  throw new Response('The session token does not name a shop', { status: 401, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
}

/** A token that doesn't decode to claims is left to the library, which refuses it. */
function destIsShop(token: string): boolean {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return true;
  }
  if (typeof claims !== 'object' || claims === null) return true;
  const dest = (claims as { dest?: unknown }).dest;
  if (typeof dest !== 'string') return false;
  try {
    const url = new URL(dest);
    return url.protocol === 'https:' && url.username === '' && url.password === '' && url.port === '' && isShopDomain(url.hostname);
  } catch {
    return false;
  }
}
