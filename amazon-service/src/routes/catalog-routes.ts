// /api/integrations/amazon/catalog: the seller's marketplaces, listings sync and stored listings, and
// catalog details of an ASIN.
import { Router } from 'express';
import { z } from 'zod';
import { parseOrThrow } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { getCatalogItem } from '../catalog/catalog-items';
import { syncListingsPage } from '../catalog/listings-sync';
import { chosenMarketplace, sellerClient } from '../integrations/integration-store';
import { tenantOf } from './request-auth';

const syncSchema = z.object({
  marketplaceId: z.string().regex(/^[A-Z0-9]{8,20}$/).optional(),
  pageToken: z.string().max(2048).optional(),
  /** Follow every page (up to `maxPages`) instead of one. */
  all: z.boolean().default(false),
  maxPages: z.number().int().min(1).max(500).default(100),
});
const listQuery = z.object({
  marketplaceId: z.string().regex(/^[A-Z0-9]{8,20}$/).optional(),
  limit: z.coerce.number().int().min(1).max(250).default(50),
  /** The last listing id of the previous page (ours: a cuid). */
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid cursor').optional(),
});

export function catalogRoutes(ctx: AmazonContext): Router {
  const router = Router();
  router.get('/marketplaces', async (req, res) => {
    const { client } = await sellerClient(ctx, tenantOf(req).projectId);
    res.json({ marketplaces: await ctx.participations.get(client) });
  });

  router.post('/sync', async (req, res) => {
    const input = parseOrThrow(syncSchema, req.body ?? {});
    const { projectId } = tenantOf(req);
    const { integration, client } = await sellerClient(ctx, projectId);
    const marketplaceId = chosenMarketplace(integration, input.marketplaceId);
    let pageToken = input.pageToken;
    let synced = 0;
    let pages = 0;
    do {
      const step = await syncListingsPage(ctx, client, { projectId, integrationId: integration.id, marketplaceId, ...(pageToken ? { pageToken } : {}) });
      synced += step.listings.length;
      pageToken = step.nextToken;
      pages++;
    } while (input.all && pageToken && pages < input.maxPages);
    res.json({ marketplaceId, itemsSynced: synced, pages, nextPageToken: pageToken ?? null });
  });

  router.get('/listings', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query);
    const rows = await ctx.db.amazonListing.findMany({
      where: { projectId: tenantOf(req).projectId, ...(query.marketplaceId ? { marketplaceId: query.marketplaceId } : {}) },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
      select: { id: true, externalId: true, marketplaceId: true, asin: true, title: true, status: true, currency: true, priceAmount: true, lastSyncedAt: true, data: true },
    });
    const page = rows.slice(0, query.limit);
    res.json({
      listings: page.map((r) => ({
        sku: r.externalId,
        marketplaceId: r.marketplaceId,
        asin: r.asin,
        title: r.title,
        status: r.status,
        price: r.priceAmount ? { amount: r.priceAmount, currency: r.currency } : null,
        productType: (r.data as { productType?: string } | null)?.productType ?? null,
        lastSyncedAt: r.lastSyncedAt.toISOString(),
      })),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
    });
  });

  router.get('/items/:asin', async (req, res) => {
    const asin = parseOrThrow(z.string().regex(/^[A-Z0-9]{10}$/, 'invalid ASIN'), req.params.asin, 'asin');
    const marketplaceId = parseOrThrow(z.string().regex(/^[A-Z0-9]{8,20}$/).optional(), req.query.marketplaceId, 'marketplaceId');
    const { integration, client } = await sellerClient(ctx, tenantOf(req).projectId);
    res.json(await getCatalogItem(client, asin, chosenMarketplace(integration, marketplaceId)));
  });
  return router;
}
