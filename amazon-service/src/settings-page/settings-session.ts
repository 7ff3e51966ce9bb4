// After a signed link is opened, the page lives on a session cookie bound to that one shop (HttpOnly,
// SameSite=Lax so Amazon's consent redirect still carries it). Forms carry a CSRF token derived from the
// session, checked on every POST.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { SignedTokenError, signToken, verifyToken } from '../authorization/signed-token';

export const SESSION_COOKIE = 'calibr_amazon_settings';
const SESSION_PURPOSE = 'amazon-settings-session';
export const SESSION_TTL_MS = 60 * 60_000;

export interface SettingsSession {
  shop: string;
  /** Random per session: the CSRF token is derived from it. */
  sid: string;
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function startSession(res: Response, secret: string, shop: string, secure: boolean): SettingsSession {
  const session: SettingsSession = { shop, sid: randomBytes(16).toString('base64url') };
  const token = signToken(secret, SESSION_PURPOSE, session, SESSION_TTL_MS);
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_TTL_MS });
  return session;
}

export function readSession(req: Request, secret: string): SettingsSession | undefined {
  const token = readCookie(req, SESSION_COOKIE);
  if (!token) return undefined;
  try {
    return verifyToken<SettingsSession>(secret, SESSION_PURPOSE, token).data;
  } catch (error) {
    if (error instanceof SignedTokenError) return undefined;
    throw error;
  }
}

export function endSession(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
}

export function csrfToken(secret: string, session: SettingsSession): string {
  return createHmac('sha256', secret).update(`csrf\n${session.shop}\n${session.sid}`).digest('base64url');
}

export function checkCsrf(secret: string, session: SettingsSession, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, session));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
