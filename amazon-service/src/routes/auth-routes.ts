// /api/integrations/amazon/auth: connection status, the website authorization workflow (start and
// Amazon's redirect back), self-authorization, marketplace choice and disconnect.
import { signingSecret } from '../config';
import { Router } from 'express';
import { z } from 'zod';
import { AuthorizationError, ConflictError, ValidationError, isConnectorError, parseOrThrow } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { selfAuthorize } from '../authorization/self-authorization';
import { completeWebsiteAuthorization, startWebsiteAuthorization } from '../authorization/website-authorization';
import { disconnectIntegration, findIntegration, updateMarketplaces } from '../integrations/integration-store';
import { REGIONS, findMarketplace } from '../sp-api/regions';
import { readSession } from '../settings-page/settings-session';
import { SETTINGS_PAGE_PATH } from '../settings-page/paths';
import { tenantOf, type AuthedRequest } from './request-auth';

const marketplaceIds = z.array(z.string().regex(/^[A-Z0-9]{8,20}$/, 'invalid marketplace id')).max(25);
const startSchema = z.object({ region: z.enum(REGIONS), marketplaceIds: marketplaceIds.default([]) });
const selfSchema = z.object({
  sellingPartnerId: z.string().regex(/^[A-Z0-9]{6,20}$/, 'invalid selling partner id'),
  region: z.enum(REGIONS),
  marketplaceIds: marketplaceIds.default([]),
  lwaClientId: z.string().min(1).max(256),
  lwaClientSecret: z.string().min(1).max(1024),
  refreshToken: z.string().min(1).max(4096),
});
const marketplacesSchema = z.object({ region: z.enum(REGIONS), marketplaceIds: marketplaceIds.min(1, 'choose at least one marketplace') });

/** Connection status for a page or the app: never a secret. */
export async function connectionStatus(ctx: AmazonContext, projectId: string) {
  const integration = await findIntegration(ctx, projectId);
  if (!integration) return { connected: false as const, status: 'disconnected' as const };
  return {
    connected: integration.status === 'connected',
    status: integration.status,
    statusReason: integration.statusReason,
    sellingPartnerId: integration.sellingPartnerId,
    region: integration.region,
    marketplaceIds: integration.marketplaceIds,
    authMode: integration.authMode,
    connectedAt: integration.connectedAt.toISOString(),
    lastSyncAt: integration.lastSyncAt?.toISOString() ?? null,
    // When Amazon stops accepting this authorization (365 days), and "Reconnect Amazon before …" 30 days ahead.
    expiresAt: integration.authorization.expiresAt,
    expiryWarning: integration.status === 'disconnected' ? null : integration.authorization.warning,
  };
}

/** Routes reached by a signed service request or the settings session. */
export function authRoutes(ctx: AmazonContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await connectionStatus(ctx, tenantOf(req).projectId));
  });
  router.post('/start', async (req, res) => {
    const input = parseOrThrow(startSchema, req.body ?? {});
    const tenant = tenantOf(req);
    // The consent is bound to the browser that starts it (its settings session): a service call has none.
    const session = (req as AuthedRequest).session;
    if (!session) throw new AuthorizationError('Seller Central consent starts in the merchant’s browser', { detail: 'start it from the Amazon settings page (its session is what Amazon’s redirect back must carry)' });
    const url = await startWebsiteAuthorization(ctx, { projectId: tenant.projectId, shop: tenant.shopDomain, region: input.region, marketplaceIds: input.marketplaceIds, session });
    res.json({ url });
  });
  router.post('/self', async (req, res) => {
    const input = parseOrThrow(selfSchema, req.body ?? {});
    await selfAuthorize(ctx, { projectId: tenantOf(req).projectId, ...input });
    res.status(201).json(await connectionStatus(ctx, tenantOf(req).projectId));
  });
  router.post('/marketplaces', async (req, res) => {
    const input = parseOrThrow(marketplacesSchema, req.body ?? {});
    const integration = await findIntegration(ctx, tenantOf(req).projectId);
    if (!integration) throw new ConflictError('No Amazon seller is connected for this shop');
    const foreign = input.marketplaceIds.filter((id) => findMarketplace(id)?.region !== input.region);
    if (foreign.length) throw new ValidationError(foreign.map((id) => ({ path: 'marketplaceIds', message: `${id} is not a marketplace of region ${input.region}` })));
    await updateMarketplaces(ctx, integration.id, input.region, input.marketplaceIds);
    res.json(await connectionStatus(ctx, tenantOf(req).projectId));
  });
  router.delete('/', async (req, res) => {
    await disconnectIntegration(ctx, tenantOf(req).projectId);
    res.status(204).end();
  });
  return router;
}

/**
 * Amazon's redirect back from Seller Central (a top-level browser navigation). The signed state says
 * which shop and which settings session it is for: only the browser holding that session may finish.
 */
export function authCallbackRoute(ctx: AmazonContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const session = readSession(req, signingSecret(ctx.config));
    try {
      await completeWebsiteAuthorization(ctx, req.query, session);
    } catch (error) {
      // A seller's browser (it asks for a page) goes back to the settings page and is told in words; the
      // problem document, which names what was refused, is for other clients and the log.
      if (!isConnectorError(error) || req.accepts(['json', 'html']) !== 'html') throw error;
      ctx.logger.warn({ code: error.code, detail: error.message }, 'Amazon consent not completed');
      return res.redirect(303, `${SETTINGS_PAGE_PATH}?notice=consent_failed`);
    }
    res.redirect(303, `${SETTINGS_PAGE_PATH}?notice=connected`);
  });
  return router;
}
