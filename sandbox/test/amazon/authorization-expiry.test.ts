// Authorizations age on Amazon's clock: a seller's authorization (refresh token) lasts 365 days, an app's
// LWA client secret 180 days; a rotated secret is still accepted until the expiry Amazon gives it. The
// control API moves Amazon's clock forward (POST /_sandbox/amazon/clock), so a year passes in a test.
import { afterEach, describe, expect, test } from 'vitest';
import { startAmazonSandbox, NA_SELLER, type AmazonTestSandbox } from './harness';

let sb: AmazonTestSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function fresh(options: { clientSecretLifetimeDays?: number } = {}): Promise<AmazonTestSandbox> {
  sb = await startAmazonSandbox({ timeScale: 1, ...options });
  return sb;
}

async function refresh(s: AmazonTestSandbox, fields: { clientSecret?: string; refreshToken?: string } = {}) {
  const { lwa } = s.identities().sellers.find((x) => x.sellerId === NA_SELLER)!;
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: fields.refreshToken ?? lwa.refreshToken, client_id: lwa.clientId, client_secret: fields.clientSecret ?? lwa.clientSecret });
  const res = await s.request({ method: 'POST', host: 'api.amazon.com', path: '/auth/o2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  return { status: res.status, body: JSON.parse(res.body.toString()) as { access_token?: string; error?: string; error_description?: string } };
}

const advance = async (s: AmazonTestSandbox, days: number) => expect((await s.control('POST', 'clock', { days })).status).toBe(200);

describe("a seller's authorization", () => {
  test('lasts 365 days, then LWA answers invalid_grant as for a revoked one; a new authorization works again', async () => {
    // The app's secret would expire first (180 days): here it lives longer, as a rotated one would.
    const s = await fresh({ clientSecretLifetimeDays: 1000 });
    await advance(s, 364);
    expect((await refresh(s)).status).toBe(200);
    await advance(s, 1.5);
    expect(await refresh(s)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' } });
    // The seller authorizes the app again (Seller Central → Manage Your Apps → Re-authorize): a new token.
    const again = await s.control('POST', 'authorize', { sellerId: NA_SELLER });
    expect((await refresh(s, { refreshToken: again.body.refreshToken })).status).toBe(200);
  });

  test("the clock is Amazon's: GET clock says where it is, and it only moves forward", async () => {
    const s = await fresh();
    const before = Date.parse((await s.control('GET', 'clock')).body.now);
    await advance(s, 10);
    const after = Date.parse((await s.control('GET', 'clock')).body.now);
    expect(after - before).toBeGreaterThanOrEqual(10 * 86_400_000);
    expect((await s.control('POST', 'clock', { days: -1 })).status).toBe(400);
  });
});

describe("an app's LWA client secret", () => {
  test('lasts 180 days from issue, then LWA answers invalid_client', async () => {
    const s = await fresh();
    await advance(s, 179);
    expect((await refresh(s)).status).toBe(200);
    await advance(s, 1.5);
    expect(await refresh(s)).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } });
  });

  test('rotated: both secrets are accepted until the old one expires, then only the new one', async () => {
    const s = await fresh();
    const old = s.identities().apps[0]!.clientSecret;
    await advance(s, 170);
    const rotated = await s.control('POST', 'apps/rotate-secret', { graceSeconds: 3 * 86_400 });
    expect(rotated.status).toBe(201);
    const next = rotated.body.clientSecret as string;
    expect(next).not.toBe(old);
    expect(Date.parse(rotated.body.previousSecretValidUntil)).toBeGreaterThan(Date.now());
    expect((await refresh(s, { clientSecret: old })).status).toBe(200);
    expect((await refresh(s, { clientSecret: next })).status).toBe(200);
    await advance(s, 3.5);
    expect((await refresh(s, { clientSecret: old })).body.error).toBe('invalid_client');
    expect((await refresh(s, { clientSecret: next })).status).toBe(200);
    // The new secret has its own 180 days (from its issue, past the old one's).
    await advance(s, 170);
    expect((await refresh(s, { clientSecret: next })).status).toBe(200);
  });
});
