// The Express 5 application: health, the connector contract (the app's only way in for pricing), the
// /api/integrations/amazon routes the settings page and the consent flow use, and the settings page. Every error is problem details (pages render their own HTML errors).
import express from 'express';
import { parseSharedSecrets, SIGNATURE_HEADER, verifyRequest } from '@calibr/shared-contracts';
import type { AmazonContext } from './amazon-context';
import { connectorHandler } from './connector/connector-routes';
import { authCallbackRoute, authRoutes } from './routes/auth-routes';
import { catalogRoutes } from './routes/catalog-routes';
import { healthRoute } from './routes/health-route';
import { notFound, problemHandler, requireJsonBody, SIGNATURE_REFUSED } from './routes/problem-details';
import { identifyCaller, requireTenant, type AuthedRequest } from './routes/request-auth';
import { SETTINGS_PAGE_PATH } from './settings-page/paths';
import { settingsRoutes } from './settings-page/settings-routes';
import { CALLBACK_PATH } from './authorization/website-authorization';

export const API_BASE = '/api/integrations/amazon';
/** Bytes a JSON body under /api may have: the largest, a self-authorization, is a few KiB (price batches
 * go to /connector, with its own limit: CONNECTOR_BODY_LIMIT). */
export const API_BODY_LIMIT = 64 * 1024;

/**
 * JSON bodies up to `limit`; past it nothing is kept and the answer is a 413 problem. A signed request's
 * signature is checked over the raw bytes before they are parsed, so a forged one is never parsed (its
 * nonce is used up later, in requireTenant).
 */
function jsonBody(limit: number, secrets: readonly string[]): express.RequestHandler {
  return express.json({
    limit,
    type: ['application/json', '+json'],
    verify: (req, _res, buf) => {
      const r = req as unknown as AuthedRequest;
      if (req.headers[SIGNATURE_HEADER]) {
        // body-parser re-labels what verify throws (status 403); the refusal travels as its cause.
        try {
          verifyRequest({ method: r.method, path: r.originalUrl, headers: req.headers, body: buf, secrets });
        } catch (refusal) {
          throw Object.assign(new Error('request signature refused'), { type: SIGNATURE_REFUSED, cause: refusal });
        }
      }
      r.rawBody = buf;
    },
  });
}

export interface AppHooks {
  /** New feeds were stored: wake the feed worker. */
  onFeedsStored?: () => void;
}

export function createApp(ctx: AmazonContext, hooks: AppHooks = {}): express.Express {
  const secrets = parseSharedSecrets(ctx.config.sharedSecret);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use('/health', healthRoute(ctx));
  // The connector handler reads the raw body itself (the signature covers it): before any parser.
  app.use('/connector', connectorHandler(ctx, secrets, hooks));

  app.use(SETTINGS_PAGE_PATH, settingsRoutes(ctx, secrets[0]!));
  app.use(CALLBACK_PATH, authCallbackRoute(ctx));

  const api = express.Router();
  // Who is calling, from the headers, before any body is read; the signature's check over the body after.
  api.use(identifyCaller(ctx, secrets));
  api.use(requireJsonBody);
  api.use(jsonBody(API_BODY_LIMIT, secrets));
  api.use(requireTenant(ctx, secrets));
  api.use('/auth', authRoutes(ctx));
  api.use('/catalog', catalogRoutes(ctx));
  app.use(API_BASE, api);

  app.use(notFound);
  app.use(problemHandler(ctx.logger));
  return app;
}
