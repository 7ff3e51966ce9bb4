// Compact HMAC-SHA256 signed tokens (payload.signature, both base64url) for the consent `state` and the
// settings-page links and sessions. Each use has its own purpose string, so one kind of token is never
// accepted as another.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class SignedTokenError extends Error {
  constructor(readonly reason: 'malformed' | 'bad_signature' | 'expired' | 'wrong_purpose') {
    super(`signed token refused: ${reason}`);
    this.name = 'SignedTokenError';
  }
}

interface Envelope<T> {
  purpose: string;
  exp: number;
  data: T;
}

function mac(secret: string, purpose: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}.${payload}`).digest();
}

export function signToken<T>(secret: string, purpose: string, data: T, ttlMs: number, now = Date.now()): string {
  const envelope: Envelope<T> = { purpose, exp: now + ttlMs, data };
  const payload = Buffer.from(JSON.stringify(envelope)).toString('base64url');
  return `${payload}.${mac(secret, purpose, payload).toString('base64url')}`;
}

export function verifyToken<T>(secret: string, purpose: string, token: unknown, now = Date.now()): { data: T; expiresAt: number } {
  if (typeof token !== 'string' || token.length > 4096) throw new SignedTokenError('malformed');
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) throw new SignedTokenError('malformed');
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, purpose, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new SignedTokenError('bad_signature');
  let envelope: Envelope<T>;
  try {
    envelope = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Envelope<T>;
  } catch {
    throw new SignedTokenError('malformed');
  }
  if (envelope.purpose !== purpose) throw new SignedTokenError('wrong_purpose');
  if (typeof envelope.exp !== 'number' || envelope.exp <= now) throw new SignedTokenError('expired');
  return { data: envelope.data, expiresAt: envelope.exp };
}
