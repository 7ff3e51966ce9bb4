// Shopify's OAuth on {shop}.myshopify.com: the install flow (/admin/oauth/authorize -> the app's
// redirect_uri with code, hmac, host, shop, state, timestamp), /admin/oauth/access_token for the
// authorization-code grant, token exchange (session token -> online/offline token, expiring offline tokens
// with refresh tokens) and refresh_token; and the access-token check every Admin API call goes through.
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, readParams, redirect, requestUrl, sendHtml, sendJson } from '../core/http';
import type { AppConfig } from './app-config';
import type { ShopifyRuntime } from './runtime';
import { verifySessionToken } from './session-token';
import type { InstallationRecord, ShopRecord, TokenRecord } from './state';
import { recordIssuedSecret } from '../core/secret-audit';
import { activeInstallation, nextId, randomToken, sha256 } from './state';
import { scopesUpdated } from './webhooks/lifecycle';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const OFFLINE_TOKEN_TYPE = 'urn:shopify:params:oauth:token-type:offline-access-token';
export const ONLINE_TOKEN_TYPE = 'urn:shopify:params:oauth:token-type:online-access-token';
export const EXPIRING_ACCESS_TOKEN_SECONDS = 3600;
export const REFRESH_TOKEN_SECONDS = 90 * 24 * 3600;
export const ONLINE_TOKEN_SECONDS = 86399;
/** Since 2026-08-28 a used refresh token may be used again until its replacement is used, for at most 30 days from its first use. */
export const REFRESH_RETRY_SECONDS = 30 * 24 * 3600;
/** A token-exchange migration retried with the same non-expiring token answers the same pair for 7 days. */
export const MIGRATION_REPLAY_SECONDS = 7 * 24 * 3600;
const AUTH_CODE_SECONDS = 600;

/**
 * Migrations answered, by the migrated token's hash, so a retry gets the same pair. Kept in memory only (the
 * state keeps hashes of tokens, never tokens): a restart from the state file forgets them. Keyed by the
 * state object, so a reset forgets them too.
 */
const migrations = new WeakMap<object, Map<string, { answer: IssuedToken; until: number }>>();

/** Shopify's `host` parameter: base64 of admin.shopify.com/store/{store}, without padding. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, '')}`).toString('base64').replace(/=+$/, '');
}

/** HMAC of query parameters as Shopify signs redirects: sorted key=value pairs joined by &, hex SHA-256. */
export function signQuery(params: Record<string, string>, secret: string): string {
  const sorted = new URLSearchParams();
  for (const key of Object.keys(params).sort((a, b) => a.localeCompare(b))) if (key !== 'hmac' && key !== 'signature') sorted.append(key, params[key]!);
  const message = sorted.toString().replace(/\+/g, '%20');
  return createHmac('sha256', secret).update(message).digest('hex');
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description });
}

/** Whether granted scopes cover a scope (`write_X` implies `read_X`, as Shopify treats them). */
export function hasScope(granted: readonly string[], scope: string): boolean {
  return granted.includes(scope) || (scope.startsWith('read_') && granted.includes(`write_${scope.slice(5)}`));
}

/**
 * Install an app on a shop (the merchant approves the scopes as they install it), or, installed already,
 * take scopes it does not have yet. With `grant` (the OAuth authorize screen, the control API's shortcut)
 * the merchant approves them at once; without (Shopify-managed installation: token exchange, opening the
 * app in Admin) they become a pending request, and the installation keeps what was granted until the
 * merchant approves it (`grantRequestedScopes`): only then does `app/scopes_update` go out.
 */
export function install(rt: ShopifyRuntime, shop: ShopRecord, app: AppConfig, scopes: string[], opts: { grant?: boolean } = {}): InstallationRecord {
  const existing = activeInstallation(rt.state, shop.domain, app.apiKey);
  if (existing) {
    const wanted = scopes.filter((s) => !hasScope(existing.scopes, s));
    if (wanted.length === 0) return existing;
    if (opts.grant === false) {
      const before = existing.requestedScopes ?? [];
      existing.requestedScopes = [...new Set([...before, ...wanted])];
      if (existing.requestedScopes.length !== before.length) {
        rt.ctx.log({ platform: 'shopify', kind: 'event', host: shop.domain, detail: { event: 'scopes requested', apiKey: app.apiKey, scopes: wanted } });
        rt.markDirty();
      }
      return existing;
    }
    grantScopes(rt, shop, app, existing, wanted);
    return existing;
  }
  const inst: InstallationRecord = {
    id: nextId(rt.state, 'installation', 90_000_000_000),
    shop: shop.domain,
    apiKey: app.apiKey,
    scopes,
    installedAt: new Date().toISOString(),
    uninstalledAt: null,
  };
  rt.state.installations.push(inst);
  rt.ctx.log({ platform: 'shopify', kind: 'event', host: shop.domain, detail: { event: 'app installed', apiKey: app.apiKey, scopes } });
  rt.markDirty();
  return inst;
}

