// Amazon listings as stored rows (AmazonListing, one per SKU and marketplace), and the few reads the
// price path needs from them. A listing of a marketplace the seller no longer has chosen is "retired":
// kept with its history, but neither monitored nor priced until that marketplace is chosen again.
import { providerOf } from '@calibr/db';
import type { AmazonContext } from '../amazon-context';

const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The Amazon product type of each SKU we know (from listings sync), for feed messages. */
export async function productTypesFor(ctx: AmazonContext, projectId: string, marketplaceId: string, skus: readonly string[]): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  for (const part of chunks([...new Set(skus)])) {
    const rows = await ctx.db.amazonListing.findMany({
      where: { projectId, marketplaceId, externalId: { in: part } },
      select: { externalId: true, data: true },
    });
    for (const row of rows) {
      const productType = (row.data as { productType?: unknown } | null)?.productType;
      if (typeof productType === 'string' && productType) types.set(row.externalId, productType);
    }
  }
  return types;
}

/** Current stored prices of SKUs (for expectedCurrentPrice and previousPrice). */
export async function storedPrices(ctx: AmazonContext, projectId: string, marketplaceId: string, skus: readonly string[]): Promise<Map<string, { amount: string; currency: string }>> {
  const prices = new Map<string, { amount: string; currency: string }>();
  for (const part of chunks([...new Set(skus)])) {
    const rows = await ctx.db.amazonListing.findMany({
      where: { projectId, marketplaceId, externalId: { in: part } },
      select: { externalId: true, priceAmount: true, currency: true },
    });
    for (const row of rows) if (row.priceAmount) prices.set(row.externalId, { amount: row.priceAmount, currency: row.currency });
  }
  return prices;
}

/**
 * Records prices Amazon confirmed on the stored listings that exist. One statement per 500 listings
 * (a CASE over ids): a feed's thousands of prices land in a few statements, not thousands of updates.
 */
export async function recordAppliedPrices(
  ctx: AmazonContext,
  projectId: string,
  applied: readonly { sku: string; marketplaceId: string; currency: string; amount: string }[],
): Promise<void> {
  const byMarketplace = new Map<string, (typeof applied)[number][]>();
  for (const item of applied) byMarketplace.set(item.marketplaceId, [...(byMarketplace.get(item.marketplaceId) ?? []), item]);
  const postgres = providerOf(ctx.db) === 'postgresql';
  for (const [marketplaceId, items] of byMarketplace) {
    for (const part of chunks(items)) {
      const existing = await ctx.db.amazonListing.findMany({
        where: { projectId, marketplaceId, externalId: { in: part.map((i) => i.sku) } },
        select: { id: true, externalId: true },
      });
      if (existing.length === 0) continue;
      const ids = new Map(existing.map((row) => [row.externalId, row.id]));
      const rows = part.filter((i) => ids.has(i.sku)).map((i) => ({ id: ids.get(i.sku)!, amount: i.amount, currency: i.currency }));
      const params: string[] = [];
      const p = (value: string) => {
        params.push(value);
        return postgres ? `$${params.length}` : '?';
      };
      const amountCase = rows.map((r) => `WHEN ${p(r.id)} THEN ${p(r.amount)}`).join(' ');
      const currencyCase = rows.map((r) => `WHEN ${p(r.id)} THEN ${p(r.currency)}`).join(' ');
      const inList = rows.map((r) => p(r.id)).join(', ');
      await ctx.db.$executeRawUnsafe(
        `UPDATE "AmazonListing" SET "priceAmount" = CASE "id" ${amountCase} END, "currency" = CASE "id" ${currencyCase} END WHERE "id" IN (${inList})`,
        ...params,
      );
    }
  }
}

/** The status of a listing whose marketplace is no longer one the seller chose. */
export const RETIRED = 'retired';

/** Retires the tenant's Amazon listings outside `marketplaceIds`; returns how many were retired. */
export async function retireListingsOutside(ctx: AmazonContext, projectId: string, marketplaceIds: readonly string[]): Promise<number> {
  const { count } = await ctx.db.amazonListing.updateMany({
    where: { projectId, marketplaceId: { notIn: [...marketplaceIds] }, status: { notIn: [RETIRED, 'deleted'] } },
    data: { status: RETIRED },
  });
  if (count > 0) ctx.logger.info({ projectId, retired: count, marketplaceIds }, 'amazon listings retired: their marketplace is no longer chosen');
  return count;
}

/** Whether the tenant has listings in a marketplace that are not retired (else its next sync reads it whole). */
export async function hasLiveListings(ctx: AmazonContext, projectId: string, marketplaceId: string): Promise<boolean> {
  const row = await ctx.db.amazonListing.findFirst({ where: { projectId, marketplaceId, status: { notIn: [RETIRED, 'deleted'] } }, select: { id: true } });
  return row !== null;
}

export { chunks };
