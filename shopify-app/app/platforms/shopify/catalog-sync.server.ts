// Product sync for one shop: pages of products (cursor pagination, incremental by updated_at) stored
// as listings, logged in PlatformSyncLog with progress, run in the background so the page answers fast.
import type { SyncMode } from '@calibr/shared-contracts';
import { db } from '../../db.server';
import { markUnseenListingsDeleted, upsertShopifyProducts } from './listings.server';
import { shopifyConnectorFor } from './connector-for-shop.server';
import { recordShopDetails } from './shop-details.server';
import { claimSyncRun, SHUT_DOWN, type SyncLease } from '../sync-lease.server';

export type SyncTrigger = 'manual' | 'install' | 'schedule';
/** How a full sync reads the catalog: pages of products, or one bulk query (large catalogs). */
export type SyncStrategy = 'auto' | 'paginated' | 'bulk';
/** From this many listings on, `auto` reads a full sync through a bulk query. */
export const BULK_SYNC_MIN_LISTINGS = 5_000;

export interface SyncHandle {
  syncLogId: string;
  alreadyRunning: boolean;
}

// This process's runs, for waitForSync. Which run is live is the database's lease (sync-lease.server.ts).
const running = new Map<string, Promise<void>>();

export async function startShopifySync(
  projectId: string,
  options: { mode?: SyncMode; trigger?: SyncTrigger; strategy?: SyncStrategy } = {},
): Promise<SyncHandle> {
  const integration = await db.shopifyIntegration.findUnique({ where: { projectId } });
  if (!integration || !integration.isActive) throw new Error('Shopify is not connected for this shop');
  const mode: SyncMode = options.mode ?? (integration.productsSyncedUpTo ? 'incremental' : 'full');
  // Decided before the lease is taken, so nothing between taking and running it can throw.
  const strategy = options.strategy ?? 'auto';
  const bulk =
    mode === 'full' &&
    (strategy === 'bulk' || (strategy === 'auto' && (await db.listing.count({ where: { projectId, platform: 'shopify' } })) >= BULK_SYNC_MIN_LISTINGS));
  const platformIntegration = await db.platformIntegration.upsert({
    where: { projectId_platform: { projectId, platform: 'shopify' } },
    create: { projectId, platform: 'shopify', platformName: 'Shopify', externalId: integration.shopDomain, status: 'connected' },
    update: {},
  });
  // A live run on any instance answers; a run whose instance died is closed as interrupted.
  const claim = await claimSyncRun({
    projectId,
    platform: 'shopify',
    integrationId: platformIntegration.id,
    syncType: options.trigger === 'manual' && mode === 'full' ? 'manual' : mode,
  });
  if (claim.alreadyRunning) return { syncLogId: claim.syncLogId, alreadyRunning: true };
  const { lease } = claim;
  const run = runSync(lease, projectId, integration.shopDomain, mode, integration.productsSyncedUpTo, bulk)
    .finally(() => lease.release())
    .finally(() => running.delete(lease.syncLogId));
  running.set(lease.syncLogId, run);
  return { syncLogId: lease.syncLogId, alreadyRunning: false };
}

/** Resolves when the sync finishes (for tests and scripts). */
export async function waitForSync(syncLogId: string): Promise<void> {
  await running.get(syncLogId);
}

async function runSync(lease: SyncLease, projectId: string, shop: string, mode: SyncMode, since: Date | null, bulk: boolean): Promise<void> {
  const logId = lease.syncLogId;
  const startedAt = new Date();
  const connector = shopifyConnectorFor(shop, projectId);
  let cursor: string | undefined;
  let products = 0;
  let variants = 0;
  let checkpoint: string | undefined;
  try {
    await recordShopDetails(projectId, await connector.loadShop());
    if (bulk) {
      // One bulk query for the whole catalog, stored in slices so progress shows as it goes.
      const all = await connector.exportCatalog();
      for (let i = 0; i < all.length; i += 100) {
        lease.assertHeld();
        const slice = all.slice(i, i + 100);
        await upsertShopifyProducts(projectId, slice, startedAt);
        products += slice.length;
        variants += slice.reduce((n, p) => n + p.listings.length, 0);
        await db.platformSyncLog.update({ where: { id: logId }, data: { itemsSynced: variants } });
      }
      checkpoint = new Date(startedAt.getTime() - 5 * 60_000).toISOString();
    }
    while (!bulk) {
      lease.assertHeld();
      const page = await connector.products.sync({
        mode,
        limit: 50,
        ...(cursor ? { cursor } : {}),
        ...(mode === 'incremental' && since ? { since: since.toISOString() } : {}),
      });
      await upsertShopifyProducts(projectId, page.products, startedAt);
      products += page.products.length;
      variants += page.products.reduce((n, p) => n + p.listings.length, 0);
      await db.platformSyncLog.update({ where: { id: logId }, data: { itemsSynced: variants } });
      cursor = page.nextCursor ?? undefined;
      if (!cursor) {
        checkpoint = page.checkpoint;
        break;
      }
    }
    const deleted = mode === 'full' ? await markUnseenListingsDeleted(projectId, startedAt) : 0;
    lease.assertHeld();
    const finishedAt = new Date();
    await db.$transaction([
      db.platformSyncLog.updateMany({ where: { id: logId, status: 'started' }, data: { status: 'completed', completedAt: finishedAt, itemsSynced: variants } }),
      db.shopifyIntegration.update({
        where: { projectId },
        data: { ...(checkpoint ? { productsSyncedUpTo: new Date(checkpoint) } : {}) },
      }),
      db.platformIntegration.update({
        where: { projectId_platform: { projectId, platform: 'shopify' } },
        data: { lastSyncAt: finishedAt, syncStatus: 'success', syncError: null, metadata: { lastSync: { mode, strategy: bulk ? 'bulk' : 'paginated', products, variants, deleted } } },
      }),
    ]);
  } catch (error) {
    // Taken over by another instance: the log row and the integration's status are its successor's now.
    if (lease.lost) return;
    // Keep the message short: a database error can carry pages of context.
    const message = (error instanceof Error ? error.message : String(error)).trim().split('\n').filter(Boolean).slice(-1)[0]?.slice(0, 500) ?? 'sync failed';
    // A run stopped by the shutdown (SyncLease.stop) reads as interrupted, not as a failure of the sync.
    const code = (error as { code?: unknown }).code === SHUT_DOWN.code ? SHUT_DOWN.code : 'sync_failed';
    await db.platformSyncLog
      .updateMany({
        where: { id: logId, status: 'started' },
        data: { status: 'failed', completedAt: new Date(), itemsSynced: variants, errors: [{ code, message }] },
      })
      .catch(() => undefined);
    await db.platformIntegration
      .update({ where: { projectId_platform: { projectId, platform: 'shopify' } }, data: { syncStatus: 'error', syncError: message } })
      .catch(() => undefined);
  }
}