/** The merchant approves scopes: granted from now on (the app's tokens with them), then app/scopes_update. */
export function grantScopes(rt: ShopifyRuntime, shop: ShopRecord, app: AppConfig, inst: InstallationRecord, scopes: string[]): void {
  const previous = inst.scopes;
  const merged = [...new Set([...previous, ...scopes])];
  inst.requestedScopes = (inst.requestedScopes ?? []).filter((s) => !hasScope(merged, s));
  if (inst.requestedScopes.length === 0) delete inst.requestedScopes;
  rt.markDirty();
  if (merged.length === previous.length) return;
  inst.scopes = merged;
  rt.ctx.log({ platform: 'shopify', kind: 'event', host: shop.domain, detail: { event: 'scopes granted', apiKey: app.apiKey, scopes } });
  scopesUpdated(rt, shop, app, previous, merged);
}

/**
 * GET /admin/oauth/install?client_id&scope[&optional_scopes] on the shop (where shopify-app-remix's
 * `scopes.request()` sends the merchant): the grant screen. What the installation lacks becomes its pending
 * request, and the page names it; the merchant approves with `POST /_sandbox/shopify/shops/{shop}/scopes/grant`.
 */
export function handleInstallGrant(rt: ShopifyRuntime, req: IncomingMessage, res: ServerResponse, shop: ShopRecord): void {
  const q = requestUrl(req).searchParams;
  const app = rt.apps.get(q.get('client_id'));
  if (!app) return sendHtml(res, 400, `<!doctype html><title>Oauth error</title><h1>Oauth error invalid_request: Could not find Shopify API application with api_key ${escapeHtml(q.get('client_id') ?? '')}</h1>`);
  const list = (name: string) => (q.get(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const inst = install(rt, shop, app, [...list('scope'), ...list('optional_scopes')], { grant: false });
  const pending = inst.requestedScopes ?? [];
  const items = pending.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  sendHtml(
    res,
    200,
    `<!doctype html><title>Grant access · ${escapeHtml(app.name)}</title><h1>${escapeHtml(app.name)} wants more access to ${escapeHtml(shop.name)}</h1>` +
      (pending.length ? `<ul id="requested-scopes">${items}</ul><p>Approve with <code>POST /_sandbox/shopify/shops/${escapeHtml(shop.domain)}/scopes/grant</code>.</p>` : '<p>Nothing to grant: the app has these scopes.</p>'),
  );
}

interface IssuedToken {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  associated_user_scope?: string;
  associated_user?: Record<string, unknown>;
}

export function issueToken(
  rt: ShopifyRuntime,
  shop: ShopRecord,
  app: AppConfig,
  opts: { online: boolean; expiring: boolean; userId?: number; replaces?: string },
): IssuedToken {
  const inst = activeInstallation(rt.state, shop.domain, app.apiKey)!;
  const scope = inst.scopes.join(',');
  const now = Date.now();
  const token = randomToken(opts.online ? 'shpua_' : 'shpat_');
  recordIssuedSecret(opts.online ? 'Shopify online access token' : 'Shopify offline access token', token);
  recordIssuedSecret('Shopify API secret', app.apiSecret);
  const record: TokenRecord = {
    hash: sha256(token),
    shop: shop.domain,
    apiKey: app.apiKey,
    kind: opts.online ? 'online' : 'offline',
    scopes: inst.scopes,
    expiresAt: opts.online ? now + ONLINE_TOKEN_SECONDS * 1000 : opts.expiring ? now + EXPIRING_ACCESS_TOKEN_SECONDS * 1000 : null,
    userId: opts.online ? (opts.userId ?? shop.staff[0]!.id) : null,
    createdAt: new Date(now).toISOString(),
    revoked: false,
  };
  rt.state.tokens.push(record);
  rt.markDirty();
  if (opts.online) {
    const user = shop.staff.find((s) => s.id === record.userId) ?? shop.staff[0]!;
    return {
      access_token: token,
      scope,
      expires_in: ONLINE_TOKEN_SECONDS,
      associated_user_scope: scope,
      associated_user: {
        id: user.id,
        first_name: user.firstName,
        last_name: user.lastName,
        email: user.email,
        account_owner: user.accountOwner,
        locale: user.locale,
        collaborator: false,
        email_verified: true,
      },
    };
  }
  if (!opts.expiring) return { access_token: token, scope };
  const refresh = randomToken('shprt_');
  recordIssuedSecret('Shopify refresh token', refresh);
  rt.state.refreshTokens.push({
    hash: sha256(refresh),
    shop: shop.domain,
    apiKey: app.apiKey,
    scopes: inst.scopes,
    expiresAt: now + REFRESH_TOKEN_SECONDS * 1000,
    used: false,
    firstUsedAt: null,
    replaces: opts.replaces ?? null,
  });
  return { access_token: token, scope, expires_in: EXPIRING_ACCESS_TOKEN_SECONDS, refresh_token: refresh, refresh_token_expires_in: REFRESH_TOKEN_SECONDS };
}

/** GET /admin/oauth/authorize: the merchant approves at once (as for an app already approved) and is sent back. */
export function handleAuthorize(rt: ShopifyRuntime, req: IncomingMessage, res: ServerResponse, shop: ShopRecord): void {
  const q = requestUrl(req).searchParams;
  const app = rt.apps.get(q.get('client_id'));
  const page = (msg: string) =>
    sendHtml(res, 400, `<!doctype html><title>Oauth error</title><h1>Oauth error invalid_request: ${escapeHtml(msg)}</h1>`);
  if (!app) return page(`Could not find Shopify API application with api_key ${q.get('client_id') ?? ''}`);
  const redirectUri = q.get('redirect_uri');
  if (!redirectUri) return page('The redirect_uri is missing');
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return page('The redirect_uri is not a valid URL');
  }
  const allowed = app.redirectUrls.length
    ? app.redirectUrls.some((u) => u === redirectUri || redirectUri.startsWith(u))
    : !app.applicationUrl || new URL(app.applicationUrl).host === target.host;
  if (!allowed) return page('The redirect_uri is not whitelisted');
  const scopes = (q.get('scope') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const online = q.getAll('grant_options[]').includes('per-user');
  install(rt, shop, app, scopes.length ? scopes : app.scopes);
  const code = randomBytes(16).toString('hex');
  recordIssuedSecret('Shopify authorization code', code);
  rt.state.authCodes.push({
    hash: sha256(code),
    shop: shop.domain,
    apiKey: app.apiKey,
    scopes,
    online,
    userId: shop.staff[0]!.id,
    expiresAt: Date.now() + AUTH_CODE_SECONDS * 1000,
    used: false,
  });
  rt.markDirty();
  const params: Record<string, string> = {
    code,
    host: hostParam(shop.domain),
    shop: shop.domain,
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  const state = q.get('state');
  if (state !== null) params.state = state;
  params.hmac = signQuery(params, app.apiSecret);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  redirect(res, target.toString());
}

/** POST /admin/oauth/access_token. */
export async function handleAccessToken(rt: ShopifyRuntime, req: IncomingMessage, res: ServerResponse, shop: ShopRecord): Promise<void> {
  let p: Record<string, string>;
  try {
    p = await readParams(req);
  } catch {
    return oauthError(res, 400, 'invalid_request', 'The request body could not be parsed');
  }
  const app = rt.apps.get(p.client_id);
  if (!app || p.client_secret !== app.apiSecret) return oauthError(res, 401, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret');
  const expiring = p.expiring === '1' || p.expiring === 'true';
  const grant = p.grant_type ?? (p.code ? 'authorization_code' : '');

  if (grant === 'authorization_code') {
    const record = p.code ? rt.state.authCodes.find((c) => c.hash === sha256(p.code!)) : undefined;
    if (!record || record.used || record.expiresAt < Date.now() || record.shop !== shop.domain || record.apiKey !== app.apiKey) {
      return oauthError(res, 400, 'invalid_grant', 'The authorization code was not found, has expired, or was already used');
    }
    record.used = true;
    if (!activeInstallation(rt.state, shop.domain, app.apiKey)) return oauthError(res, 400, 'invalid_grant', 'The app is not installed on this shop');
    return sendJson(res, 200, issueToken(rt, shop, app, { online: record.online, expiring: expiring && !record.online, userId: record.userId }));
  }

  if (grant === TOKEN_EXCHANGE_GRANT) {
    const requested = p.requested_token_type ?? OFFLINE_TOKEN_TYPE;
    if (requested !== OFFLINE_TOKEN_TYPE && requested !== ONLINE_TOKEN_TYPE) {
      return oauthError(res, 400, 'invalid_request', `Unsupported requested_token_type ${requested}`);
    }
    if (p.subject_token_type === OFFLINE_TOKEN_TYPE) {
      // Migration of a non-expiring offline token to an expiring one; retried with the same token within
      // 7 days, it answers the same pair (the first answer may have been lost).
      const old = p.subject_token ? rt.state.tokens.find((t) => t.hash === sha256(p.subject_token!)) : undefined;
      const answered = migrations.get(rt.state) ?? new Map<string, { answer: IssuedToken; until: number }>();
      migrations.set(rt.state, answered);
      const replay = old ? answered.get(old.hash) : undefined;
      if (old && replay && replay.until > Date.now() && old.shop === shop.domain && old.apiKey === app.apiKey && activeInstallation(rt.state, shop.domain, app.apiKey)) {
        rt.ctx.log({ platform: 'shopify', kind: 'event', host: shop.domain, detail: { event: 'token migration replayed' } });
        return sendJson(res, 200, replay.answer);
      }
      if (!old || old.revoked || old.kind !== 'offline' || old.expiresAt !== null || old.shop !== shop.domain || old.apiKey !== app.apiKey) {
        return oauthError(res, 400, 'invalid_subject_token', 'The subject token is not a valid non-expiring offline access token for this shop');
      }
      old.revoked = true;
      const answer = issueToken(rt, shop, app, { online: false, expiring: true });
      answered.set(old.hash, { answer, until: Date.now() + MIGRATION_REPLAY_SECONDS * 1000 });
      return sendJson(res, 200, answer);
    }
    if (p.subject_token_type !== ID_TOKEN_TYPE || !p.subject_token) {
      return oauthError(res, 400, 'invalid_request', `subject_token_type must be ${ID_TOKEN_TYPE}`);
    }
    let session;
    try {
      session = await verifySessionToken(p.subject_token, app.apiKey, app.apiSecret);
    } catch (err) {
      return oauthError(res, 400, 'invalid_subject_token', `The session token is invalid: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (session.shop !== shop.domain) return oauthError(res, 400, 'invalid_subject_token', 'The session token was issued for another shop');
    // Shopify-managed installation: loading the app in Admin installs it with the configured scopes; a scope
    // added to the configuration later waits for the merchant's approval (the token carries what is granted).
    install(rt, shop, app, app.scopes, { grant: false });
    const online = requested === ONLINE_TOKEN_TYPE;
    // An online token belongs to the staff member of the session token (its associated_user is them).
    if (online && !shop.staff.some((s) => s.id === session.userId)) return oauthError(res, 400, 'invalid_subject_token', 'The session token names no staff member of this shop');
    return sendJson(res, 200, issueToken(rt, shop, app, { online, expiring: expiring && !online, userId: session.userId }));
  }

  if (grant === 'refresh_token') {
    // Refresh tokens rotate, with Shopify's grace (since 2026-08-28): a used one works again (a lost answer
    // is recoverable) until its replacement is used, for at most 30 days from its first use.
    const now = Date.now();
    const record = p.refresh_token ? rt.state.refreshTokens.find((r) => r.hash === sha256(p.refresh_token!)) : undefined;
    const graceOver = !!record?.used && now - (record.firstUsedAt ?? 0) > REFRESH_RETRY_SECONDS * 1000;
    if (!record || record.revoked || graceOver || record.expiresAt < now || record.shop !== shop.domain || record.apiKey !== app.apiKey) {
      return oauthError(res, 400, 'invalid_grant', 'The refresh token is invalid, expired or already used');
    }
    if (!activeInstallation(rt.state, shop.domain, app.apiKey)) return oauthError(res, 400, 'invalid_grant', 'The app is not installed on this shop');
    if (record.used) rt.ctx.log({ platform: 'shopify', kind: 'event', host: shop.domain, detail: { event: 'refresh token used again' } });
    record.used = true;
    record.firstUsedAt ??= now;
    // Its replacement is in use now: the token it replaced is retired.
    const predecessor = record.replaces ? rt.state.refreshTokens.find((r) => r.hash === record.replaces) : undefined;
    if (predecessor) predecessor.revoked = true;
    return sendJson(res, 200, issueToken(rt, shop, app, { online: false, expiring: true, replaces: record.hash }));
  }

  return oauthError(res, 400, 'unsupported_grant_type', `grant_type ${grant || '(missing)'} is not supported`);
}

/** The app and scopes behind an Admin API request's X-Shopify-Access-Token, or null (answer 401). */
export function authenticateAccessToken(rt: ShopifyRuntime, req: IncomingMessage, shop: ShopRecord): { app: AppConfig; scopes: string[]; token: TokenRecord } | null {
  const raw = req.headers['x-shopify-access-token'];
  const token = Array.isArray(raw) ? raw[0] : raw;
  if (!token) return null;
  const record = rt.state.tokens.find((t) => t.hash === sha256(token));
  if (!record || record.revoked || record.shop !== shop.domain) return null;
  if (record.expiresAt !== null && record.expiresAt <= Date.now()) return null;
  const inst = activeInstallation(rt.state, shop.domain, record.apiKey);
  const app = rt.apps.get(record.apiKey);
  if (!inst || !app) return null;
  return { app, scopes: inst.scopes, token: record };
}
