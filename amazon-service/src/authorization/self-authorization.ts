// Self-authorization: a private seller pastes their own app's LWA client id and secret and the refresh
// token Seller Central showed them. We prove the credentials work (an LWA refresh and the Sellers API)
// before storing anything.
import { ValidationError } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { appLwaClient, saveAuthorization, transientClient, type AmazonIntegrationView } from '../integrations/integration-store';
import { findMarketplace, type Region } from '../sp-api/regions';

export interface SelfAuthorizationInput {
  projectId: string;
  sellingPartnerId: string;
  region: Region;
  marketplaceIds: string[];
  /** The seller's own LWA client; absent: the app's (a refresh token the app was already granted). */
  lwaClientId?: string;
  lwaClientSecret?: string;
  refreshToken: string;
}

export async function selfAuthorize(ctx: AmazonContext, input: SelfAuthorizationInput): Promise<AmazonIntegrationView> {
  const ownClient = input.lwaClientId && input.lwaClientSecret ? { clientId: input.lwaClientId, clientSecret: input.lwaClientSecret } : undefined;
  const lwa = ownClient ?? appLwaClient(ctx);
  const token = await ctx.lwa.refreshAccessToken(input.region, lwa, input.refreshToken).catch((error: unknown) => {
    if ((error as { platformError?: { code?: string } }).platformError?.code === 'invalid_grant') {
      throw new ValidationError([{ path: 'refreshToken', message: 'Login with Amazon refused this refresh token', code: 'invalid_grant' }]);
    }
    throw error;
  });
  const key = `self:${input.projectId}:${input.sellingPartnerId}`;
  ctx.tokens.prime(key, token);
  const client = transientClient(ctx, { sellingPartnerId: input.sellingPartnerId, region: input.region, lwa, refreshToken: input.refreshToken }, key);
  const participations = await ctx.participations.get(client);
  const participating = new Set(participations.filter((p) => p.participating).map((p) => p.id));
  let marketplaceIds = input.marketplaceIds;
  const refused = marketplaceIds.filter((id) => !participating.has(id) || findMarketplace(id)?.region !== input.region);
  if (refused.length) {
    throw new ValidationError(refused.map((id) => ({ path: 'marketplaceIds', message: `the seller does not sell in ${id} in region ${input.region}`, code: 'not_participating' })));
  }
  if (marketplaceIds.length === 0) marketplaceIds = [...participating].filter((id) => findMarketplace(id)?.region === input.region);
  ctx.tokens.invalidate(key);
  return saveAuthorization(ctx, {
    projectId: input.projectId,
    sellingPartnerId: input.sellingPartnerId,
    region: input.region,
    marketplaceIds,
    authMode: 'self_authorization',
    refreshToken: input.refreshToken,
    ...(ownClient ? { lwaClient: ownClient } : {}),
    accessToken: token,
  });
}
