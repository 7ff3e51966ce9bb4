// Serves the tenant's Amazon connector over the shared remote route contract, behind the signed
// service-to-service authentication of shared-contracts (SERVICE_SHARED_SECRET), each signed request
// served once (its nonce is kept in UsedNonce).
import { errorSummary } from '../log-errors';
import { createConnectorHandler, toNodeHandler } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { serviceRequestNonces } from '../authorization/used-nonces';
import { resolveTenant } from '../integrations/projects';
import { createAmazonConnector } from './amazon-connector';

/** Bytes a request body to /connector may have: a batch of CONNECTOR_MAX_BATCH real updates is a few MiB. */
export const CONNECTOR_BODY_LIMIT = 16 * 1024 * 1024;

export function connectorHandler(ctx: AmazonContext, secrets: readonly string[], hooks: { onFeedsStored?: () => void } = {}) {
  const handler = createConnectorHandler({
    secrets,
    nonces: serviceRequestNonces(ctx),
    resolveConnector: async (tenantId) => createAmazonConnector(ctx, await resolveTenant(ctx, tenantId), hooks),
    onUnexpectedError: (error, request) =>
      ctx.logger.error({ err: errorSummary(error), path: request.path.split('?')[0], tenant: request.tenantId }, 'connector route failed'),
  });
  return toNodeHandler(handler, { maxBodyBytes: CONNECTOR_BODY_LIMIT });
}
