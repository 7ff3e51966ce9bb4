// Authorizations expire, on Amazon's clock (the sandbox's, moved forward with the service's): a seller's
// authorization after 365 days (the service warns 30 days ahead, then marks the integration
// needs_reconnect when LWA refuses the refresh token), and the app's LWA client secret after 180 days (the
// service takes a new one from its secret file without a restart, both secrets accepted meanwhile).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, SHARED_SECRET, US, approveConsent, connectDemoSeller, control, json, openSettingsSession, remoteConnector, sandboxLog, signedFetch, startConsentIn, startHarness, type Harness } from './support/harness';

const DAY = 86_400_000;

/** Amazon's clock as both sides see it: the sandbox's control API and the service's injected clock. */
function sharedClock(h: () => Harness) {
  let offset = 0;
  return {
    clock: { now: () => Date.now() + offset },
    async advance(days: number) {
      offset += days * DAY;
      await control(h().sandbox, 'clock', { days });
    },
  };
}

interface Status {
  status: string;
  statusReason?: string | null;
  connectedAt: string;
  expiresAt: string;
  expiryWarning: string | null;
}

export function authorizationExpirySuite(provider: 'sqlite' | 'postgresql'): void {
  describe("a seller's authorization (365 days)", () => {
    let h: Harness;
    const time = sharedClock(() => h);
    const SHOP = `expiry-${provider}.myshopify.com`;
    let sku = '';

    beforeAll(async () => {
      // The app's client secret would run out first (180 days): here it lives as long as a rotated one would.
      h = await startHarness({ provider, amazon: { clientSecretLifetimeDays: 1000 }, service: { clock: time.clock } });
      sku = (await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`)).listings[0]!.sku;
      await connectDemoSeller(h, SHOP);
    }, 60_000);
    afterAll(async () => h?.close());

    const status = async () => json<Status>(await signedFetch(h.service.url, SHOP, 'GET', '/api/integrations/amazon/auth'));
    const getPrice = () => signedFetch(h.service.url, SHOP, 'GET', `/connector/pricing/price?externalId=${encodeURIComponent(sku)}&marketplaceId=${US}`);

    it('carries its expiry, warns 30 days ahead (status, console health), and turns needs_reconnect when Amazon refuses it', async () => {
      const fresh = await status();
      expect(Date.parse(fresh.expiresAt) - Date.parse(fresh.connectedAt)).toBe(365 * DAY);
      expect(fresh.expiryWarning).toBeNull();
      const connector = await remoteConnector(h, SHOP);
      expect((await connector.healthCheck()).status).toBe('healthy');
      expect((await connector.auth.status()).expiresAt).toBe(fresh.expiresAt);

      await time.advance(340);
      const soon = await status();
      const date = fresh.expiresAt.slice(0, 10);
      expect(soon).toMatchObject({ status: 'connected', expiresAt: fresh.expiresAt });
      expect(soon.expiryWarning).toMatch(new RegExp(`^Reconnect Amazon before ${date}`));
      // What the app's console shows for Amazon (the registry's health of the platform).
      const health = await connector.healthCheck();
      expect(health).toMatchObject({ status: 'degraded', message: soon.expiryWarning });
      expect((await getPrice()).status).toBe(200); // still valid: Amazon accepts it until the day

      await time.advance(26);
      const refused = await getPrice();
      expect(refused.status).toBe(401);
      const gone = await status();
      expect(gone.status).toBe('needs_reconnect');
      expect(gone.statusReason).toMatch(new RegExp(`authorization expired on ${date}`));
      expect((await connector.healthCheck()).message).toMatch(/^Reconnect Amazon: the seller's authorization expired/);
      const lwaErrors = (await sandboxLog(h.sandbox, { kind: 'event', limit: 1000 })).entries.filter((e) => (e.detail as { error?: string }).error === 'invalid_grant');
      expect(lwaErrors.length).toBe(1); // refused once; afterwards the service asks the merchant, not LWA

      // The seller authorizes the app again: connected, with a new year.
      const again = await control<{ refreshToken: string }>(h.sandbox, 'authorize', { sellerId: DEMO_SELLER });
      const res = await signedFetch(h.service.url, SHOP, 'POST', '/api/integrations/amazon/auth/self', {
        sellingPartnerId: DEMO_SELLER, region: 'na', marketplaceIds: [US], lwaClientId: h.app.clientId, lwaClientSecret: h.app.clientSecret, refreshToken: again.refreshToken,
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const renewed = await status();
      expect(renewed).toMatchObject({ status: 'connected', expiryWarning: null });
      expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(fresh.expiresAt) + 365 * DAY);
      expect((await getPrice()).status).toBe(200);
    }, 60_000);
  });

  describe("the app's LWA client secret (180 days, rotated)", () => {
    let h: Harness;
    const time = sharedClock(() => h);
    const SHOP = `rotation-${provider}.myshopify.com`;
    const dir = mkdtempSync(join(tmpdir(), 'calibr-lwa-'));
    const file = join(dir, 'lwa-client-secret');
    let sku = '';
    const configFor = (secrets: { lwaClientSecret?: string; lwaClientSecretNext?: string; lwaClientSecretFile?: string }) => ({
      config: { sharedSecret: SHARED_SECRET, lwaClientId: h.app.clientId, applicationId: h.app.applicationId, draftApp: true, logLevel: 'silent', ...secrets },
      clock: time.clock,
    });

    beforeAll(async () => {
      h = await startHarness({ provider });
      writeFileSync(file, `${h.app.clientSecret}\n`, { mode: 0o600 });
      await h.restart(configFor({ lwaClientSecretFile: file }));
      sku = (await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`)).listings[0]!.sku;
      // Seller Central consent: the integration uses the app's own LWA client (not a pasted one).
      const session = await openSettingsSession(h.service.url, SHOP);
      const callback = await approveConsent(await startConsentIn(h.service.url, session));
      const done = await fetch(callback, { redirect: 'manual', headers: { cookie: session.cookie } });
      expect(done.status, await done.clone().text()).toBe(303);
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const getPrice = () => signedFetch(h.service.url, SHOP, 'GET', `/connector/pricing/price?externalId=${encodeURIComponent(sku)}&marketplaceId=${US}`);
    /** Makes the next SP-API call need a fresh access token (Amazon ends the current one). */
    const expireAccessTokens = () => control(h.sandbox, 'lwa/expire', { sellerId: DEMO_SELLER });
    const lwaClientErrors = async (since: number) =>
      (await sandboxLog(h.sandbox, { since, kind: 'event', limit: 1000 })).entries.filter((e) => (e.detail as { error?: string }).error === 'invalid_client').length;

    it('takes the new secret from its file without a restart; both work during the rollout, then only the new one', async () => {
      const old = h.app.clientSecret;
      expect((await getPrice()).status).toBe(200);
      await time.advance(170);
      const rotated = await control<{ clientSecret: string }>(h.sandbox, 'apps/rotate-secret', { graceSeconds: 7 * 86_400 });
      // The operator rolls out the new secret: first in the file, the old one kept second until Amazon drops it.
      writeFileSync(file, `${rotated.clientSecret}\n${old}\n`);
      const mark = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
      await expireAccessTokens();
      expect((await getPrice()).status).toBe(200);
      await time.advance(8); // the old secret is past its grace (and the service's access token past its hour)
      expect((await getPrice()).status).toBe(200);
      expect(await lwaClientErrors(mark)).toBe(0); // the new secret was used from the file's change on
      expect((await json<Status>(await signedFetch(h.service.url, SHOP, 'GET', '/api/integrations/amazon/auth'))).status).toBe('connected');

      // Past the old secret's end, a service still holding only it is refused (invalid_client), and that is
      // the app's problem, not the seller's: the integration stays connected.
      await h.restart(configFor({ lwaClientSecret: old }));
      await expireAccessTokens();
      const refused = await getPrice();
      expect(refused.status).toBe(401);
      expect((await json<{ detail: string }>(refused)).detail).toMatch(/refused the app’s client id or secret/);
      expect((await json<Status>(await signedFetch(h.service.url, SHOP, 'GET', '/api/integrations/amazon/auth'))).status).toBe('connected');

      // AMAZON_LWA_CLIENT_SECRET + AMAZON_LWA_CLIENT_SECRET_NEXT: the old one refused, the next one taken.
      await h.restart(configFor({ lwaClientSecret: old, lwaClientSecretNext: rotated.clientSecret }));
      const mark2 = (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
      await expireAccessTokens();
      expect((await getPrice()).status).toBe(200);
      expect(await lwaClientErrors(mark2)).toBe(1);
      await expireAccessTokens();
      expect((await getPrice()).status).toBe(200);
      expect(await lwaClientErrors(mark2)).toBe(1); // the accepted one is tried first from then on
    }, 90_000);
  });
}
