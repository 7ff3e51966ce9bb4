// Website authorization workflow: the seller consents on Seller Central, Amazon redirects back with a
// one-time spapi_oauth_code (valid 5 minutes), which LWA exchanges for the seller's refresh token.
import { ValidationError } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { appLwaClient, saveAuthorization, type AmazonIntegrationView } from '../integrations/integration-store';
import { MARKETPLACES, findMarketplace, marketplacesIn, type Region } from '../sp-api/regions';
import { consumeConsentState, issueConsentState } from './consent-state';
import { transientClient } from '../integrations/integration-store';
import type { SettingsSession } from '../settings-page/settings-session';

/** Seller Central's consent host for a region (or the first chosen marketplace's own). */
function sellerCentralHost(region: Region, marketplaceIds: string[]): string {
  const chosen = marketplaceIds.map(findMarketplace).find((m) => m?.region === region);
  if (chosen) return chosen.sellerCentral;
  return region === 'eu' ? 'sellercentral-europe.amazon.com' : region === 'fe' ? 'sellercentral.amazon.co.jp' : 'sellercentral.amazon.com';
}

export const CALLBACK_PATH = '/api/integrations/amazon/auth/callback';

export function callbackUrl(ctx: AmazonContext): string {
  return `${ctx.config.publicUrl}${CALLBACK_PATH}`;
}

export async function startWebsiteAuthorization(
  ctx: AmazonContext,
  input: { projectId: string; shop: string; region: Region; marketplaceIds: string[]; session: SettingsSession },
): Promise<string> {
  appLwaClient(ctx);
  if (!ctx.config.applicationId) throw new ValidationError('This service has no SP-API application id configured (AMAZON_SP_APP_ID)');
  const unknown = input.marketplaceIds.filter((id) => findMarketplace(id)?.region !== input.region);
  if (unknown.length) {
    throw new ValidationError(unknown.map((id) => ({ path: 'marketplaceIds', message: `${id} is not a marketplace of region ${input.region}` })));
  }
  const state = await issueConsentState(ctx, input);
  const host = sellerCentralHost(input.region, input.marketplaceIds);
  const base = ctx.hooks.browserBaseUrl ? ctx.hooks.browserBaseUrl(host) : `https://${host}`;
  const url = new URL(`${base.replace(/\/$/, '')}/apps/authorize/consent`);
  url.searchParams.set('application_id', ctx.config.applicationId);
  url.searchParams.set('state', state);
  url.searchParams.set('redirect_uri', callbackUrl(ctx));
  if (ctx.config.draftApp) url.searchParams.set('version', 'beta');
  return url.toString();
}

export interface CallbackQuery {
  state?: unknown;
  selling_partner_id?: unknown;
  spapi_oauth_code?: unknown;
  error?: unknown;
  error_description?: unknown;
}

export async function completeWebsiteAuthorization(
  ctx: AmazonContext,
  query: CallbackQuery,
  session: SettingsSession | undefined,
): Promise<{ integration: AmazonIntegrationView; shop: string }> {
  const consent = await consumeConsentState(ctx, query.state, session);
  if (typeof query.error === 'string') {
    throw new ValidationError([{ path: 'error', message: `Seller Central did not authorize the app: ${String(query.error_description ?? query.error)}`, code: query.error }]);
  }
  const code = query.spapi_oauth_code;
  const sellingPartnerId = query.selling_partner_id;
  if (typeof code !== 'string' || !code || typeof sellingPartnerId !== 'string' || !/^[A-Z0-9]{6,20}$/.test(sellingPartnerId)) {
    throw new ValidationError([{ path: 'spapi_oauth_code', message: 'Amazon’s redirect lacks the consent code or selling partner id' }]);
  }
  const app = appLwaClient(ctx);
  const exchanged = await ctx.lwa.exchangeAuthorizationCode(consent.region, app, code);
  let marketplaceIds = consent.marketplaceIds;
  if (marketplaceIds.length === 0) {
    // Nothing chosen yet: take every marketplace the seller participates in within the region.
    const client = transientClient(ctx, { sellingPartnerId, region: consent.region, lwa: app, refreshToken: exchanged.refreshToken }, `consent:${sellingPartnerId}`);
    ctx.tokens.prime(`consent:${sellingPartnerId}`, exchanged.accessToken);
    const participations = await ctx.participations.get(client);
    marketplaceIds = participations.filter((p) => p.region === consent.region && p.participating).map((p) => p.id);
    if (marketplaceIds.length === 0) marketplaceIds = marketplacesIn(consent.region).slice(0, 1).map((m) => m.id);
  }
  const integration = await saveAuthorization(ctx, {
    projectId: consent.projectId,
    sellingPartnerId,
    region: consent.region,
    marketplaceIds: marketplaceIds.filter((id) => MARKETPLACES.some((m) => m.id === id)),
    authMode: 'website_authorization',
    refreshToken: exchanged.refreshToken,
    accessToken: exchanged.accessToken,
  });
  return { integration, shop: consent.shop };
}
