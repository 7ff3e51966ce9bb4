// The `state` of the website authorization workflow: signed (HMAC), expiring, bound to one shop, and
// carrying a nonce stored in AuthorizationState so it can be used once. A replayed, forged, expired or
// foreign state is refused before any code is exchanged.
import { signingSecret } from '../config';
import { randomBytes } from 'node:crypto';
import { AuthorizationError, ValidationError } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import type { Region } from '../sp-api/regions';
import { SignedTokenError, signToken, verifyToken } from './signed-token';

const PURPOSE = 'amazon-consent-state';
/** The seller has this long to finish consenting on Seller Central. */
export const CONSENT_STATE_TTL_MS = 15 * 60_000;

export interface ConsentState {
  projectId: string;
  shop: string;
  nonce: string;
  region: Region;
  marketplaceIds: string[];
}

export async function issueConsentState(ctx: AmazonContext, input: Omit<ConsentState, 'nonce'>): Promise<string> {
  const nonce = randomBytes(18).toString('base64url');
  await ctx.db.authorizationState.create({
    data: { projectId: input.projectId, platform: 'amazon', nonce, expiresAt: new Date(Date.now() + CONSENT_STATE_TTL_MS) },
  });
  return signToken(signingSecret(ctx.config), PURPOSE, { ...input, nonce }, CONSENT_STATE_TTL_MS);
}

/**
 * Verifies the state Amazon hands back and uses it up. `expectedShop` is the shop of the browser's
 * settings session, when there is one: a state issued for another shop is refused.
 */
export async function consumeConsentState(ctx: AmazonContext, state: unknown, expectedShop: string | undefined): Promise<ConsentState> {
  let data: ConsentState;
  try {
    data = verifyToken<ConsentState>(signingSecret(ctx.config), PURPOSE, state).data;
  } catch (error) {
    if (error instanceof SignedTokenError) {
      const why = error.reason === 'expired' ? 'has expired: start connecting again' : 'is not one this service issued';
      throw new ValidationError([{ path: 'state', message: `the authorization state ${why}`, code: `state_${error.reason}` }]);
    }
    throw error;
  }
  if (expectedShop !== undefined && expectedShop !== data.shop) {
    throw new AuthorizationError('This authorization was started for another shop', { detail: 'state belongs to another shop' });
  }
  const used = await ctx.db.authorizationState.updateMany({
    where: { nonce: data.nonce, projectId: data.projectId, platform: 'amazon', consumedAt: null, expiresAt: { gt: new Date() } },
    data: { consumedAt: new Date() },
  });
  if (used.count !== 1) {
    throw new ValidationError([{ path: 'state', message: 'the authorization state was already used: start connecting again', code: 'state_replayed' }]);
  }
  return data;
}
