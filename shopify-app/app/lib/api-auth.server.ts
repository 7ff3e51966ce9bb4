// The one request frame of every /api route. API routes are called by the embedded app with its session
// token (`Authorization: Bearer <id_token>`, an HS256 JWT App Bridge issues). Shopify's
// `authenticate.admin` verifies it and loads the shop's offline session; everything the route reads is
// then scoped to that shop's Project, and whatever the handler throws becomes a problem+json response.
import { decodeJwt } from 'jose';
import { AuthenticationError, ConnectorError, PlatformUnavailableError, isConnectorError } from '@calibr/shared-contracts';
import { authenticate, projectIdForSession } from '../shopify.server';
import { problem } from './problem';
import { checkQuery } from './route-params.server';
import { errorMessage, logger } from './logger.server';

export interface ApiContext {
  shop: string;
  projectId: string;
  sessionToken: string;
  /** shopify-app-remix's scopes API for this request (query the grant, ask the merchant for more) */
  scopes: Awaited<ReturnType<typeof authenticate.admin>>['scopes'];
}

/** What an API route's handler is given: the shop's scope, who acts, and the request's path. */
export interface ApiRouteContext extends ApiContext {
  /** Who acts, for the audit log: the Shopify staff member of the session token (`user:<id>@<shop>`). */
  actor: string;
  path: string;
}

/** Run an API route: authenticate and scope the request, then the handler; errors become problem+json. */
export async function apiRoute(request: Request, handler: (ctx: ApiRouteContext) => Promise<Response>): Promise<Response> {
  const path = new URL(request.url).pathname;
  try {
    const api = await requireShopApi(request);
    return await handler({ ...api, actor: actorOf(api), path });
  } catch (thrown) {
    return asResponse(thrown, path);
  }
}

/** The token was verified by authenticate.admin; here it is only read for its subject. */
export function actorOf(api: ApiContext): string {
  try {
    const { sub } = decodeJwt(api.sessionToken);
    if (typeof sub === 'string' && sub !== '') return `user:${sub}@${api.shop}`;
  } catch {
    // fall through
  }
  return `shop:${api.shop}`;
}

/** 405 for a method the route does not serve, naming the ones it does. */
export function methodNotAllowed(request: Request, allow: string): Response {
  const path = new URL(request.url).pathname;
  const body = { ...new ConnectorError('validation', `${request.method} is not allowed here; use ${allow}`).toProblem(path), status: 405, title: 'Method not allowed' };
  return problem(body, undefined, { Allow: allow });
}

export async function requireShopApi(request: Request): Promise<ApiContext> {
  const path = new URL(request.url).pathname;
  // A CORS preflight: Shopify's library would answer it with `Access-Control-Allow-Origin: *`. Only the
  // embedded app, from its own origin, calls these routes, so the preflight gets no CORS grant at all.
  if (request.method === 'OPTIONS') throw new Response(null, { status: 204, headers: { Allow: 'GET, POST, PATCH, DELETE' } });
  const header = request.headers.get('authorization') ?? '';
  if (!/^Bearer\s+\S+/i.test(header)) {
    throw problem(new AuthenticationError('A session token is required (Authorization: Bearer <id_token>)'), path, {
      'WWW-Authenticate': 'Bearer',
    });
  }
  let session;
  let scopes;
  try {
    ({ session, scopes } = await authenticate.admin(request));
  } catch (thrown) {
    if (thrown instanceof Response) {
      if (thrown.status === 401 || thrown.status === 302 || thrown.status === 400) {
        // Keep Shopify's retry header so App Bridge fetches a fresh token and retries.
        const retry = thrown.headers.get('X-Shopify-Retry-Invalid-Session-Request');
        throw problem(new AuthenticationError('The session token is invalid or expired'), path, {
          'WWW-Authenticate': 'Bearer error="invalid_token"',
          ...(retry ? { 'X-Shopify-Retry-Invalid-Session-Request': retry } : {}),
        });
      }
      // Shopify's library answers an empty 500 when the token exchange itself fails (Shopify refused or
      // unreachable): say so as a problem, without the session, rather than an internal error of ours.
      if (thrown.status >= 500) {
        throw problem(new PlatformUnavailableError('Shopify did not confirm this session; try again shortly', { platform: 'shopify', retryAfter: 5 }), path, { 'Retry-After': '5' });
      }
      throw thrown;
    }
    throw thrown;
  }
  checkQuery(new URL(request.url));
  const projectId = await projectIdForSession(session);
  return { shop: session.shop, projectId, sessionToken: header.replace(/^Bearer\s+/i, ''), scopes };
}

export function json(data: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(data), {
    ...init,
    headers: { 'Content-Type': 'application/json', ...Object.fromEntries(new Headers(init.headers)) },
  });
}

/** Turn what a handler threw into a response: Responses pass, connector errors become problem details. */
export function asResponse(thrown: unknown, path: string): Response {
  if (thrown instanceof Response) return thrown;
  if (isConnectorError(thrown)) return problem(thrown, path);
  logger.error({ path, err: errorMessage(thrown) }, 'API request failed');
  return problem(new ConnectorError('internal', 'Something went wrong on our side'), path);
}
