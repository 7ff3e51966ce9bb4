// LWA at api.amazon.com/auth/o2/token, driven through the routing agent and amazon-sp-api itself.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { raw, startAmazonSandbox, NA_SELLER, type AmazonTestSandbox } from './harness';

let sb: AmazonTestSandbox;
beforeAll(async () => {
  // Access tokens live 2 seconds here (3600 by default), long enough for each test's calls, short to wait out.
  sb = await startAmazonSandbox({ accessTokenTtlSeconds: 2 });
});
afterAll(() => sb.close());

function tokenRequest(body: string, contentType: string) {
  return sb.request({ method: 'POST', host: 'api.amazon.com', path: '/auth/o2/token', headers: { 'content-type': contentType }, body });
}

function na() {
  return sb.identities().sellers.find((s) => s.sellerId === NA_SELLER)!;
}

describe('refresh_token grant', () => {
  test('form-encoded and JSON bodies both issue an access token', async () => {
    const { clientId, clientSecret, refreshToken } = na().lwa;
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret });
    const viaForm = await tokenRequest(form.toString(), 'application/x-www-form-urlencoded;charset=UTF-8');
    expect(viaForm.status).toBe(200);
    expect(viaForm.headers['x-amzn-requestid']).toBeTruthy();
    const formBody = JSON.parse(viaForm.body.toString());
    expect(formBody).toMatchObject({ token_type: 'bearer', refresh_token: refreshToken });
    expect(formBody.access_token).toMatch(/^Atza\|/);
    expect(formBody.expires_in).toBe(2);

    const viaJson = await tokenRequest(JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret }), 'application/json');
    expect(viaJson.status).toBe(200);
    expect(JSON.parse(viaJson.body.toString()).access_token).not.toBe(formBody.access_token);
  });

  test('amazon-sp-api refreshes, and an expired token is refused with the "expired" 403 it recognises', async () => {
    const sp = sb.client();
    await sp.refreshAccessToken();
    const first = sp.access_token;
    expect((await raw(sp, { operation: 'sellers.getMarketplaceParticipations' })).status).toBe(200);

    await new Promise((r) => setTimeout(r, 2200));
    const expired = await raw(sp, { operation: 'sellers.getMarketplaceParticipations' });
    expect(expired.status).toBe(403);
    expect(expired.body.errors[0]).toEqual({ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: 'The access token you provided has expired.' });

    // Without raw_result the package sees the 403, refreshes the token by itself and retries.
    const participations = await sp.callAPI({ operation: 'sellers.getMarketplaceParticipations' });
    expect(participations).toHaveLength(3);
    expect(sp.access_token).not.toBe(first);
  });

  test('a bad or revoked refresh token is invalid_grant; bad client credentials are invalid_client', async () => {
    const bad = sb.client({ refreshToken: 'Atzr|not-a-real-token' });
    await expect(bad.refreshAccessToken()).rejects.toMatchObject({ code: 'invalid_grant', message: 'The request has an invalid grant parameter : refresh_token' });

    const wrongSecret = sb.client({ clientSecret: 'amzn1.oa2-cs.v1.wrong' });
    await expect(wrongSecret.refreshAccessToken()).rejects.toMatchObject({ code: 'invalid_client', message: 'Client authentication failed' });

    const minted = await sb.control('POST', 'authorize', { sellerId: NA_SELLER });
    expect(minted.status).toBe(201);
    const sp = sb.client({ refreshToken: minted.body.refreshToken });
    await sp.refreshAccessToken();
    expect((await raw(sp, { operation: 'sellers.getMarketplaceParticipations' })).status).toBe(200);

    expect((await sb.control('POST', 'lwa/revoke', { refreshToken: minted.body.refreshToken })).status).toBe(200);
    // Access tokens minted from a revoked authorization stop working at once, and the refresh token is dead.
    const afterRevoke = await raw(sp, { operation: 'sellers.getMarketplaceParticipations' });
    expect(afterRevoke.status).toBe(403);
    expect(afterRevoke.body.errors[0].details).toBe('The access token you provided is revoked, malformed or invalid.');
    await expect(sp.refreshAccessToken()).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  test('missing parameters and unknown grant types get LWA errors', async () => {
    const { clientId, clientSecret } = na().lwa;
    const missing = await tokenRequest(new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret }).toString(), 'application/x-www-form-urlencoded');
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body.toString())).toEqual({ error: 'invalid_request', error_description: 'The request is missing a required parameter : refresh_token' });
    const unsupported = await tokenRequest('grant_type=password&client_id=x&client_secret=y', 'application/x-www-form-urlencoded');
    expect(JSON.parse(unsupported.body.toString()).error).toBe('unsupported_grant_type');
  });

  test('client_credentials with a grantless scope works, but its token reaches no seller data', async () => {
    const { clientId, clientSecret } = na().lwa;
    const res = await tokenRequest(new URLSearchParams({ grant_type: 'client_credentials', scope: 'sellingpartnerapi::notifications', client_id: clientId, client_secret: clientSecret }).toString(), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    const token = JSON.parse(res.body.toString()).access_token as string;
    const call = await sb.request({ host: 'sellingpartnerapi-na.amazon.com', path: '/sellers/v1/marketplaceParticipations', headers: { 'x-amz-access-token': token } });
    expect(call.status).toBe(403);
  });
});

describe('control: outage', () => {
  test('LWA answers server_error for the given number of requests, then recovers', async () => {
    expect((await sb.control('POST', 'lwa/outage', { error: 'server_error', count: 2 })).status).toBe(201);
    const sp = sb.client();
    await expect(sp.refreshAccessToken()).rejects.toMatchObject({ code: 'server_error' });
    await expect(sp.refreshAccessToken()).rejects.toMatchObject({ code: 'server_error' });
    await sp.refreshAccessToken();
    expect(sp.access_token).toMatch(/^Atza\|/);

    await sb.control('POST', 'lwa/outage', { error: 'temporarily_unavailable' });
    await expect(sp.refreshAccessToken()).rejects.toMatchObject({ code: 'temporarily_unavailable' });
    await sb.control('DELETE', 'lwa/outage');
    await sp.refreshAccessToken();
  });
});
