// Competitive offers through the registry: a platform whose connector declares `competitivePricing`
// (Amazon, through its service's remote connector) reads them with `pricing.getCompetitiveOffers`, ours
// already marked, and each reading is recorded as a CompetitorPriceObservation of the shop's listings of
// that item in that marketplace, so the policy sees how the market moves. Notifications (a platform's
// announced offer changes) are stored by the same path, marked `notification`, once per notification id.
import { buyBoxOffer, competitiveBatchSize, lowestCompetingOffer, toMinorUnits, tryParseMoney, type CompetitiveListing, type PlatformConnector } from '@calibr/shared-contracts';
import type { Prisma } from '@calibr/db';
import { db } from '../../db.server';
import type { Trigger } from '../policy';
import { triggerBetween } from './market-changes.server';

export interface CompetitiveReading {
  /** Observations written (one per listing of a readable item). */
  recorded: number;
  listings: readonly CompetitiveListing[];
}

/** Reads the offers on `itemIds` (a listing's `asin`) in one marketplace, in the connector's batch size, and records them. */
export async function readCompetition(connector: PlatformConnector, projectId: string, marketplaceId: string, itemIds: readonly string[]): Promise<CompetitiveReading> {
  const read = connector.pricing.getCompetitiveOffers?.bind(connector.pricing);
  if (!connector.capabilities.competitivePricing || !read) return { recorded: 0, listings: [] };
  const size = competitiveBatchSize(connector.capabilities);
  const unique = [...new Set(itemIds)];
  const listings: CompetitiveListing[] = [];
  for (let i = 0; i < unique.length; i += size) {
    const answer = await read({ itemIds: unique.slice(i, i + size), ...(marketplaceId ? { marketplaceId } : {}) });
    listings.push(...answer.listings);
  }
  const stored = await recordReadings(projectId, connector.platform, listings.map((listing) => ({ listing, marketplaceId })), { source: 'poll' });
  return { recorded: stored.recorded, listings };
}

/** One snapshot to store: an item's offers in a marketplace, and the notification that announced it (if one did). */
export interface ReadingInput {
  listing: CompetitiveListing;
  marketplaceId: string;
  notificationId?: string;
}

export interface RecordedReadings {
  /** Observations written (one per listing of a readable item). */
  recorded: number;
  /** Notifications already stored (or twice in this batch): dropped. */
  duplicates: number;
  /** What moved on each of our listings, against its previous reading (a listing once: its latest move). */
  triggers: Map<string, Trigger>;
}

export interface RecordOptions {
  source: 'poll' | 'notification';
  /** More writes for the same transaction, given what is about to be stored (a cursor, pending policy runs). */
  alongside?: (recorded: RecordedReadings) => Prisma.PrismaPromise<unknown>[];
}

type Previous = { currency: string; details: unknown; buyBoxAmount: string | null; buyBoxIsOurs: boolean | null; lowestOfferAmount: string | null; observedAt: Date };

/**
 * Stores snapshots as CompetitorPriceObservations of the shop's listings of each item in its marketplace,
 * with each competitor's price move and how fresh each listing's data now is, in one transaction. A
 * notification already stored (SQS delivers at least once) is dropped: idempotent by its id.
 */
