import { describe, expect, it } from 'vitest';
import { signSettingsLink, verifySettingsLink } from '../src/settings-page/settings-link';

const secret = 'x'.repeat(40);
const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('settings links', () => {
  it('opens for the shop it was signed for, and only until it expires', () => {
    const now = Date.now();
    const link = signSettingsLink({ serviceUrl: 'http://svc', shop: 'a.myshopify.com', secret, now });
    const id = new URL(link).searchParams.get('id')!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(verifySettingsLink(query(link), secret, now)).toEqual({ ok: true, shop: 'a.myshopify.com', id, expiresAt: new Date((Math.floor(now / 1000) + 300) * 1000) });
    // The id is signed: another id (to open the link again as a "new" one) breaks the signature.
    expect(verifySettingsLink({ ...query(link), id: 'A'.repeat(22) }, secret, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(signSettingsLink({ serviceUrl: 'http://svc', shop: 'a.myshopify.com', secret, now })).not.toBe(link);
    expect(verifySettingsLink(query(link), secret, now + 301_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifySettingsLink({ ...query(link), shop: 'b.myshopify.com' }, secret, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySettingsLink(query(link), 'y'.repeat(40), now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySettingsLink({ shop: 'a.myshopify.com' }, secret, now)).toEqual({ ok: false, reason: 'unsigned' });
  });

  it('refuses a link signed to stay valid too long', () => {
    const now = Date.now();
    const link = signSettingsLink({ serviceUrl: 'http://svc', shop: 'a.myshopify.com', secret, now, ttlSeconds: 86_400 });
    expect(verifySettingsLink(query(link), secret, now)).toEqual({ ok: false, reason: 'too_long' });
  });
});
