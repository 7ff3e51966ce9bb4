// Competitive offers through the registry: a platform whose connector declares `competitivePricing`
// (Amazon, through its service's remote connector) reads them with `pricing.getCompetitiveOffers`, ours
// already marked, and each reading is recorded as a CompetitorPriceObservation of the shop's listings of
// that item in that marketplace, so the policy sees how the market moves.
import { buyBoxOffer, competitiveBatchSize, lowestCompetingOffer, type CompetitiveListing, type PlatformConnector } from '@calibr/shared-contracts';
import type { Prisma } from '@calibr/db';
import { db } from '../../db.server';

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
  return { recorded: await recordReadings(projectId, connector.platform, marketplaceId, listings), listings };
}

async function recordReadings(projectId: string, platform: string, marketplaceId: string, readings: readonly CompetitiveListing[]): Promise<number> {
  const valid = readings.filter((r) => !r.error && r.currency);
  if (valid.length === 0) return 0;
  const ours = await db.listing.findMany({
    where: { projectId, platform, marketplaceId, asin: { in: valid.map((r) => r.itemId) } },
    select: { id: true, asin: true, externalId: true },
  });
  const rows = valid.flatMap((reading): Prisma.CompetitorPriceObservationCreateManyInput[] => {
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
    };
    const listings = ours.filter((l) => l.asin === reading.itemId);
    // Every listing of the item is judged on its own readings (a reading of an item we don't list is kept unattached).
    return listings.length > 0 ? listings.map((l) => ({ ...base, listingId: l.id, sku: l.externalId })) : [{ ...base, listingId: null, sku: null }];
  });
  const moves = await competitorMoves(projectId, rows);
  await db.$transaction([db.competitorPriceObservation.createMany({ data: rows }), db.competitorPriceMove.createMany({ data: moves })]);
  return rows.length;
}

/**
 * Each competitor's price move since the listing's previous reading: a seller in both readings whose
 * landed price differs (a seller coming or going is not a move). Compared once, when the reading is
 * stored, so the price-war guard reads a few indexed rows instead of every reading in its window.
 */
async function competitorMoves(projectId: string, rows: readonly Prisma.CompetitorPriceObservationCreateManyInput[]): Promise<Prisma.CompetitorPriceMoveCreateManyInput[]> {
  const listingIds = rows.map((r) => r.listingId).filter((id): id is string => !!id);
  if (listingIds.length === 0) return [];
  const previous = await db.competitorPriceObservation.findMany({
    where: { projectId, listingId: { in: listingIds } },
    orderBy: [{ listingId: 'asc' }, { observedAt: 'desc' }, { id: 'desc' }],
    distinct: ['listingId'],
    select: { listingId: true, currency: true, details: true },
  });
  const before = new Map(previous.map((p) => [p.listingId!, p]));
  const moves: Prisma.CompetitorPriceMoveCreateManyInput[] = [];
  for (const row of rows) {
    const last = row.listingId ? before.get(row.listingId) : undefined;
    if (!row.listingId || !last || last.currency !== row.currency) continue;
    const was = competitorPrices(last.details);
    for (const [sellerId, landed] of competitorPrices(row.details)) {
      const from = was.get(sellerId);
      if (from === undefined || from === landed) continue;
      moves.push({ projectId, listingId: row.listingId, sellerId, currency: row.currency, fromAmount: from, toAmount: landed, movedAt: row.observedAt! });
    }
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