export async function recordReadings(projectId: string, platform: string, inputs: readonly ReadingInput[], options: RecordOptions): Promise<RecordedReadings> {
  const result: RecordedReadings = { recorded: 0, duplicates: 0, triggers: new Map() };
  const fresh = await withoutStoredNotifications(projectId, inputs, result);
  const valid = fresh.filter((r) => !r.listing.error && r.listing.currency);
  // Our listings of every item asked about (read or not: an item the platform can't answer for was still tried).
  const ours = fresh.length === 0 ? [] : await db.listing.findMany({
    where: { projectId, platform, marketplaceId: { in: [...new Set(fresh.map((r) => r.marketplaceId))] }, asin: { in: [...new Set(fresh.map((r) => r.listing.itemId))] } },
    select: { id: true, asin: true, marketplaceId: true, externalId: true, priceAmount: true, currency: true },
  });
  const asked = ours.filter((l) => fresh.some((r) => r.listing.itemId === l.asin && r.marketplaceId === l.marketplaceId));
  const rows = valid.flatMap(({ listing: reading, marketplaceId, notificationId }): Prisma.CompetitorPriceObservationCreateManyInput[] => {
    const holder = buyBoxOffer(reading.offers, reading.buyBox);
    const base = {
      projectId,
      platform,
      marketplaceId,
      asin: reading.itemId,
      currency: reading.currency!,
      buyBoxAmount: reading.buyBox?.amount ?? null,
      buyBoxSellerId: holder?.sellerId ?? null,
      buyBoxIsOurs: holder ? holder.isOurs : reading.buyBox ? false : null,
      lowestOfferAmount: lowestCompetingOffer(reading.offers)?.landed.amount ?? null,
      offerCount: reading.offerCount,
      // Amounts as decimal strings in the row's currency: the policy reads who competes from here.
      details: { offers: reading.offers.map((offer) => ({ ...offer, landed: offer.landed.amount })) },
      observedAt: new Date(reading.observedAt),
      source: options.source,
      notificationId: notificationId ?? null,
    };
    const listings = ours.filter((l) => l.asin === reading.itemId && l.marketplaceId === marketplaceId);
    // Every listing of the item is judged on its own readings (a reading of an item we don't list is kept unattached).
    return listings.length > 0 ? listings.map((l) => ({ ...base, listingId: l.id, sku: l.externalId })) : [{ ...base, listingId: null, sku: null }];
  });
  result.recorded = rows.length;
  if (rows.length === 0 && asked.length === 0 && !options.alongside) return result;

  // Each reading against the one before it (the stored latest, then earlier ones of this batch), in time order.
  const before = await latestReadings(projectId, rows);
  const moves: Prisma.CompetitorPriceMoveCreateManyInput[] = [];
  const observed = new Map<string, Date>();
  for (const row of [...rows].sort((a, b) => (a.observedAt as Date).getTime() - (b.observedAt as Date).getTime())) {
    if (!row.listingId) continue;
    const at = row.observedAt as Date;
    const last = before.get(row.listingId);
    const summary: Previous = { currency: row.currency, details: row.details, buyBoxAmount: row.buyBoxAmount ?? null, buyBoxIsOurs: row.buyBoxIsOurs ?? null, lowestOfferAmount: row.lowestOfferAmount ?? null, observedAt: at };
    // An older snapshot than the one we hold (a notification delivered late) is kept, and judged against nothing.
    if (last && last.observedAt.getTime() > at.getTime()) continue;
    observed.set(row.listingId, at);
    before.set(row.listingId, summary);
    // The platform says the offers changed on a listing we never read: the policy looks at it (no baseline to compare).
    if (!last && options.source === 'notification') result.triggers.set(row.listingId, { kind: 'lowest_offer_moved', platform, from: null, to: summary.lowestOfferAmount, at: at.toISOString() });
    if (!last || last.currency !== row.currency) continue;
    const trigger = triggerBetween(last, summary, platform);
    if (trigger) result.triggers.set(row.listingId, trigger);
    moves.push(...competitorMoves(projectId, row.listingId, row.currency, last.details, row.details, at));
  }

  const now = new Date();
  const freshness = asked.map((l) => {
    const at = observed.get(l.id);
    const data = {
      readAt: now,
      valueMinor: valueOf(l.priceAmount, l.currency),
      ...(at ? { observedAt: at, source: options.source } : {}),
      ...(result.triggers.has(l.id) ? { movedAt: at } : {}),
    };
    return db.competitiveFreshness.upsert({ where: { listingId: l.id }, create: { listingId: l.id, projectId, ...data }, update: data });
  });
  await db.$transaction([
    db.competitorPriceObservation.createMany({ data: rows }),
    db.competitorPriceMove.createMany({ data: moves }),
    ...freshness,
    ...(options.alongside?.(result) ?? []),
  ]);
  return result;
}

