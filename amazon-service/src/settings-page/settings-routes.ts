// The settings page's routes: the signed link that opens it for one shop (once), the page, and its forms.
// Unsigned, expired, forged or already used links are refused; forms need the session's CSRF token.
import { createRequire } from 'node:module';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ConnectorError, isConnectorError, parseOrThrow } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { selfAuthorize } from '../authorization/self-authorization';
import { claimNonce } from '../authorization/used-nonces';
import { startWebsiteAuthorization } from '../authorization/website-authorization';
import { createAmazonConnector } from '../connector/amazon-connector';
import { feedDetails, recentFeeds } from '../feeds/feed-monitor';
import { disconnectIntegration, findIntegration, updateMarketplaces } from '../integrations/integration-store';
import { resolveTenant } from '../integrations/projects';
import { connectionStatus } from '../routes/auth-routes';
import { REGIONS, findMarketplace } from '../sp-api/regions';
import { SETTINGS_PAGE_PATH } from './paths';
import { verifySettingsLink } from './settings-link';
import { checkCsrf, csrfToken, readSession, startSession, type SettingsSession } from './settings-session';
import { frameAncestors, sameOrigin } from './page-guards';
import { renderMessagePage, renderSettingsPage } from './settings-view';

const require = createRequire(import.meta.url);
const POLARIS_CSS = require.resolve('@shopify/polaris/build/esm/styles.css');

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : []).map((x) => String(x).trim()).filter(Boolean);

const connectForm = z.object({ region: z.enum(REGIONS), marketplaceIds: z.unknown().transform(list) });
const credentialsForm = z.object({
  sellingPartnerId: z.string().trim().regex(/^[A-Z0-9]{6,20}$/, 'a selling partner id is 6 to 20 capital letters and digits'),
  region: z.enum(REGIONS),
  marketplaceIds: z.unknown().transform(list),
  lwaClientId: z.string().trim().min(1, 'required'),
  lwaClientSecret: z.string().trim().min(1, 'required'),
  refreshToken: z.string().trim().min(1, 'required'),
});

