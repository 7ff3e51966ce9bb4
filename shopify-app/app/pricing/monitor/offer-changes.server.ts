// Reacting to offer changes the platform announces (Amazon's ANY_OFFER_CHANGED, through the Amazon
// service: `pricing.getOfferChanges`, capability `offerChanges`). Per shop and platform, a recurring job
// (`pricing.offer-changes`) long-polls the connector from the cursor stored in OfferChangeCursor, stores
// each snapshot as a reading (source `notification`, the same recording path as polling), and in the same
// transaction advances the cursor and asks for a policy run on every listing whose market moved
// (reprice-queue.server.ts: one run at a time per shop, a burst priced together). A change read twice
// (a crash before the cursor moved, SQS delivering twice) is stored once: idempotent by notification id.
// Where the connector declares `pricingHealth`, the same pull asks for it too (`include`): our offer losing
// Buy Box eligibility on price raises a flag in the same transaction (pricing-health.server.ts).
import type { Jobs } from '@calibr/jobs';
import { MAX_OFFER_CHANGES, MAX_OFFER_CHANGES_WAIT_SECONDS, type OfferChangesStatus, type PlatformConnector } from '@calibr/shared-contracts';
import { db } from '../../db.server';
import { recordReadings } from './competitive-readings.server';
import { pricingHealthWrites } from './pricing-health.server';
import { enqueueLeftovers, enqueueReprice, pendingRepriceWrites } from './reprice-queue.server';

export const OFFER_CHANGES_QUEUE = 'pricing.offer-changes';

export interface OfferChangesOptions {
  /** How long one pull waits for a change (the connector's long poll, 0–20 s). Default PRICING_OFFER_CHANGES_WAIT_SECONDS or 20. */
  waitSeconds?: number;
  /** How soon to ask again while the channel is `down` or `off` (nothing to wait for). Default 30 s. */
  idleMs?: number;
}

/** A pull job's payload: whose changes, on which platform. */
export interface PullState {
  projectId: string;
  platform: string;
}

export interface PullResult {
  received: number;
  recorded: number;
  /** Pricing-health items received, and the `buy_box_ineligible` flags raised and cleared by this pull. */
  pricingHealth: { received: number; raised: number; cleared: number };
  duplicates: number;
  /** Listings whose market moved: a policy run is queued for them. */
  moved: number;
  cursor: string | null;
  state: OfferChangesStatus['state'] | 'unsupported';
}

export function waitSecondsOf(options: OfferChangesOptions = {}): number {
  const configured = options.waitSeconds ?? Number(process.env.PRICING_OFFER_CHANGES_WAIT_SECONDS ?? MAX_OFFER_CHANGES_WAIT_SECONDS);
  return Math.min(MAX_OFFER_CHANGES_WAIT_SECONDS, Math.max(0, Number.isFinite(configured) ? configured : MAX_OFFER_CHANGES_WAIT_SECONDS));
}

/** Gives the shop a pull job per platform that announces offer changes (a live one is left as it is). */
export async function scheduleOfferChanges(jobs: Jobs, projectId: string, platforms: readonly string[]): Promise<void> {
  for (const platform of platforms) {
    await jobs.enqueue<PullState>({ queue: OFFER_CHANGES_QUEUE, key: `${projectId}:${platform}`, groupKey: `shop:${projectId}`, payload: { projectId, platform }, again: true });
  }
}

/**
 * One pull: the changes after the stored cursor (waiting up to `waitSeconds` for one), stored with the
 * cursor's advance and the pending policy runs in one transaction; then the policy run is queued.
 */
export async function pullOfferChanges(jobs: Jobs, connector: PlatformConnector, projectId: string, options: OfferChangesOptions = {}): Promise<PullResult> {
  const get = connector.pricing.getOfferChanges?.bind(connector.pricing);
  if (!connector.capabilities.offerChanges || !get) return { received: 0, recorded: 0, pricingHealth: { received: 0, raised: 0, cleared: 0 }, duplicates: 0, moved: 0, cursor: null, state: 'unsupported' };
  const platform = connector.platform;
  const where = { projectId_platform: { projectId, platform } };
  const stored = await db.offerChangeCursor.findUnique({ where, select: { cursor: true } });
  // A crash between a batch's write and its job left pending rows without a run: give them one.
  await enqueueLeftovers(jobs, projectId);
  const answer = await get({
    after: stored?.cursor ?? null,
    limit: MAX_OFFER_CHANGES,
    waitSeconds: waitSecondsOf(options),
    ...(connector.capabilities.pricingHealth ? { include: ['pricingHealth'] as const } : {}),
  });
  const inputs = answer.changes.map((change) => ({ listing: change.listing, marketplaceId: change.listing.marketplaceId ?? '', notificationId: change.notificationId }));
  const health = await pricingHealthWrites(projectId, platform, answer.pricingHealth ?? [], answer.changes);
  const status = { state: answer.status.state, lastReceivedAt: answer.status.lastReceivedAt ? new Date(answer.status.lastReceivedAt) : null };
  const recorded = await recordReadings(projectId, platform, inputs, {
    source: 'notification',
    alongside: (r) => [
      db.offerChangeCursor.upsert({
        where,
        create: { projectId, platform, cursor: answer.cursor, ...status, received: inputs.length, duplicatesDropped: r.duplicates },
        update: { cursor: answer.cursor, ...status, received: { increment: inputs.length }, duplicatesDropped: { increment: r.duplicates } },
      }),
      ...health.writes,
      // A listing that lost eligibility is looked at again, for that reason (it says more than the market's move).
      ...pendingRepriceWrites(projectId, new Map([...r.triggers, ...health.triggers])),
    ],
  });
  if (recorded.triggers.size > 0 || health.triggers.size > 0) await enqueueReprice(jobs, projectId, `${platform}:${answer.cursor ?? 'start'}`);
  const pricingHealth = { received: answer.pricingHealth?.length ?? 0, raised: health.raised, cleared: health.cleared };
  return { received: inputs.length, recorded: recorded.recorded, pricingHealth, duplicates: recorded.duplicates, moved: recorded.triggers.size, cursor: answer.cursor, state: answer.status.state };
}

/** Where the shop's notification channel stands, per platform (for the console and the monitor). */
export async function offerChangeStatus(projectId: string): Promise<Array<{ platform: string; state: string; lastReceivedAt: Date | null; received: number; duplicatesDropped: number }>> {
  return db.offerChangeCursor.findMany({ where: { projectId }, select: { platform: true, state: true, lastReceivedAt: true, received: true, duplicatesDropped: true }, orderBy: { platform: 'asc' } });
}
