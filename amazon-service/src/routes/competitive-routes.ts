// /api/integrations/amazon/competitive: read competitive prices for the seller's ASINs now (recorded as
// observations), and the observation history.
import { Router } from 'express';
import { z } from 'zod';
import { parseOrThrow } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { RETIRED } from '../catalog/listing-store';
import { chosenMarketplace, sellerClient, sellerIdsIn } from '../integrations/integration-store';
import { readCompetitivePrices, recordObservations } from '../pricing/competitive-pricing';
import { tenantOf } from './request-auth';

const readSchema = z.object({
  marketplaceId: z.string().regex(/^[A-Z0-9]{8,20}$/).optional(),
  /** ASINs to read; default: the ASINs of the seller's stored listings (up to `limit`). */
  // getItemOffersBatch allows one call per 10 s per seller: 60 ASINs (3 calls) keep a request under ~25 s.
  asins: z.array(z.string().regex(/^[A-Z0-9]{10}$/, 'invalid ASIN')).max(60).optional(),
  limit: z.number().int().min(1).max(60).default(20),
});
const historyQuery = z.object({
  asin: z.string().regex(/^[A-Z0-9]{10}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function competitiveRoutes(ctx: AmazonContext): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const input = parseOrThrow(readSchema, req.body ?? {});
    const { projectId } = tenantOf(req);
    const { integration, client } = await sellerClient(ctx, projectId);
    const marketplaceId = chosenMarketplace(integration, input.marketplaceId);
    let asins = input.asins;
    if (!asins) {
      const rows = await ctx.db.amazonListing.findMany({
        where: { projectId, marketplaceId, asin: { not: null }, status: { notIn: [RETIRED, 'deleted'] } },
        select: { asin: true },
        take: input.limit,
        orderBy: { lastSyncedAt: 'desc' },
      });
      asins = rows.map((r) => r.asin!);
    }
    // Waits for the seller's getItemOffersBatch turns (0.1 per second), but not past 65 s.
    const ownSellerIds = await sellerIdsIn(ctx, projectId, marketplaceId);
    const observations = await readCompetitivePrices(client, marketplaceId, asins, { maxWaitMs: 65_000, ownSellerIds });
    const recorded = await recordObservations(ctx, projectId, observations);
    res.json({ marketplaceId, recorded, observations });
  });
  router.get('/', async (req, res) => {
    const query = parseOrThrow(historyQuery, req.query);
    const rows = await ctx.db.amazonCompetitorObservation.findMany({
      where: { projectId: tenantOf(req).projectId, ...(query.asin ? { asin: query.asin } : {}) },
      orderBy: { observedAt: 'desc' },
      take: query.limit,
    });
    res.json({
      observations: rows.map((r) => ({
        asin: r.asin,
        sku: r.sku,
        marketplaceId: r.marketplaceId,
        buyBox: r.buyBoxAmount ? { amount: r.buyBoxAmount, currency: r.currency } : null,
        buyBoxIsOurs: r.buyBoxIsOurs,
        lowestOffer: r.lowestOfferAmount ? { amount: r.lowestOfferAmount, currency: r.currency } : null,
        offerCount: r.offerCount,
        observedAt: r.observedAt.toISOString(),
      })),
    });
  });
  return router;
}
