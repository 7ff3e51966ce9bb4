// Seller Central's website-authorization pages: `/apps/authorize/consent` shows the app and lets the
// "seller" approve; the approval redirects to the app's registered redirect URI with `state`,
// `selling_partner_id` and a one-use `spapi_oauth_code` (5 minutes).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { escapeHtml, parseFields, readBody, requestUrl, send, sendHtml } from '../http';
import type { Region } from '../marketplaces';
import { marketplace } from '../marketplaces';
import type { AmazonWorld } from '../world';
import type { SpApp } from '../state';
import { createAuthorizationCode } from '../lwa/tokens';

const formSecret = randomBytes(32);

function formSignature(fields: string[]): string {
  return createHmac('sha256', formSecret).update(fields.join('\n')).digest('base64url');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - Seller Central (sandbox)</title>
<style>body{font-family:Arial,sans-serif;max-width:640px;margin:40px auto;color:#111}
.box{border:1px solid #ddd;border-radius:8px;padding:24px}button{background:#ffd814;border:1px solid #fcd200;
border-radius:8px;padding:8px 20px;font-size:15px;cursor:pointer}.error{color:#b12704}</style></head>
<body><div class="box">${body}</div></body></html>`;
}

function errorPage(res: ServerResponse, status: number, code: string, message: string): void {
  sendHtml(
    res,
    status,
    page('Authorization error', `<h1 class="error">We can't authorize this app</h1><p id="error-code">Error code: ${escapeHtml(code)}</p><p id="error-message">${escapeHtml(message)}</p>`),
  );
}

interface ConsentRequest {
  app: SpApp;
  state: string;
  version?: string;
  redirectUri: string;
}

function resolveRequest(world: AmazonWorld, params: URLSearchParams | Map<string, string>): ConsentRequest | { code: string; message: string } {
  const get = (k: string) => (params instanceof Map ? params.get(k) : (params.get(k) ?? undefined));
  const applicationId = get('application_id');
  if (!applicationId) return { code: 'MD5101', message: 'The application_id parameter is missing.' };
  const app = world.state.apps[applicationId];
  if (!app) return { code: 'MD5101', message: `The application ID ${applicationId} is not valid.` };
  const version = get('version') || undefined;
  if (!app.published && version !== 'beta') {
    return { code: 'MD1000', message: 'This application is in draft state: authorize it with version=beta on the consent URL.' };
  }
  const requested = get('redirect_uri') || undefined;
  const redirectUri = requested ?? app.redirectUris[0];
  if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
    return { code: 'MD9100', message: 'The redirect_uri does not match any OAuth Redirect URI registered for this application.' };
  }
  return { app, state: get('state') ?? '', version, redirectUri };
}

/**
 * `pathname` is the path below the Seller Central host: the request's own path on the real host, or what
 * follows `/amazon/sellercentral/<host>` when a browser reaches the page on the sandbox's own host.
 */
export async function handleConsent(
  world: AmazonWorld,
  region: Region,
  req: IncomingMessage,
  res: ServerResponse,
  pathname = requestUrl(req).pathname,
): Promise<void> {
  const url = requestUrl(req);
  if (pathname === '/apps/authorize/consent' && req.method === 'GET') {
    const resolved = resolveRequest(world, url.searchParams);
    if ('code' in resolved) return errorPage(res, 400, resolved.code, resolved.message);
    renderConsent(world, region, res, resolved);
    return;
  }
  if (pathname === '/apps/authorize/confirm' && req.method === 'POST') {
    const fields = parseFields(await readBody(req, 64 * 1024), req.headers['content-type']) ?? {};
    const resolved = resolveRequest(world, new Map(Object.entries(fields)));
    if ('code' in resolved) return errorPage(res, 400, resolved.code, resolved.message);
    const expected = formSignature([resolved.app.applicationId, resolved.state, resolved.redirectUri, region]);
    const given = fields.consent_token ?? '';
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      return errorPage(res, 403, 'MD5102', 'The authorization form expired or was not issued by Seller Central. Start again from the consent page.');
    }
    const seller = world.state.sellers[fields.selling_partner_id ?? ''];
    if (!seller || seller.region !== region) {
      return errorPage(res, 400, 'MD5103', 'Choose a seller account of this region to authorize.');
    }
    const code = createAuthorizationCode(world, {
      applicationId: resolved.app.applicationId,
      clientId: resolved.app.clientId,
      sellerId: seller.sellerId,
      redirectUri: resolved.redirectUri,
    });
    world.log({ platform: 'amazon', kind: 'event', detail: { consent: resolved.app.applicationId, sellerId: seller.sellerId } });
    const target = new URL(resolved.redirectUri);
    target.searchParams.set('state', resolved.state);
    target.searchParams.set('selling_partner_id', seller.sellerId);
    target.searchParams.set('spapi_oauth_code', code.code);
    send(res, 302, '', { Location: target.toString() });
    return;
  }
  sendHtml(res, 404, page('Not found', '<h1>Page not found</h1>'));
}

function renderConsent(world: AmazonWorld, region: Region, res: ServerResponse, r: ConsentRequest): void {
  const sellers = Object.values(world.state.sellers).filter((s) => s.region === region);
  const token = formSignature([r.app.applicationId, r.state, r.redirectUri, region]);
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const options = sellers
    .map((s) => {
      const markets = s.marketplaceIds.map((id) => marketplace(id)?.countryCode ?? id).join(', ');
      return `<option value="${escapeHtml(s.sellerId)}">${escapeHtml(s.storeName)} (${escapeHtml(s.sellerId)}; ${escapeHtml(markets)})</option>`;
    })
    .join('');
  const body = sellers.length
    ? `<h1>Authorize ${escapeHtml(r.app.name)}</h1>
<p><strong>${escapeHtml(r.app.name)}</strong> asks to access your selling account through the Selling Partner API.</p>
<form method="post" action="confirm" id="consent-form">
${hidden('application_id', r.app.applicationId)}${hidden('state', r.state)}${hidden('version', r.version)}${hidden('redirect_uri', r.redirectUri)}${hidden('consent_token', token)}
<p><label for="selling_partner_id">Seller account</label><br><select name="selling_partner_id" id="selling_partner_id">${options}</select></p>
<p><input type="checkbox" id="agree" required> <label for="agree">I direct Amazon to provide ${escapeHtml(r.app.name)} with access to my Amazon seller account.</label></p>
<button type="submit" id="confirm">Confirm</button>
</form>`
    : `<h1>No seller account</h1><p>There is no seller account in this region to authorize ${escapeHtml(r.app.name)}.</p>`;
  sendHtml(res, 200, page(`Authorize ${r.app.name}`, body));
}
