// The settings page's routes: the signed link that opens it for one shop (once), the page, and its forms.
// Unsigned, expired, forged or already used links are refused; forms need the session's CSRF token.
import { createRequire } from 'node:module';
import express, { Router, type Request, type Response } from 'express';
import { ConnectorError, isConnectorError } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { selfAuthorize } from '../authorization/self-authorization';
import { claimNonce } from '../authorization/used-nonces';
import { startWebsiteAuthorization } from '../authorization/website-authorization';
import { createAmazonConnector } from '../connector/amazon-connector';
import { feedDetails, recentFeeds } from '../feeds/feed-monitor';
import { disconnectIntegration, findIntegration, sellerClient, updateMarketplaces } from '../integrations/integration-store';
import { resolveTenant } from '../integrations/projects';
import { connectionStatus } from '../routes/auth-routes';
import { backToCalibrateUrl } from './admin-link';
import { SETTINGS_PAGE_PATH } from './paths';
import { sellerProblem, type FormProblem, type SettingsForm } from './seller-messages';
import { postedRegion, readConnectForm, readCredentialsForm, readMarketplacesForm } from './settings-forms';
import { verifySettingsLink } from './settings-link';
import { checkCsrf, csrfToken, readSession, startSession, type SettingsSession } from './settings-session';
import { frameAncestors, sameOrigin } from './page-guards';
import { renderMessagePage, renderSettingsPage, type PostedValues } from './settings-view';

