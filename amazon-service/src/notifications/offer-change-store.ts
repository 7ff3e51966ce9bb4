// AmazonOfferChange rows: each accepted ANY_OFFER_CHANGED (kind `offers`) and PRICING_HEALTH (kind
// `pricingHealth`), once per shop holding the seller, served by the connector's getOfferChanges in id order
// (the cursor is the row id; pricing health only to a caller that asks for it). A long poll waits on the in-process
// signal and re-reads the database every second, so a change stored by another instance is seen too.
import {
  ValidationError,
  MAX_OFFER_CHANGES,
  type CompetitiveListing,
  type OfferChange,
  type OfferChangesRequest,
  type OfferChangesResult,
  type PricingHealthChange,
} from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';

/** Changes are kept a week: the app pulls continuously, and polling getCompetitiveOffers reconciles anything older. */
export const OFFER_CHANGE_RETENTION_MS = 7 * 86_400_000;
/** How often a waiting long poll re-reads the database (changes stored by other instances). */
const RECHECK_MS = 1_000;

function decodeAfter(after: string | null | undefined): number {
  if (after === undefined || after === null) return 0;
  if (!/^\d{1,15}$/.test(after)) throw ValidationError.field('after', 'not a cursor this connector issued', 'invalid_cursor');
  return Number(after);
}

type Row = Awaited<ReturnType<AmazonContext['db']['amazonOfferChange']['findMany']>>[number];

function toHealth(row: Row): PricingHealthChange {
  return { ...(row.pricingHealth as unknown as Omit<PricingHealthChange, 'cursor' | 'receivedAt'>), cursor: String(row.id), receivedAt: row.receivedAt.toISOString() };
}

function toChange(row: Row): OfferChange {
  return {
    cursor: String(row.id),
    notificationId: row.notificationId,
    listing: row.listing as unknown as CompetitiveListing,
    cause: row.cause as OfferChange['cause'],
    receivedAt: row.receivedAt.toISOString(),
  };
}

/** The channel's state for a tenant: `off` unless its seller is subscribed to ANY_OFFER_CHANGED here. */
async function channelState(ctx: AmazonContext, projectId: string): Promise<'live' | 'down' | 'off'> {
  if (!ctx.notifications.configured) return 'off';
  const sellers = await ctx.db.amazonIntegration.findMany({ where: { projectId, status: { not: 'disconnected' } }, select: { sellingPartnerId: true } });
  if (sellers.length === 0) return 'off';
  const subscribed = await ctx.db.amazonNotificationSubscription.count({
    where: { sellingPartnerId: { in: sellers.map((s) => s.sellingPartnerId) }, notificationType: 'ANY_OFFER_CHANGED' },
  });
  if (subscribed === 0) return 'off';
  return ctx.notifications.state === 'down' ? 'down' : 'live';
}

export async function readOfferChanges(ctx: AmazonContext, projectId: string, request: OfferChangesRequest): Promise<OfferChangesResult> {
  const after = decodeAfter(request.after);
  const limit = request.limit ?? MAX_OFFER_CHANGES;
  const deadline = Date.now() + (request.waitSeconds ?? 0) * 1000;
  const withHealth = (request.include ?? []).includes('pricingHealth');
  const kinds = { kind: { in: withHealth ? ['offers', 'pricingHealth'] : ['offers'] } };
  const page = () => ctx.db.amazonOfferChange.findMany({ where: { projectId, ...kinds, id: { gt: after } }, orderBy: { id: 'asc' }, take: limit });
  let rows = await page();
  while (rows.length === 0 && Date.now() < deadline) {
    await ctx.notifications.changes.wait(projectId, Math.min(RECHECK_MS, deadline - Date.now()));
    rows = await page();
  }
  const newest = await ctx.db.amazonOfferChange.findFirst({ where: { projectId, ...kinds }, orderBy: { id: 'desc' }, select: { receivedAt: true } });
  return {
    changes: rows.filter((r) => r.kind === 'offers').map(toChange),
    cursor: rows.length > 0 ? String(rows.at(-1)!.id) : (request.after ?? null),
    status: { state: await channelState(ctx, projectId), lastReceivedAt: newest?.receivedAt.toISOString() ?? null },
    ...(withHealth ? { pricingHealth: rows.filter((r) => r.kind === 'pricingHealth').map(toHealth) } : {}),
  };
}

/** Drops changes past the retention, and handled notification ids past the queue's retention. */
export async function pruneNotificationRecords(ctx: AmazonContext, now = new Date()): Promise<{ changes: number; notificationIds: number }> {
  const [changes, ids] = await ctx.db.$transaction([
    ctx.db.amazonOfferChange.deleteMany({ where: { receivedAt: { lt: new Date(now.getTime() - OFFER_CHANGE_RETENTION_MS) } } }),
    ctx.db.amazonProcessedNotification.deleteMany({ where: { receivedAt: { lt: new Date(now.getTime() - PROCESSED_ID_RETENTION_MS) } } }),
  ]);
  return { changes: changes.count, notificationIds: ids.count };
}

/** SQS keeps a message at most 14 days: a copy of a notification can't arrive later than that. */
export const PROCESSED_ID_RETENTION_MS = 14 * 86_400_000;
