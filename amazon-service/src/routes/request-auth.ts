// Who is calling: the Shopify app (a request signed with SERVICE_SHARED_SECRET naming the tenant shop),
// or a merchant's browser on the settings page (a session cookie bound to one shop, CSRF-checked on
// writes). Nothing under /api is served to anyone else.
import type { Request, RequestHandler } from 'express';
import { AuthenticationError, AuthorizationError, verifyRequest } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { resolveTenant, type Tenant } from '../integrations/projects';
import { sameOrigin } from '../settings-page/page-guards';
import { checkCsrf, readSession } from '../settings-page/settings-session';

export interface AuthedRequest extends Request {
  tenant: Tenant;
  rawBody?: Buffer;
  via: 'service' | 'settings';
}

export const CSRF_HEADER = 'x-csrf-token';

export function requireTenant(ctx: AmazonContext, secrets: readonly string[]): RequestHandler {
  return async (req, _res, next) => {
    const r = req as AuthedRequest;
    if (req.headers['x-calibr-signature']) {
      const { tenantId } = verifyRequest({ method: req.method, path: req.originalUrl, headers: req.headers, body: r.rawBody ?? '', secrets });
      r.tenant = await resolveTenant(ctx, tenantId);
      r.via = 'service';
      return next();
    }
    const session = readSession(req, secrets[0]!);
    if (!session) throw new AuthenticationError('sign the request (service) or open the settings page through its signed link');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const token = req.get(CSRF_HEADER) ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
      if (!sameOrigin(req, ctx.config.publicUrl)) throw new AuthorizationError('cross-origin requests may not change anything');
      if (!checkCsrf(secrets[0]!, session, token)) throw new AuthorizationError('missing or wrong CSRF token');
    }
    r.tenant = await resolveTenant(ctx, session.shop);
    r.via = 'settings';
    next();
  };
}

export function tenantOf(req: Request): Tenant {
  return (req as AuthedRequest).tenant;
}
