// Serves the tenant's Amazon connector over the shared remote route contract, behind the signed
// service-to-service authentication of shared-contracts (SERVICE_SHARED_SECRET), each signed request
// served once (its nonce is kept in UsedNonce). The app's only way in for pricing.
import type { RequestHandler } from 'express';
import { errorSummary } from '../log-errors';
import { createConnectorHandler, toNodeHandler } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { serviceRequestNonces } from '../authorization/used-nonces';
import { resolveTenant } from '../integrations/projects';
import { requireJsonBody, sendUnsupportedMediaType } from '../routes/problem-details';
import { createAmazonConnector } from './amazon-connector';

/** Bytes a request body to /connector may have: a batch of CONNECTOR_MAX_BATCH real updates is a few MiB. */
export const CONNECTOR_BODY_LIMIT = 16 * 1024 * 1024;

/** A charset named on the Content-Type other than UTF-8 (JSON is UTF-8: RFC 8259). */
function foreignCharset(contentType: string | undefined): string | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  return charset && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8' ? charset : undefined;
}

export function connectorHandler(ctx: AmazonContext, secrets: readonly string[], hooks: { onFeedsStored?: () => void } = {}): RequestHandler {
  const handler = createConnectorHandler({
    secrets,
    nonces: serviceRequestNonces(ctx),
    resolveConnector: async (tenantId) => createAmazonConnector(ctx, await resolveTenant(ctx, tenantId), hooks),
    onUnexpectedError: (error, request) =>
      ctx.logger.error({ err: errorSummary(error), path: request.path.split('?')[0], tenant: request.tenantId }, 'connector route failed'),
  });
  const serve = toNodeHandler(handler, { maxBodyBytes: CONNECTOR_BODY_LIMIT });
  return (req, res) => {
    // Signature headers first (refused from the headers alone, the body never read); then a body must be
    // JSON in UTF-8 (415 otherwise), as on every route of this service.
    try {
      handler.checkHeaders(req.headers);
    } catch {
      return serve(req, res);
    }
    const charset = foreignCharset(req.headers['content-type']);
    if (charset) {
      req.resume();
      return sendUnsupportedMediaType(res, req.originalUrl.split('?')[0]!, req.headers['content-type'], `charset not supported: ${charset.slice(0, 40)}`);
    }
    requireJsonBody(req, res, () => serve(req, res));
  };
}
