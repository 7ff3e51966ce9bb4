// API routes are called by the embedded app with its session token (`Authorization: Bearer <id_token>`,
// an HS256 JWT App Bridge issues). Shopify's `authenticate.admin` verifies it and loads the shop's
// offline session; everything the route reads is then scoped to that shop's Project.
import { AuthenticationError, ConnectorError, PlatformUnavailableError, isConnectorError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { recordInstallation } from '../models/installation.server';
import { authenticate } from '../shopify.server';
import { checkQuery } from './route-params.server';
import { errorMessage, logger } from './logger.server';

export interface ApiContext {
  shop: string;
  projectId: string;
  sessionToken: string;
}

export function problem(error: ConnectorError, instance?: string, headers?: HeadersInit): Response {
  return new Response(JSON.stringify(error.toProblem(instance)), {
    status: error.status,
    headers: { 'Content-Type': 'application/problem+json', ...Object.fromEntries(new Headers(headers)) },
  });
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
  try {
    ({ session } = await authenticate.admin(request));
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
  const existing = await db.project.findUnique({ where: { shopDomain: session.shop }, select: { id: true } });
  const projectId = existing?.id ?? (await recordInstallation(session)).projectId;
  return { shop: session.shop, projectId, sessionToken: header.replace(/^Bearer\s+/i, '') };
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
