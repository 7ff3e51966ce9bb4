// The settings page's forms, refused, in the seller's words: each posted over real HTTP (signed link, session,
// CSRF) to the service talking to the sandbox's Amazon; the page comes back with the reason at the field
// that needs it, what the seller typed (never a secret), and no developer vocabulary. Plus the way back to
// Calibrate in Shopify Admin (here the sandbox's Admin shell). Run on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA, DEMO_SELLER, MX, US, connectDemoSeller, openSettingsSession, startHarness, type Harness } from './support/harness';

const SHOP = 'messages-shop.myshopify.com';
const BR = 'A2Q3Y263D00KWC';
const DE = 'A1PA6795UKMFR9';
let h: Harness;

/** What a seller reads on the page: its text, tags and attributes gone. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The message Polaris shows under a field (its InlineError, `<id>Error`). */
function errorAt(html: string, fieldId: string): string | undefined {
  const at = html.indexOf(`id="${fieldId}Error"`);
  if (at < 0) return undefined;
  const end = html.indexOf('</div></div>', at);
  return visibleText(html.slice(html.indexOf('>', at) + 1, end)).trim();
}

const DEVELOPER_WORDS = [/Invalid input/i, /nonoptional/i, /sellingPartnerId/, /marketplaceIds/, /lwaClient/, /refreshToken/, /\brequired\b/, /invalid_grant/, /\bregion (na|eu|fe)\b/, /too_small|invalid_format/];

function expectSellerWordsOnly(html: string): void {
  const text = visibleText(html);
  for (const word of DEVELOPER_WORDS) expect(text, `the page shows ${word}`).not.toMatch(word);
}