export function settingsRoutes(ctx: AmazonContext, secret: string): Router {
  const router = Router();
  const secure = ctx.config.publicUrl.startsWith('https:');

  // Every page says who may frame it: the shop's Admin and Shopify Admin when it is the shop's page, no one
  // otherwise. `same-origin` keeps the page's address from other sites (Amazon's consent page) while its own
  // form posts still carry its Origin (with `no-referrer` browsers send `Origin: null`, refused as cross-site).
  function sendPage(res: Response, status: number, html: string, shop?: string): void {
    res
      .status(status)
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': frameAncestors(shop, ctx.hooks.frameAncestors) })
      .type('html')
      .send(html);
  }

  router.get('/polaris.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').type('css').sendFile(POLARIS_CSS);
  });

  router.get('/open', async (req, res) => {
    const check = verifySettingsLink(req.query as Record<string, unknown>, secret);
    if (!check.ok) {
      const why = check.reason === 'expired' ? 'This link has expired. Open the Amazon settings again from Calibrate in Shopify.' : 'This page opens only through the link in Calibrate’s console in Shopify.';
      return sendPage(res, check.reason === 'expired' ? 401 : 403, renderMessagePage('Link refused', why));
    }
    // One open per link: whoever opens it second (a copied, logged or shared link) gets no session.
    if (!(await claimNonce(ctx, 'settings-link', check.id, check.expiresAt))) {
      ctx.logger.warn({ shop: check.shop }, 'settings link opened a second time: refused');
      return sendPage(res, 410, renderMessagePage('Link already used', 'This link has already been used. Open the Amazon settings again from Calibrate in Shopify.'));
    }
    startSession(res, secret, check.shop, secure);
    res.set('Referrer-Policy', 'no-referrer').redirect(303, SETTINGS_PAGE_PATH);
  });

  const session = (req: Request, res: Response): SettingsSession | undefined => {
    const s = readSession(req, secret);
    if (!s) sendPage(res, 401, renderMessagePage('Open from Calibrate', 'Open the Amazon settings from Calibrate’s console in Shopify: this page needs its signed link.'));
    return s;
  };

  async function render(req: Request, res: Response, s: SettingsSession, status = 200, error?: string): Promise<void> {
    const tenant = await resolveTenant(ctx, s.shop);
    const [connection, feeds] = await Promise.all([connectionStatus(ctx, tenant.projectId), recentFeeds(ctx, tenant.projectId, 10)]);
    const health = connection.status === 'disconnected' ? null : await createAmazonConnector(ctx, tenant).healthCheck();
    const failures = await Promise.all(feeds.filter((f) => f.counts.failed > 0).slice(0, 3).map((f) => feedDetails(ctx, tenant.projectId, f.id, 50)));
    const notice = typeof req.query.notice === 'string' ? req.query.notice : undefined;
    sendPage(
      res,
      status,
      renderSettingsPage({
        shop: s.shop,
        csrf: csrfToken(secret, s),
        connection,
        health,
        feeds,
        failures: failures.filter((f) => f !== null),
        consentAvailable: Boolean(ctx.config.applicationId && ctx.config.lwaClientId && ctx.clientSecrets.secrets().length > 0),
        defaultRegion: ctx.config.defaultRegion,
        ...(notice ? { notice } : {}),
        ...(error ? { error } : {}),
      }),
      s.shop,
    );
  }

  router.get('/', async (req, res) => {
    const s = session(req, res);
    if (s) await render(req, res, s);
  });

  // Every form: session + CSRF, then the action; a refusal re-renders the page with the reason.
  const action = (handler: (req: Request, res: Response, s: SettingsSession, projectId: string) => Promise<void>) => [
    express.urlencoded({ extended: true, limit: '64kb' }),
    async (req: Request, res: Response) => {
      const s = session(req, res);
      if (!s) return;
      if (!sameOrigin(req, ctx.config.publicUrl) || !checkCsrf(secret, s, (req.body as { _csrf?: unknown } | undefined)?._csrf)) {
        return sendPage(res, 403, renderMessagePage('Form refused', 'This form has expired or did not come from this page. Reload the page and try again.'), s.shop);
      }
      const tenant = await resolveTenant(ctx, s.shop);
      try {
        await handler(req, res, s, tenant.projectId);
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        const message = error instanceof ConnectorError ? (error.detail ?? error.message) : String(error);
        await render(req, res, s, error.status >= 500 ? 502 : 400, message);
      }
    },
  ];

  router.post('/connect', ...action(async (req, res, s, projectId) => {
    const input = parseOrThrow(connectForm, req.body);
    const url = await startWebsiteAuthorization(ctx, { projectId, shop: s.shop, region: input.region, marketplaceIds: input.marketplaceIds.filter((id) => findMarketplace(id)?.region === input.region), session: s });
    res.redirect(303, url);
  }));

  router.post('/credentials', ...action(async (req, res, _s, projectId) => {
    const input = parseOrThrow(credentialsForm, req.body);
    await selfAuthorize(ctx, { projectId, ...input });
    res.redirect(303, `${SETTINGS_PAGE_PATH}?notice=credentials`);
  }));

  router.post('/marketplaces', ...action(async (req, res, _s, projectId) => {
    const input = parseOrThrow(connectForm, req.body);
    const integration = await findIntegration(ctx, projectId);
    if (!integration) throw new ConnectorError('conflict', 'Connect an Amazon seller first');
    const chosen = input.marketplaceIds.filter((id) => findMarketplace(id)?.region === integration.region);
    if (chosen.length === 0) throw new ConnectorError('validation', 'Choose at least one marketplace');
    await updateMarketplaces(ctx, integration.id, integration.region, chosen);
    res.redirect(303, `${SETTINGS_PAGE_PATH}?notice=marketplaces`);
  }));

  router.post('/disconnect', ...action(async (_req, res, _s, projectId) => {
    await disconnectIntegration(ctx, projectId);
    res.redirect(303, `${SETTINGS_PAGE_PATH}?notice=disconnected`);
  }));

  return router;
}
