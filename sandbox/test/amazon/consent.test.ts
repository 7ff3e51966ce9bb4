// Website authorization: Seller Central's consent page, the redirect with state, selling_partner_id and a
// one-use spapi_oauth_code (5 minutes), exchanged through LWA by amazon-sp-api's own `exchange`.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { raw, startAmazonSandbox, NA_SELLER, EU_SELLER, type AmazonTestSandbox } from './harness';

const CALLBACK = 'https://calibrate.example/api/integrations/amazon/auth/callback';
let sb: AmazonTestSandbox;
let applicationId: string;

beforeAll(async () => {
  // Codes live 300 seconds by default; 2 here, long enough to use one, short enough to wait out.
  sb = await startAmazonSandbox({ authorizationCodeTtlSeconds: 2, demoApp: { redirectUris: [CALLBACK] } });
  applicationId = sb.identities().apps[0]!.applicationId;
});
afterAll(() => sb.close());

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!.replace(/&#(\d+);/g, (_x, n: string) => String.fromCharCode(Number(n)));
  }
  return fields;
}

/** Opens the consent page on Seller Central, approves as `sellerId`, returns the redirect's query. */
async function consent(base: string, query: Record<string, string>, sellerId = NA_SELLER): Promise<URLSearchParams> {
  const page = await sb.fetchVia(`${base}/apps/authorize/consent?${new URLSearchParams(query)}`);
  expect(page.status).toBe(200);
  const html = page.body.toString();
  expect(html).toContain('Authorize Calibrate');
  expect(html).toContain(sellerId);
  const form = new URLSearchParams({ ...hiddenFields(html), selling_partner_id: sellerId });
  const confirm = await sb.fetchVia(`${base}/apps/authorize/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  expect(confirm.status).toBe(302);
  const location = new URL(confirm.headers.location!);
  expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
  return location.searchParams;
}

describe('consent flow', () => {
  test('approve → redirect with state and a code → exchange → SP-API works; the code works once', async () => {
    const back = await consent('https://sellercentral.amazon.com', { application_id: applicationId, state: 'xyz 123/?', version: 'beta' });
    expect(back.get('state')).toBe('xyz 123/?');
    expect(back.get('selling_partner_id')).toBe(NA_SELLER);
    const code = back.get('spapi_oauth_code')!;
    expect(code).toMatch(/^[A-Za-z]{20}$/);

    // The app (any client with its credentials) exchanges the code; amazon-sp-api needs a refresh token to construct.
    const sp = sb.client({ refreshToken: 'Atzr|placeholder' });
    const exchanged = await sp.exchange(code);
    expect(exchanged.refresh_token).toMatch(/^Atzr\|/);
    expect(exchanged.token_type).toBe('bearer');

    const seller = sb.client({ refreshToken: exchanged.refresh_token });
    const res = await raw(seller, { operation: 'sellers.getMarketplaceParticipations' });
    expect(res.status).toBe(200);
    expect(res.body.payload.map((p: { marketplace: { id: string } }) => p.marketplace.id)).toEqual(['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8']);

    await expect(sp.exchange(code)).rejects.toMatchObject({ code: 'invalid_grant', message: 'The request has an invalid grant parameter : code' });
  });

  test('a code expires after its life', async () => {
    const back = await consent('https://sellercentral.amazon.com', { application_id: applicationId, state: 's', version: 'beta' });
    await new Promise((r) => setTimeout(r, 2200));
    await expect(sb.client().exchange(back.get('spapi_oauth_code')!)).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  test('regional Seller Central hosts list that region\'s sellers; the page is also served on the sandbox host', async () => {
    const back = await consent('https://sellercentral-europe.amazon.com', { application_id: applicationId, state: 'eu', version: 'beta', redirect_uri: CALLBACK }, EU_SELLER);
    expect(back.get('selling_partner_id')).toBe(EU_SELLER);

    const onSandboxHost = await fetch(`${sb.url}/amazon/sellercentral/sellercentral.amazon.de/apps/authorize/consent?application_id=${applicationId}&state=de&version=beta`);
    expect(onSandboxHost.status).toBe(200);
    const html = await onSandboxHost.text();
    expect(html).toContain(EU_SELLER);
    expect(html).not.toContain(NA_SELLER);
    const confirm = await fetch(`${sb.url}/amazon/sellercentral/sellercentral.amazon.de/apps/authorize/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hiddenFields(html), selling_partner_id: EU_SELLER }).toString(),
      redirect: 'manual',
    });
    expect(confirm.status).toBe(302);
    expect(new URL(confirm.headers.get('location')!).searchParams.get('state')).toBe('de');
  });

  test('draft apps need version=beta; unregistered redirect URIs and forged forms are refused', async () => {
    const draft = await sb.fetchVia(`https://sellercentral.amazon.com/apps/authorize/consent?application_id=${applicationId}&state=s`);
    expect(draft.status).toBe(400);
    expect(draft.body.toString()).toContain('MD1000');

    const wrongUri = await sb.fetchVia(`https://sellercentral.amazon.com/apps/authorize/consent?application_id=${applicationId}&state=s&version=beta&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`);
    expect(wrongUri.status).toBe(400);
    expect(wrongUri.body.toString()).toContain('MD9100');

    const forged = await sb.fetchVia('https://sellercentral.amazon.com/apps/authorize/confirm', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ application_id: applicationId, state: 's', version: 'beta', redirect_uri: CALLBACK, selling_partner_id: NA_SELLER, consent_token: 'x' }).toString(),
    });
    expect(forged.status).toBe(403);

    // Another region's seller can't be chosen on this region's page.
    const page = await sb.fetchVia(`https://sellercentral.amazon.com/apps/authorize/consent?application_id=${applicationId}&state=s&version=beta`);
    const crossRegion = await sb.fetchVia('https://sellercentral.amazon.com/apps/authorize/confirm', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hiddenFields(page.body.toString()), selling_partner_id: EU_SELLER }).toString(),
    });
    expect(crossRegion.status).toBe(400);
  });

  test('a published app is authorized without version=beta', async () => {
    const app = await sb.control('POST', 'apps', { applicationId, published: true });
    expect(app.body.draft).toBe(false);
    const back = await consent('https://sellercentral.amazon.com', { application_id: applicationId, state: 'live' });
    expect(back.get('spapi_oauth_code')).toBeTruthy();
    await sb.control('POST', 'apps', { applicationId, published: false });
  });
});
