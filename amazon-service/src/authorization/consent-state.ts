// The `state` of the website authorization workflow: signed (HMAC), expiring, bound to one shop and to
// the settings session (browser) that started it, and carrying a nonce stored in AuthorizationState so it
// can be used once. A replayed, forged, expired or foreign state, or one arriving in a browser without
// that session, is refused before any code is exchanged.
import { signingSecret } from '../config';
import { createHash, randomBytes } from 'node:crypto';
import { AuthenticationError, AuthorizationError, ValidationError } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import type { SettingsSession } from '../settings-page/settings-session';
import type { Region } from '../sp-api/regions';
import { SignedTokenError, signToken, verifyToken } from './signed-token';

const PURPOSE = 'amazon-consent-state';
/** The seller has this long to finish consenting on Seller Central. */
export const CONSENT_STATE_TTL_MS = 15 * 60_000;

export interface ConsentState {
  projectId: string;
  shop: string;
  nonce: string;
  /** Which settings session (browser) started it: a digest of the session's random id. */
  session: string;
  region: Region;
  marketplaceIds: string[];
}

/** The state names the session by a digest, so the state (it travels through Amazon) never carries the id. */
function sessionBinding(session: SettingsSession): string {
  return createHash('sha256').update(`amazon-consent-session\n${session.sid}`).digest('base64url');
}

export async function issueConsentState(ctx: AmazonContext, input: Omit<ConsentState, 'nonce' | 'session'> & { session: SettingsSession }): Promise<string> {
  const nonce = randomBytes(18).toString('base64url');
  await ctx.db.amazonAuthorizationState.create({
    data: { projectId: input.projectId, nonce, expiresAt: new Date(Date.now() + CONSENT_STATE_TTL_MS) },
  });
  const data: ConsentState = { ...input, nonce, session: sessionBinding(input.session) };
  return signToken(signingSecret(ctx.config), PURPOSE, data, CONSENT_STATE_TTL_MS);
}

/**
 * Verifies the state Amazon hands back and uses it up. `session` is the settings session of the browser
 * Amazon sent back: it must be the one that started the consent (no session, another shop's or another
 * browser's is refused, and the state stays usable by the browser it belongs to).
 */
export async function consumeConsentState(ctx: AmazonContext, state: unknown, session: SettingsSession | undefined): Promise<ConsentState> {
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
  if (!session) {
    ctx.logger.warn({ shop: data.shop, reason: 'no_session' }, 'consent callback refused');
    throw new AuthenticationError('Finish connecting in the browser that started it', {
      detail: 'this browser has no Amazon settings session: open the Amazon settings from Calibrate and connect again there',
    });
  }
  if (session.shop !== data.shop) {
    ctx.logger.warn({ shop: data.shop, reason: 'other_shop' }, 'consent callback refused');
    throw new AuthorizationError('This authorization was started for another shop', { detail: 'state belongs to another shop' });
  }
  if (data.session !== sessionBinding(session)) {
    ctx.logger.warn({ shop: data.shop, reason: 'other_session' }, 'consent callback refused');
    throw new AuthorizationError('This authorization was started in another browser session', { detail: 'state belongs to another settings session: connect again from this page' });
  }
  const used = await ctx.db.amazonAuthorizationState.updateMany({
    where: { nonce: data.nonce, projectId: data.projectId, consumedAt: null, expiresAt: { gt: new Date() } },
    data: { consumedAt: new Date() },
  });
  if (used.count !== 1) {
    throw new ValidationError([{ path: 'state', message: 'the authorization state was already used: start connecting again', code: 'state_replayed' }]);
  }
  return data;
}
