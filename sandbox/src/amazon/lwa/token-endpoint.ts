// LWA's token endpoint, POST https://api.amazon.com/auth/o2/token: refresh_token, authorization_code and
// client_credentials (grantless) grants, form or JSON bodies, errors in LWA's `{error, error_description}`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, parseFields, readBody, requestUrl, sendJson } from '../http';
import type { AmazonWorld } from '../world';
import type { SpApp } from '../state';
import { createRefreshToken, expiresInSeconds, issueAccessToken } from './tokens';
import { recordIssuedSecret } from '../../core/secret-audit';

const GRANTLESS_SCOPES = new Set(['sellingpartnerapi::notifications', 'sellingpartnerapi::client_credential:rotation']);

type LwaError = { status: number; error: string; description: string };

const missing = (name: string): LwaError => ({
  status: 400,
  error: 'invalid_request',
  description: `The request is missing a required parameter : ${name}`,
});
const invalidGrant = (name: string): LwaError => ({
  status: 400,
  error: 'invalid_grant',
  description: `The request has an invalid grant parameter : ${name}`,
});
const INVALID_CLIENT: LwaError = { status: 401, error: 'invalid_client', description: 'Client authentication failed' };

function lwaHeaders(requestId: string): Record<string, string> {
  return {
    'Content-Type': 'application/json;charset=UTF-8',
    'x-amzn-RequestId': requestId,
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
  };
}

function sendError(res: ServerResponse, requestId: string, e: LwaError): void {
  sendJson(res, e.status, { error_description: e.description, error: e.error }, lwaHeaders(requestId));
}

/** Client credentials from the body or an HTTP Basic header. */
function clientCredentials(req: IncomingMessage, fields: Record<string, string>): { id?: string; secret?: string } {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
    return { id, secret };
  }
  return { id: fields.client_id, secret: fields.client_secret };
}

/**
 * The app whose client id and secret these are. A secret is accepted until its lifetime (180 days from
 * issue) ends, and a rotated-out one also only until the end of its grace; past that LWA answers
 * `invalid_client`, as it does for a wrong secret.
 */
function authenticate(world: AmazonWorld, id?: string, secret?: string): SpApp | undefined {
  if (!id || !secret) return undefined;
  for (const app of Object.values(world.state.apps)) recordIssuedSecret('LWA client secret', app.clientSecret);
  const app = Object.values(world.state.apps).find((a) => a.clientId === id);
  if (!app) return undefined;
  const now = world.now();
  const alive = (issuedAt: string | undefined) => !issuedAt || Date.parse(issuedAt) + world.days(world.options.clientSecretLifetimeDays) > now;
  if (app.clientSecret === secret) return alive(app.clientSecretIssuedAt) ? app : undefined;
  const previous = app.previousSecrets?.find((p) => p.secret === secret);
  return previous && Date.parse(previous.validUntil) > now && alive(previous.issuedAt) ? app : undefined;
}

/** A refresh token lasts the authorization's lifetime (365 days from the seller's consent). */
function refreshTokenExpired(world: AmazonWorld, createdAt: string): boolean {
  return Date.parse(createdAt) + world.days(world.options.refreshTokenLifetimeDays) <= world.now();
}

export async function handleLwa(world: AmazonWorld, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const url = requestUrl(req);
  if (url.pathname !== '/auth/o2/token') {
    sendJson(res, 404, { error: 'not_found', error_description: 'Not Found' }, lwaHeaders(requestId));
    return;
  }
  if (req.method !== 'POST') {
    sendError(res, requestId, { status: 405, error: 'invalid_request', description: 'The HTTP method is not supported' });
    return;
  }
  const outage = world.faults.lwaOutage;
  if (outage) {
    if (outage.remaining !== undefined && --outage.remaining <= 0) world.faults.lwaOutage = undefined;
    sendError(
      res,
      requestId,
      outage.error === 'server_error'
        ? { status: 500, error: 'server_error', description: 'The authorization server encountered an unexpected error' }
        : { status: 503, error: 'temporarily_unavailable', description: 'The authorization server is temporarily unavailable' },
    );
    return;
  }
  let fields: Record<string, string> | undefined;
  try {
    fields = parseFields(await readBody(req, 64 * 1024), req.headers['content-type']);
  } catch (e) {
    if (!(e instanceof BodyTooLargeError)) throw e;
  }
  if (!fields) {
    sendError(res, requestId, { status: 400, error: 'invalid_request', description: 'The request body could not be parsed' });
    return;
  }
  const result = grant(world, req, fields);
  if ('error' in result) {
    world.log({ platform: 'amazon', kind: 'event', detail: { lwa: fields.grant_type, error: result.error } });
    sendError(res, requestId, result);
    return;
  }
  world.log({ platform: 'amazon', kind: 'event', detail: { lwa: fields.grant_type, sellerId: result.sellerId } });
  sendJson(res, 200, result.body, lwaHeaders(requestId));
}

function grant(
  world: AmazonWorld,
  req: IncomingMessage,
  fields: Record<string, string>,
): LwaError | { body: Record<string, unknown>; sellerId?: string } {
  const grantType = fields.grant_type;
  if (!grantType) return missing('grant_type');
  if (!['refresh_token', 'authorization_code', 'client_credentials'].includes(grantType)) {
    return { status: 400, error: 'unsupported_grant_type', description: 'The authorization grant type is not supported by the authorization server' };
  }
  const credentials = clientCredentials(req, fields);
  if (!credentials.id) return missing('client_id');
  const app = authenticate(world, credentials.id, credentials.secret);
  if (!app) return INVALID_CLIENT;

  if (grantType === 'refresh_token') {
    if (!fields.refresh_token) return missing('refresh_token');
    const record = world.state.refreshTokens[fields.refresh_token];
    if (!record || record.revoked || record.clientId !== app.clientId) return invalidGrant('refresh_token');
    // An expired authorization is refused like a revoked one: the seller must authorize the app again.
    if (refreshTokenExpired(world, record.createdAt)) return invalidGrant('refresh_token');
    const access = issueAccessToken(world, { clientId: app.clientId, sellerId: record.sellerId, refreshToken: record.token });
    return {
      sellerId: record.sellerId,
      body: { access_token: access.token, refresh_token: record.token, token_type: 'bearer', expires_in: expiresInSeconds(world, access) },
    };
  }

  if (grantType === 'authorization_code') {
    if (!fields.code) return missing('code');
    const code = world.state.authorizationCodes[fields.code];
    if (!code || code.used || code.expiresAt <= world.now() || code.clientId !== app.clientId) return invalidGrant('code');
    if (fields.redirect_uri && fields.redirect_uri !== code.redirectUri) return invalidGrant('redirect_uri');
    code.used = true;
    const refresh = createRefreshToken(world, code.sellerId, app.clientId);
    const access = issueAccessToken(world, { clientId: app.clientId, sellerId: code.sellerId, refreshToken: refresh.token });
    return {
      sellerId: code.sellerId,
      body: { access_token: access.token, refresh_token: refresh.token, token_type: 'bearer', expires_in: expiresInSeconds(world, access) },
    };
  }

  if (!fields.scope) return missing('scope');
  if (!GRANTLESS_SCOPES.has(fields.scope)) {
    return { status: 400, error: 'invalid_scope', description: 'The request has an invalid parameter : scope' };
  }
  const access = issueAccessToken(world, { clientId: app.clientId, scope: fields.scope });
  return { body: { access_token: access.token, scope: fields.scope, token_type: 'bearer', expires_in: expiresInSeconds(world, access) } };
}
