// The link the app opens to reach a remote connector's own settings page (a service's, e.g. the Amazon
// service's): signed for one shop with the shared secret (HMAC-SHA256), short-lived, and carrying a random
// id so the page can open it once (the service records the id as used). Anyone without the secret can't
// make one, and a link for one shop never opens another's page. The app signs, the service verifies.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a freshly signed link may be opened. */
export const SETTINGS_LINK_TTL_SECONDS = 300;
/** Links valid for longer than this are refused, whoever signed them: a leaked link must die quickly. */
export const SETTINGS_LINK_MAX_TTL_SECONDS = 900;

// The label is the one the Amazon service signed with before the link moved into the contract: kept, so links
// already handed out still open across a deploy.
function linkMac(secret: string, shop: string, exp: number, id: string): string {
  return createHmac('sha256', secret).update(`calibr-amazon-settings-link\n${shop}\n${exp}\n${id}`).digest('hex');
}

export interface SignSettingsLinkOptions {
  /** The service's base URL. */
  serviceUrl: string;
  /** The service's route that opens the page. */
  path: string;
  shop: string;
  secret: string;
  ttlSeconds?: number;
  now?: number;
}

/** The URL that opens this shop's settings page on the service. */
export function signSettingsLink(options: SignSettingsLinkOptions): string {
  const exp = Math.floor((options.now ?? Date.now()) / 1000) + (options.ttlSeconds ?? SETTINGS_LINK_TTL_SECONDS);
  const id = randomBytes(16).toString('base64url');
  const url = new URL(options.path, options.serviceUrl);
  url.searchParams.set('shop', options.shop);
  url.searchParams.set('exp', String(exp));
  url.searchParams.set('id', id);
  url.searchParams.set('sig', linkMac(options.secret, options.shop, exp, id));
  return url.toString();
}

/** A valid link's `id` (to be used up once) and when it stops opening anyway. */
export type SettingsLinkCheck = { ok: true; shop: string; id: string; expiresAt: Date } | { ok: false; reason: 'unsigned' | 'bad_signature' | 'expired' | 'too_long' };

export function verifySettingsLink(query: Record<string, unknown>, secret: string, now = Date.now()): SettingsLinkCheck {
  const { shop, exp, id, sig } = query;
  if (typeof shop !== 'string' || typeof exp !== 'string' || typeof id !== 'string' || typeof sig !== 'string' || !shop || !/^\d{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    return { ok: false, reason: 'unsigned' };
  }
  const expected = Buffer.from(linkMac(secret, shop, Number(exp), id), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(sig) ? sig : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  if (Number(exp) * 1000 <= now) return { ok: false, reason: 'expired' };
  if (Number(exp) * 1000 - now > SETTINGS_LINK_MAX_TTL_SECONDS * 1000) return { ok: false, reason: 'too_long' };
  return { ok: true, shop, id, expiresAt: new Date(Number(exp) * 1000) };
}
