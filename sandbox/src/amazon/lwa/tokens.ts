// Login with Amazon's tokens: refresh tokens (one per seller authorization of an app), short-lived
// access tokens (`Atza|…`) and website-authorization codes (`spapi_oauth_code`).
import { createHash, randomBytes } from 'node:crypto';
import { recordIssuedSecret } from '../../core/secret-audit';
import type { AmazonWorld } from '../world';
import type { AccessTokenRecord, AuthorizationCode, RefreshTokenRecord } from '../state';

export function randomToken(prefix: string, bytes: number): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** A stable refresh token for a seeded authorization, so demo identities survive restarts. */
export function deterministicRefreshToken(sellerId: string, clientId: string): string {
  return `Atzr|${createHash('sha256').update(`sandbox-refresh:${sellerId}:${clientId}`).digest('base64url')}`;
}

export function createRefreshToken(world: AmazonWorld, sellerId: string, clientId: string, token?: string): RefreshTokenRecord {
  const record: RefreshTokenRecord = {
    token: token ?? randomToken('Atzr|', 64),
    sellerId,
    clientId,
    createdAt: new Date(world.now()).toISOString(),
    revoked: false,
  };
  recordIssuedSecret('LWA refresh token', record.token);
  world.state.refreshTokens[record.token] = record;
  world.changed();
  return record;
}

export function issueAccessToken(
  world: AmazonWorld,
  grant: { clientId: string; sellerId?: string; refreshToken?: string; scope?: string },
): AccessTokenRecord {
  purgeExpired(world);
  const record: AccessTokenRecord = {
    token: randomToken('Atza|', 48),
    ...grant,
    expiresAt: world.now() + world.ms(world.options.accessTokenTtlSeconds),
  };
  recordIssuedSecret('LWA access token', record.token);
  world.state.accessTokens[record.token] = record;
  world.changed();
  return record;
}

/** Seconds until expiry on the real clock, which is what a client must wait (the TTL scaled). */
export function expiresInSeconds(world: AmazonWorld, record: AccessTokenRecord): number {
  return Math.max(1, Math.round((record.expiresAt - world.now()) / 1000));
}

export type AccessCheck =
  | { ok: true; record: AccessTokenRecord }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

export function checkAccessToken(world: AmazonWorld, token: string | undefined): AccessCheck {
  if (!token) return { ok: false, reason: 'missing' };
  const record = world.state.accessTokens[token];
  if (!record) return { ok: false, reason: 'invalid' };
  if (record.refreshToken && world.state.refreshTokens[record.refreshToken]?.revoked) return { ok: false, reason: 'invalid' };
  if (record.expiresAt <= world.now()) return { ok: false, reason: 'expired' };
  return { ok: true, record };
}

export function revokeRefreshToken(world: AmazonWorld, token: string): boolean {
  const record = world.state.refreshTokens[token];
  if (!record) return false;
  record.revoked = true;
  world.changed();
  return true;
}

/** Ends every access token now (all, or one seller's): the next SP-API call sees "expired". */
export function expireAccessTokens(world: AmazonWorld, sellerId?: string): number {
  let n = 0;
  for (const record of Object.values(world.state.accessTokens)) {
    if (sellerId && record.sellerId !== sellerId) continue;
    record.expiresAt = Math.min(record.expiresAt, world.now() - 1);
    n++;
  }
  world.changed();
  return n;
}

export function createAuthorizationCode(
  world: AmazonWorld,
  grant: Omit<AuthorizationCode, 'code' | 'expiresAt' | 'used'>,
): AuthorizationCode {
  // Amazon's codes are short opaque strings of letters.
  const code = randomBytes(15).toString('base64').replace(/[^A-Za-z]/g, '').padEnd(20, 'Q').slice(0, 20);
  const record: AuthorizationCode = {
    ...grant,
    code,
    expiresAt: world.now() + world.ms(world.options.authorizationCodeTtlSeconds),
    used: false,
  };
  recordIssuedSecret('SP-API authorization code', code);
  world.state.authorizationCodes[code] = record;
  world.changed();
  return record;
}

function purgeExpired(world: AmazonWorld): void {
  const horizon = world.now() - 24 * 3600 * 1000;
  for (const [token, record] of Object.entries(world.state.accessTokens)) {
    if (record.expiresAt < horizon) delete world.state.accessTokens[token];
  }
  for (const [code, record] of Object.entries(world.state.authorizationCodes)) {
    if (record.expiresAt < horizon) delete world.state.authorizationCodes[code];
  }
}