const require = createRequire(import.meta.url);
const POLARIS_CSS = require.resolve('@shopify/polaris/build/esm/styles.css');

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

  const backUrl = (shop: string) => backToCalibrateUrl(shop, ctx.config.shopifyAppHandle, ctx.hooks);

  router.get('/open', async (req, res) => {
    const check = verifySettingsLink(req.query as Record<string, unknown>, secret);
    if (!check.ok) {
      const why = check.reason === 'expired' ? 'This link has expired. Open the Amazon settings again from Calibrate in Shopify.' : 'This page opens only through the link in Calibrate’s console in Shopify.';
      return sendPage(res, check.reason === 'expired' ? 401 : 403, renderMessagePage('Link refused', why));
    }
    // One open per link: whoever opens it second (a copied, logged or shared link) gets no session.
    if (!(await claimNonce(ctx, 'settings-link', check.id, check.expiresAt))) {
      ctx.logger.warn({ shop: check.shop }, 'settings link opened a second time: refused');
      return sendPage(res, 410, renderMessagePage('Link already used', 'This link has already been used. Open the Amazon settings again from Calibrate in Shopify.', { backUrl: backUrl(check.shop) }));
    }
    startSession(res, secret, check.shop, secure);
    res.set('Referrer-Policy', 'no-referrer').redirect(303, SETTINGS_PAGE_PATH);
  });

  const session = (req: Request, res: Response): SettingsSession | undefined => {
    const s = readSession(req, secret);
    if (!s) sendPage(res, 401, renderMessagePage('Open from Calibrate', 'Open the Amazon settings from Calibrate’s console in Shopify: this page needs its signed link.'));
    return s;
  };

  /** The seller's store name as Amazon knows it (Sellers API, cached per seller); none when Amazon can't say. */
  async function storeName(projectId: string, region: string | undefined): Promise<string | undefined> {
    try {
      const { client } = await sellerClient(ctx, projectId);
      const participations = await ctx.participations.get(client);
      return participations.find((p) => p.storeName && p.participating && p.region === region)?.storeName ?? participations.find((p) => p.storeName)?.storeName;
    } catch {
      return undefined; // the connection card says what is wrong with the connection
    }
  }

  async function render(req: Request, res: Response, s: SettingsSession, status = 200, problem?: FormProblem, posted?: PostedValues): Promise<void> {
    const tenant = await resolveTenant(ctx, s.shop);
    const [connection, feeds] = await Promise.all([connectionStatus(ctx, tenant.projectId), recentFeeds(ctx, tenant.projectId, 10)]);
    const health = connection.status === 'disconnected' ? null : await createAmazonConnector(ctx, tenant).healthCheck();
    const name = connection.status === 'connected' ? await storeName(tenant.projectId, connection.region) : undefined;
    const failures = await Promise.all(feeds.filter((f) => f.counts.failed > 0).slice(0, 3).map((f) => feedDetails(ctx, tenant.projectId, f.id, 50)));
    const notice = typeof req.query.notice === 'string' ? req.query.notice : undefined;
    sendPage(
      res,
      status,
      renderSettingsPage({
        shop: s.shop,
        csrf: csrfToken(secret, s),
        backUrl: backUrl(s.shop),
        connection,
        ...(name ? { storeName: name } : {}),
        health,
        feeds,
        failures: failures.filter((f) => f !== null),
        consentAvailable: Boolean(ctx.config.applicationId && ctx.config.lwaClientId && ctx.clientSecrets.secrets().length > 0),
        defaultRegion: ctx.config.defaultRegion,
        ...(notice ? { notice } : {}),
        ...(problem ? { problem } : {}),
        ...(posted ? { posted } : {}),
      }),
      s.shop,
    );
  }

  router.get('/', async (req, res) => {
    const s = session(req, res);
    if (s) await render(req, res, s);
  });

  // Every form: session + CSRF, then the action; a refusal re-renders the page with the seller's reasons at
  // the form's fields (seller-messages.ts) and what they entered, secrets excepted.
  const action = (form: SettingsForm, handler: (req: Request, res: Response, s: SettingsSession, projectId: string) => Promise<void>) => [
    express.urlencoded({ extended: true, limit: '64kb' }),
    async (req: Request, res: Response) => {
      const s = session(req, res);
      if (!s) return;
      if (!sameOrigin(req, ctx.config.publicUrl) || !checkCsrf(secret, s, (req.body as { _csrf?: unknown } | undefined)?._csrf)) {
        return sendPage(res, 403, renderMessagePage('Form refused', 'This form has expired or did not come from this page. Reload the page and try again.', { backUrl: backUrl(s.shop) }), s.shop);
      }
      const tenant = await resolveTenant(ctx, s.shop);
      try {
        await handler(req, res, s, tenant.projectId);
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        const region = postedRegion(req.body);
        // The page words the refusal for the seller; what Amazon (or our own check) said stays in the log.
        if (error.code !== 'validation') ctx.logger.warn({ shop: s.shop, form, code: error.code, detail: error.message }, 'settings form refused');
        await render(req, res, s, error.status >= 500 ? 502 : 400, sellerProblem(form, error, region), postedValues(form, req.body, region));
      }
    },
  ];

  router.post('/connect', ...action('connect', async (req, res, s, projectId) => {
    const input = readConnectForm(req.body);
    const url = await startWebsiteAuthorization(ctx, { projectId, shop: s.shop, region: input.region, marketplaceIds: input.marketplaceIds, session: s });
    res.redirect(303, url);
  }));

  router.post('/credentials', ...action('credentials', async (req, res, _s, projectId) => {
    const input = readCredentialsForm(req.body);
    await selfAuthorize(ctx, { projectId, ...input });
    res.redirect(303, `${SETTINGS_PAGE_PATH}?notice=credentials`);
  }));

  router.post('/marketplaces', ...action('marketplaces', async (req, res, _s, projectId) => {
    const integration = await findIntegration(ctx, projectId);
    if (!integration) throw new ConnectorError('conflict', 'Connect an Amazon seller first');
    const chosen = readMarketplacesForm(req.body, integration.region);
    await updateMarketplaces(ctx, integration.id, integration.region, chosen);
    res.redirect(303, `${SETTINGS_PAGE_PATH}?notice=marketplaces`);
  }));

  router.post('/disconnect', ...action('disconnect', async (_req, res, _s, projectId) => {
    await disconnectIntegration(ctx, projectId);
    res.redirect(303, `${SETTINGS_PAGE_PATH}?notice=disconnected`);
  }));

  return router;
}

/** What the seller entered in the refused form, to show again: never the secrets. */
function postedValues(form: SettingsForm, body: unknown, region: PostedValues['region']): PostedValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const ids = (Array.isArray(b.marketplaceIds) ? b.marketplaceIds : typeof b.marketplaceIds === 'string' ? b.marketplaceIds.split(',') : []).map((x) => String(x).trim());
  return {
    form,
    ...(region ? { region } : {}),
    marketplaceIds: ids.filter(Boolean).slice(0, 50),
    ...(form === 'credentials' && typeof b.sellingPartnerId === 'string' ? { sellingPartnerId: b.sellingPartnerId.trim().slice(0, 40) } : {}),
  };
}