async function post(session: { cookie: string; csrf: string }, form: string, fields: Record<string, string | string[]>): Promise<{ status: number; html: string; location: string | null }> {
  const body = new URLSearchParams({ _csrf: session.csrf });
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  const res = await fetch(`${h.service.url}/settings/amazon/${form}`, { method: 'POST', headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
  return { status: res.status, html: await res.text(), location: res.headers.get('location') };
}

export function settingsMessagesSuite(provider: 'sqlite' | 'postgresql'): void {
  describe(`refused settings forms, in the seller’s words (${provider})`, () => {
    beforeAll(async () => {
      h = await startHarness({ provider });
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });

    it('an empty credentials form: a message at each field, none of the form’s internals', async () => {
      const session = await openSettingsSession(h.service.url, SHOP);
      const { status, html } = await post(session, 'credentials', { region: 'na', sellingPartnerId: '', lwaClientId: '', lwaClientSecret: '', refreshToken: '' });
      expect(status).toBe(400);
      expect(html).toContain('id="page-error"');
      expect(visibleText(html)).toContain('Check the fields marked below.');
      expect(errorAt(html, 'self-sellingPartnerId')).toMatch(/^Enter your Seller ID \(it starts with A, like A1B2C3D4E5F6G7\)/);
      expect(errorAt(html, 'self-lwaClientId')).toMatch(/^Enter your app’s LWA client identifier/);
      expect(errorAt(html, 'self-lwaClientSecret')).toMatch(/^Enter your app’s LWA client secret/);
      expect(errorAt(html, 'self-refreshToken')).toMatch(/^Enter the refresh token Seller Central showed/);
      expect(errorAt(html, 'self-region')).toBeUndefined();
      expectSellerWordsOnly(html);
    });

    it('marketplaces outside the region are named, and what the seller typed comes back (secrets never do)', async () => {
      const session = await openSettingsSession(h.service.url, SHOP);
      const secret = 'amzn1.oa2-cs.v1.typed-but-refused-secret';
      const { status, html } = await post(session, 'credentials', { region: 'na', marketplaceIds: [US, DE], sellingPartnerId: 'a2calibrdemona', lwaClientId: 'amzn1.application-oa2-client.x', lwaClientSecret: secret, refreshToken: 'Atzr|typed-but-refused-token' });
      expect(status).toBe(400);
      expect(visibleText(html)).toContain('Germany is not in North America. Choose marketplaces in that region, or change the region.');
      expect(html).toMatch(/id="self-sellingPartnerId"[^>]*value="a2calibrdemona"/);
      expect(html).toMatch(/id="self-A1PA6795UKMFR9"[^>]*checked=""/);
      expect(html).not.toContain(secret);
      expect(html).not.toContain('typed-but-refused-token');
      expectSellerWordsOnly(html);
    });

    it('Amazon’s refusals: a refresh token it doesn’t accept, a marketplace the seller doesn’t sell in', async () => {
      const seller = h.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
      const session = await openSettingsSession(h.service.url, SHOP);
      const own = { region: 'na', sellingPartnerId: seller.sellerId, lwaClientId: seller.lwa.clientId, lwaClientSecret: seller.lwa.clientSecret };
      const badToken = await post(session, 'credentials', { ...own, refreshToken: 'Atzr|not-a-token-amazon-issued' });
      expect(badToken.status).toBe(400);
      expect(errorAt(badToken.html, 'self-refreshToken')).toMatch(/^Amazon didn’t accept this refresh token/);
      expectSellerWordsOnly(badToken.html);

      const brazil = await post(session, 'credentials', { ...own, refreshToken: seller.lwa.refreshToken, marketplaceIds: [US, BR] });
      expect(brazil.status).toBe(400);
      expect(visibleText(brazil.html)).toContain('Your Amazon seller account doesn’t sell in Brazil.');
      expect(brazil.html).not.toContain(seller.lwa.refreshToken);
      expectSellerWordsOnly(brazil.html);
    });

    it('connect: a marketplace of another region; marketplaces before any seller is connected', async () => {
      const session = await openSettingsSession(h.service.url, SHOP);
      const connect = await post(session, 'connect', { region: 'eu', marketplaceIds: [US, CA] });
      expect(connect.status).toBe(400);
      expect(visibleText(connect.html)).toContain('Canada and United States are not in Europe.');
      expectSellerWordsOnly(connect.html);

      const early = await post(session, 'marketplaces', { region: 'na', marketplaceIds: US });
      expect(early.status).toBe(400);
      expect(visibleText(early.html)).toContain('Connect your Amazon seller account first.');
    });

    it('a connected seller: none chosen is refused at the field; a valid choice is saved and shown by name', async () => {
      const shop = 'messages-connected.myshopify.com';
      await connectDemoSeller(h, shop, [US]);
      const session = await openSettingsSession(h.service.url, shop);
      const page = await (await fetch(`${h.service.url}/settings/amazon`, { headers: { cookie: session.cookie } })).text();
      const text = visibleText(page);
      expect(text).toContain('Calibrate Demo Outfitters'); // the store name Amazon's Sellers API gives
      expect(text).toContain(`Seller ID (merchant token): ${DEMO_SELLER}`);
      expect(text).toContain('Calibrate is connected to your Amazon seller account');
      expect(text).toContain('Marketplaces: United States');
      expect(text).not.toContain(US); // ids stay in the form's values, not in what the seller reads

      const none = await post(session, 'marketplaces', { region: 'na' });
      expect(none.status).toBe(400);
      expect(visibleText(none.html)).toContain('Choose at least one marketplace.');
      expect(none.html).toMatch(/id="choose-marketplaces-error"/);
      expectSellerWordsOnly(none.html);

      const saved = await post(session, 'marketplaces', { region: 'na', marketplaceIds: [US, MX] });
      expect(saved.status).toBe(303);
      expect(saved.location).toBe('/settings/amazon?notice=marketplaces');
      const after = visibleText(await (await fetch(`${h.service.url}${saved.location}`, { headers: { cookie: session.cookie } })).text());
      expect(after).toContain('Marketplaces saved.');
      expect(after).toMatch(/Marketplaces: (United States, Mexico|Mexico, United States)/);
    });

    it('Amazon’s redirect back, refused: the seller’s browser lands on the page with a sentence; other clients get the problem', async () => {
      const session = await openSettingsSession(h.service.url, SHOP);
      const callback = `${h.service.url}/api/integrations/amazon/auth/callback?state=forged-state&selling_partner_id=${DEMO_SELLER}&spapi_oauth_code=ANxyz`;
      const browser = await fetch(callback, { headers: { cookie: session.cookie, accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }, redirect: 'manual' });
      expect(browser.status).toBe(303);
      expect(browser.headers.get('location')).toBe('/settings/amazon?notice=consent_failed');
      const page = await (await fetch(`${h.service.url}${browser.headers.get('location')}`, { headers: { cookie: session.cookie } })).text();
      expect(visibleText(page)).toContain('Amazon didn’t confirm the connection, so nothing changed.');
      expectSellerWordsOnly(page);
      const client = await fetch(callback, { headers: { cookie: session.cookie }, redirect: 'manual' });
      expect(client.status).toBeGreaterThanOrEqual(400);
      expect(client.headers.get('content-type')).toContain('application/problem+json');
      await client.text();
      expect(await h.database.db.amazonIntegration.count({ where: { tenant: { shopDomain: SHOP } } })).toBe(0);
    });

    it('every page a shop opens leads back to Calibrate in its Admin (here the sandbox’s Admin shell)', async () => {
      const session = await openSettingsSession(h.service.url, SHOP);
      const page = await (await fetch(`${h.service.url}/settings/amazon`, { headers: { cookie: session.cookie } })).text();
      const back = `${new URL(h.sandbox.url).origin}/store/messages-shop/apps/calibrate-pricing/app/integrations`;
      expect(page).toMatch(new RegExp(`<a id="back-to-calibrate"[^>]*href="${back.replace(/[.]/g, '\\.')}"`));
      expect(visibleText(page)).toContain('Back to Calibrate');
      // A form refused for its token still shows the way back.
      const refused = await post({ ...session, csrf: 'x'.repeat(session.csrf.length) }, 'disconnect', {});
      expect(refused.status).toBe(403);
      expect(refused.html).toContain(back);
    });
  });
}
