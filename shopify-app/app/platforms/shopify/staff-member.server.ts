// Who the staff member acting in the console is, by name. The session token only carries their user id
// (`sub`); Shopify gives the person (first name, last name, email) with an *online* access token, as its
// `associated_user`. So when a staff member acts (a POST through the API frame), their session token is
// exchanged once for an online token (token exchange, requested_token_type online-access-token, through
// Shopify's library), the name is kept in StaffMember (the token itself is dropped: nothing here calls the
// Admin API as the user), and the exchange is not repeated in this process for an hour.
import { decodeJwt } from 'jose';
import { RequestedTokenType } from '@shopify/shopify-api';
import { db } from '../../db.server';
import { errorMessage, logger } from '../../lib/logger.server';
import { shopifyBaseApi } from './shopify-api.server';

const REFRESH_MS = 3600_000;
/** After Shopify refused or didn't answer, try again this much later (not on every click meanwhile). */
const RETRY_MS = 5 * 60_000;
/** The staff member's action never waits longer than this for their name; a late answer is still kept. */
const WAIT_MS = 5000;
/** `${projectId}:${userId}` → when the name was last read from Shopify by this process. */
const readAt = new Map<string, number>();

/** The name to show for Shopify's associated user: "First Last", else their email, else null. */
export function displayNameOf(user: { first_name?: string | null; last_name?: string | null; email?: string | null } | undefined): string | null {
  if (!user) return null;
  const name = [user.first_name, user.last_name].map((p) => (p ?? '').trim()).filter(Boolean).join(' ');
  return name || user.email?.trim() || null;
}

/**
 * Record the name of the staff member whose session token this is (best effort: an exchange Shopify refuses
 * or can't answer leaves the name as it was, and the approval goes ahead; pages then show "Staff member").
 */
export async function rememberStaffMember(api: { shop: string; projectId: string; sessionToken: string }): Promise<void> {
  let userId: string | undefined;
  try {
    const { sub } = decodeJwt(api.sessionToken);
    userId = typeof sub === 'string' && sub !== '' ? sub : undefined;
  } catch {
    return;
  }
  if (!userId) return;
  const key = `${api.projectId}:${userId}`;
  if (Date.now() - (readAt.get(key) ?? 0) < REFRESH_MS) return;
  readAt.set(key, Date.now());
  const read = (async () => {
    try {
      const { session } = await shopifyBaseApi().auth.tokenExchange({ shop: api.shop, sessionToken: api.sessionToken, requestedTokenType: RequestedTokenType.OnlineAccessToken });
      const displayName = displayNameOf(session.onlineAccessInfo?.associated_user);
      if (!displayName) return;
      await db.staffMember.upsert({
        where: { projectId_userId: { projectId: api.projectId, userId } },
        create: { projectId: api.projectId, userId, displayName },
        update: { displayName },
      });
    } catch (error) {
      readAt.set(key, Date.now() - REFRESH_MS + RETRY_MS);
      logger.warn({ shop: api.shop, err: errorMessage(error) }, 'could not read the staff member’s name (online token exchange)');
    }
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([read, new Promise<void>((resolve) => (timer = setTimeout(resolve, WAIT_MS)))]);
  clearTimeout(timer);
}
