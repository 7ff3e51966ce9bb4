// /api/integrations/amazon/pricing: batch price updates (feeds), one update's result, and the feed
// monitor's data (recent feeds, counts, failed SKUs with Amazon's messages).
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, parseOrThrow } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';
import { batchUpdatePrices, getUpdateResult, MAX_BATCH_ITEMS } from '../pricing/batch-update-prices';
import { feedDetails, recentFeeds } from '../feeds/feed-monitor';
import { tenantOf } from './request-auth';

/** Bytes of JSON one real update takes at most: key, SKU, marketplace, price with its bounds, a short reason. */
const UPDATE_JSON_BYTES = 400;
/** The body of the largest batch (MAX_BATCH_ITEMS updates, ~38 MiB): the one route with a large body. */
export const PRICE_BATCH_BODY_LIMIT = MAX_BATCH_ITEMS * UPDATE_JSON_BYTES;

const batchSchema = z.object({
  updates: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS),
  channel: z.enum(['auto', 'feed', 'listings_item']).default('auto'),
});

/** Idempotency keys are visible ASCII (the shared contract's rule); feed ids are ours (cuid) or Amazon's (digits). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const FEED_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function pricingRoutes(ctx: AmazonContext, hooks: { onFeedsStored?: () => void } = {}): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const input = parseOrThrow(batchSchema, req.body ?? {});
    const result = await batchUpdatePrices(ctx, tenantOf(req).projectId, input.updates, { channel: input.channel, ...(hooks.onFeedsStored ? { onFeedsStored: hooks.onFeedsStored } : {}) });
    res.status(202).json(result);
  });
  router.get('/updates/:idempotencyKey', async (req, res) => {
    const key = String(req.params.idempotencyKey);
    // A key that could never have been accepted (not visible ASCII) names nothing: no database query.
    const result = IDEMPOTENCY_KEY.test(key) ? await getUpdateResult(ctx, tenantOf(req).projectId, key) : null;
    if (!result) throw new NotFoundError('no such price update', { resource: 'price_update', resourceId: key.slice(0, 255) });
    res.json(result);
  });
  router.get('/feeds', async (req, res) => {
    const limit = parseOrThrow(z.coerce.number().int().min(1).max(100).default(20), req.query.limit, 'limit');
    res.json({ feeds: await recentFeeds(ctx, tenantOf(req).projectId, limit) });
  });
  router.get('/feeds/:id', async (req, res) => {
    const id = String(req.params.id);
    const details = FEED_ID.test(id) ? await feedDetails(ctx, tenantOf(req).projectId, id) : null;
    if (!details) throw new NotFoundError('no such feed', { resource: 'feed', resourceId: id.slice(0, 64) });
    res.json(details);
  });
  return router;
}
