// Things that work once and only for whoever they were made for, on SQLite and PostgreSQL, over real HTTP
// with the sandbox playing Amazon: a signed app↔service request (its nonce is used up: a replay within the
// clock window is refused, also when the copies arrive at once), a settings link (opens one session), and
// Seller Central's redirect back (only in the browser whose settings session started the consent).
import { describe, beforeAll, afterAll, expect, it } from 'vitest';
import { testDatabaseProviders } from '@calibr/db';
import { RemoteConnector, signRequest } from '@calibr/shared-contracts';
import { signSettingsLink } from '../src/settings-page/settings-link';
import { SHARED_SECRET, approveConsent, json, openSettingsSession, signedFetch, startConsentIn, startHarness, type Harness } from './support/harness';

const API = '/api/integrations/amazon';

describe.each(testDatabaseProviders())('replay defences (%s)', (provider) => {
  let h: Harness;
  const shop = `replay-${provider}.myshopify.com`;

  beforeAll(async () => {
    h = await startHarness({ provider });
  }, 120_000);
  afterAll(async () => h?.close());

  /** The same signed request, byte for byte, as many times as asked (all at once when `together`). */
  async function sendCopies(path: string, headers: Record<string, string>, copies: number, init: RequestInit = {}): Promise<number[]> {
    return Promise.all(Array.from({ length: copies }, async () => {
      const res = await fetch(`${h.service.url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
      await res.arrayBuffer();
      return res.status;
    }));
  }

  describe('signed app↔service requests', () => {
    it('an /api request is served once: the same signed request again is a 401 problem; a freshly signed one is served', async () => {
      const body = JSON.stringify({ region: 'na', marketplaceIds: ['ATVPDKIKX0DER'] });
      // A state-changing call (here refused by the route itself, 409: no seller yet) counts once, too.
      const post = signRequest({ method: 'POST', path: `${API}/auth/marketplaces`, tenantId: shop, body, secret: SHARED_SECRET });
      const init = { method: 'POST', body, headers: { 'content-type': 'application/json' } };
      expect(await sendCopies(`${API}/auth/marketplaces`, post, 1, init)).toEqual([409]);
      const replayed = await fetch(`${h.service.url}${API}/auth/marketplaces`, { ...init, headers: { ...post, 'content-type': 'application/json' } });
      expect(replayed.status).toBe(401);
      expect(replayed.headers.get('content-type')).toContain('application/problem+json');
      expect(await json(replayed)).toMatchObject({ type: 'urn:calibr:problem:authentication', detail: expect.stringMatching(/replayed/) });

      const get = signRequest({ method: 'GET', path: `${API}/auth`, tenantId: shop, secret: SHARED_SECRET });
      expect(await sendCopies(`${API}/auth`, get, 1)).toEqual([200]);
      expect(await sendCopies(`${API}/auth`, get, 1)).toEqual([401]);
      // Same second, new nonce: a new request.
      expect((await signedFetch(h.service.url, shop, 'GET', `${API}/auth`)).status).toBe(200);
    });

    it('of identical copies arriving at once exactly one is served (/api and the connector routes)', async () => {
      const api = signRequest({ method: 'GET', path: `${API}/auth`, tenantId: shop, secret: SHARED_SECRET });
      const apiStatuses = await sendCopies(`${API}/auth`, api, 8);
      expect(apiStatuses.filter((s) => s === 200)).toHaveLength(1);
      expect(apiStatuses.filter((s) => s === 401)).toHaveLength(7);

      const connector = signRequest({ method: 'GET', path: '/connector/info', tenantId: shop, secret: SHARED_SECRET });
      const connectorStatuses = await sendCopies('/connector/info', connector, 8);
      expect(connectorStatuses.filter((s) => s === 200)).toHaveLength(1);
      expect(connectorStatuses.filter((s) => s === 401)).toHaveLength(7);
    });

    it('the app’s RemoteConnector signs every call and every retry anew, so repeated calls are all served', async () => {
      const client = await RemoteConnector.connect({ baseUrl: h.service.url, tenantId: shop, secret: SHARED_SECRET });
      expect(client.platform).toBe('amazon');
      for (let i = 0; i < 3; i++) await expect(client.isAuthenticated()).resolves.toBe(false);
      // A retry after a lost answer is a new call: same route, same body, new nonce.
      const seen: string[] = [];
      const recording = new RemoteConnector({
        baseUrl: h.service.url,
        tenantId: shop,
        secret: SHARED_SECRET,
        info: { platform: client.platform, name: client.name, version: client.version, capabilities: client.capabilities },
        fetch: (input, init) => {
          seen.push(new Headers(init?.headers).get('x-calibr-nonce') ?? '');
          return fetch(input, init);
        },
      });
      await recording.healthCheck();
      await recording.healthCheck();
      expect(new Set(seen).size).toBe(2);
    });
  });

  describe('settings links', () => {
    it('a link opens once: the second open is refused with a page that says to open it again from Calibrate, and starts no session', async () => {
      const link = signSettingsLink({ serviceUrl: h.service.url, shop, secret: SHARED_SECRET });
      const first = await fetch(link, { redirect: 'manual' });
      expect(first.status).toBe(303);
      expect(first.headers.get('set-cookie')).toContain('calibr_amazon_settings=');
      const second = await fetch(link, { redirect: 'manual' });
      const html = await second.text();
      expect(second.status).toBe(410);
      expect(second.headers.get('set-cookie')).toBeNull();
      expect(html).toContain('already been used');
      expect(html).toContain('Open the Amazon settings again from Calibrate');
      // The first browser's session is unaffected.
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`${h.service.url}/settings/amazon`, { headers: { cookie } })).status).toBe(200);
    });

    it('a link opened from several places at once opens exactly one session', async () => {
      const link = signSettingsLink({ serviceUrl: h.service.url, shop, secret: SHARED_SECRET });
      const statuses = await Promise.all(Array.from({ length: 6 }, async () => {
        const res = await fetch(link, { redirect: 'manual' });
        await res.arrayBuffer();
        return res.status;
      }));
      expect(statuses.sort()).toEqual([303, 410, 410, 410, 410, 410]);
    });
  });

  describe('Seller Central consent', () => {
    it('Amazon’s redirect back in a second browser without the settings session is refused (401), and connects nothing; the browser that started it still can', async () => {
      const first = await openSettingsSession(h.service.url, shop);
      const callback = await approveConsent(await startConsentIn(h.service.url, first));

      const elsewhere = await fetch(callback, { redirect: 'manual' });
      expect(elsewhere.status).toBe(401);
      const problem = await json<{ type: string; detail: string }>(elsewhere);
      expect(problem.type).toBe('urn:calibr:problem:authentication');
      expect(problem.detail).toMatch(/Amazon settings from Calibrate/);
      expect((await json<{ connected: boolean }>(await signedFetch(h.service.url, shop, 'GET', `${API}/auth`))).connected).toBe(false);

      // Another browser of the same shop (it opened the settings itself): its session did not start this consent.
      const second = await openSettingsSession(h.service.url, shop);
      const otherSession = await fetch(callback, { redirect: 'manual', headers: { cookie: second.cookie } });
      expect(otherSession.status).toBe(403);
      expect((await json<{ detail: string }>(otherSession)).detail).toMatch(/another settings session/);
      expect((await json<{ connected: boolean }>(await signedFetch(h.service.url, shop, 'GET', `${API}/auth`))).connected).toBe(false);

      const done = await fetch(callback, { redirect: 'manual', headers: { cookie: first.cookie } });
      expect(done.status, await done.clone().text()).toBe(303);
      expect(done.headers.get('location')).toBe('/settings/amazon?notice=connected');
      expect((await json<{ connected: boolean }>(await signedFetch(h.service.url, shop, 'GET', `${API}/auth`))).connected).toBe(true);
    });

    it('consent cannot be started by a signed service call: there is no browser to bind it to', async () => {
      const res = await signedFetch(h.service.url, shop, 'POST', `${API}/auth/start`, { region: 'na', marketplaceIds: ['ATVPDKIKX0DER'] });
      expect(res.status).toBe(403);
      expect((await json<{ detail: string }>(res)).detail).toMatch(/Amazon settings page/);
    });
  });
});