/** The inputs whose notification is not stored yet (nor earlier in the batch); counts the others. */
async function withoutStoredNotifications(projectId: string, inputs: readonly ReadingInput[], result: RecordedReadings): Promise<ReadingInput[]> {
  const ids = [...new Set(inputs.map((i) => i.notificationId).filter((id): id is string => !!id))];
  const stored = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.competitorPriceObservation.findMany({ where: { projectId, notificationId: { in: ids.slice(i, i + 500) } }, select: { notificationId: true }, distinct: ['notificationId'] });
    for (const r of rows) stored.add(r.notificationId!);
  }
  const seen = new Set<string>();
  return inputs.filter((input) => {
    if (!input.notificationId) return true;
    if (stored.has(input.notificationId) || seen.has(input.notificationId)) {
      result.duplicates++;
      return false;
    }
    seen.add(input.notificationId);
    return true;
  });
}

/** The latest stored reading of each listing among `rows`. */
async function latestReadings(projectId: string, rows: readonly Prisma.CompetitorPriceObservationCreateManyInput[]): Promise<Map<string, Previous>> {
  const listingIds = [...new Set(rows.map((r) => r.listingId).filter((id): id is string => !!id))];
  const out = new Map<string, Previous>();
  for (let i = 0; i < listingIds.length; i += 500) {
    const previous = await db.competitorPriceObservation.findMany({
      where: { projectId, listingId: { in: listingIds.slice(i, i + 500) } },
      orderBy: [{ listingId: 'asc' }, { observedAt: 'desc' }, { id: 'desc' }],
      distinct: ['listingId'],
      select: { listingId: true, currency: true, details: true, buyBoxAmount: true, buyBoxIsOurs: true, lowestOfferAmount: true, observedAt: true },
    });
    for (const p of previous) out.set(p.listingId!, p);
  }
  return out;
}

/** A listing's price in minor units (its value in the monitor's priority order); 0 when it has none. */
function valueOf(amount: string, currency: string): bigint {
  const parsed = tryParseMoney(amount, currency);
  return parsed.ok ? toMinorUnits(parsed.money) : 0n;
}

/**
 * Each competitor's price move since the listing's previous reading: a seller in both readings whose
 * landed price differs (a seller coming or going is not a move). Compared once, when the reading is
 * stored, so the price-war guard reads a few indexed rows instead of every reading in its window.
 */
function competitorMoves(projectId: string, listingId: string, currency: string, was: unknown, now: unknown, movedAt: Date): Prisma.CompetitorPriceMoveCreateManyInput[] {
  const before = competitorPrices(was);
  const moves: Prisma.CompetitorPriceMoveCreateManyInput[] = [];
  for (const [sellerId, landed] of competitorPrices(now)) {
    const from = before.get(sellerId);
    if (from === undefined || from === landed) continue;
    moves.push({ projectId, listingId, sellerId, currency, fromAmount: from, toAmount: landed, movedAt });
  }
  return moves;
}

/** A stored reading's competing offers: seller id → landed price (our own offers and anonymous ones left out). */
function competitorPrices(details: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const offers = (details as { offers?: unknown } | null)?.offers;
  if (!Array.isArray(offers)) return out;
  for (const o of offers as Array<Record<string, unknown>>) {
    if (o?.isOurs === true || typeof o?.sellerId !== 'string' || typeof o.landed !== 'string') continue;
    // A seller with several offers (conditions) is judged by its lowest.
    const seen = out.get(o.sellerId);
    if (seen === undefined || lessThan(o.landed, seen)) out.set(o.sellerId, o.landed);
  }
  return out;
}

/** Decimal strings of one currency, compared exactly. */
function lessThan(a: string, b: string): boolean {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  return BigInt(ai + af.padEnd(scale, '0')) < BigInt(bi + bf.padEnd(scale, '0'));
}
