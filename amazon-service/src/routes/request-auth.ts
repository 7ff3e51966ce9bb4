// Who is calling: the Shopify app (a request signed with SERVICE_SHARED_SECRET naming the tenant shop,
// each signed request served once), or a merchant's browser on the settings page (a session cookie bound
// to one shop, CSRF-checked on writes). Nothing under /api is served to anyone else.
//
// Two steps around the body parser: `identifyCaller` decides from the headers alone (signature headers
// present and fresh, or a valid session from this page's origin), so an unknown caller's body is never
// read, let alone parsed; `requireTenant` then checks what needs the body (the signature covers its
// bytes; a form may carry its CSRF token in it) and uses up the request's nonce.
import type { Request, RequestHandler } from 'express';
import { AuthenticationError, AuthorizationError, SIGNATURE_HEADER, authenticateRequest, readSignatureHeaders } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { resolveTenant, type Tenant } from '../integrations/projects';
import { sameOrigin } from '../settings-page/page-guards';
import { checkCsrf, readSession, type SettingsSession } from '../settings-page/settings-session';
import { serviceRequestNonces } from '../authorization/used-nonces';

export interface AuthedRequest extends Request {
  tenant: Tenant;
  rawBody?: Buffer;
  via: 'service' | 'settings';
  /** Set by identifyCaller for a browser on the settings page. */
  session?: SettingsSession;
}

export const CSRF_HEADER = 'x-csrf-token';

const isWrite = (req: Request) => req.method !== 'GET' && req.method !== 'HEAD';

/**
 * Before any body is read: a signed request's headers must be complete and fresh, a browser's session
 * valid and its writes from this service's origin. A refusal closes the connection (`Connection: close`)
 * instead of reading the body to its end.
 */
export function identifyCaller(ctx: AmazonContext, secrets: readonly string[]): RequestHandler {
  return (req, res, next) => {
    try {
      if (req.headers[SIGNATURE_HEADER]) {
        readSignatureHeaders(req.headers);
      } else {
        const session = readSession(req, secrets[0]!);
        if (!session) throw new AuthenticationError('sign the request (service) or open the settings page through its signed link');
        if (isWrite(req) && !sameOrigin(req, ctx.config.publicUrl)) throw new AuthorizationError('cross-origin requests may not change anything');
        (req as AuthedRequest).session = session;
      }
    } catch (error) {
      res.set('Connection', 'close');
      return next(error);
    }
    next();
  };
}

/** After the body parser: the signature over the body (its nonce used up), or the session's CSRF token. */
export function requireTenant(ctx: AmazonContext, secrets: readonly string[]): RequestHandler {
  const nonces = serviceRequestNonces(ctx);
  return async (req, _res, next) => {
    const r = req as AuthedRequest;
    if (!r.session) {
      const { tenantId } = await authenticateRequest({ method: req.method, path: req.originalUrl, headers: req.headers, body: r.rawBody ?? '', secrets, nonces });
      r.tenant = await resolveTenant(ctx, tenantId);
      r.via = 'service';
      return next();
    }
    if (isWrite(req)) {
      const token = req.get(CSRF_HEADER) ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
      if (!checkCsrf(secrets[0]!, r.session, token)) throw new AuthorizationError('missing or wrong CSRF token');
    }
    r.tenant = await resolveTenant(ctx, r.session.shop);
    r.via = 'settings';
    next();
  };
}

export function tenantOf(req: Request): Tenant {
  return (req as AuthedRequest).tenant;
}
