// The Shopify connector's bulk price runs, kept in the database (ShopifyBulkRun) so every instance of the
// app, and the next one after a restart, knows the runs any of them started on a shop, by our key and by
// Shopify's id.
import type { Db } from '@calibr/db';
import type { BulkRunRecord, BulkRunStatus, BulkRunStore } from './connector';

export function databaseBulkRunStore(db: Db, projectId: string): BulkRunStore {
  return {
    async open(shop) {
      const rows = await db.shopifyBulkRun.findMany({
        where: { projectId, shopDomain: shop, status: { in: ['starting', 'started'] } },
        orderBy: { createdAt: 'asc' },
      });
      return rows.map(
        (row): BulkRunRecord => ({
          runKey: row.runKey,
          variantIds: JSON.parse(row.variantIds) as string[],
          stagedUploadPath: row.stagedUploadPath,
          operationId: row.operationId,
          status: row.status as BulkRunStatus,
          createdAt: row.createdAt,
        }),
      );
    },
    async begin(shop, run) {
      // Runs settled a week ago are history nobody reads (Shopify keeps their results 7 days): dropped here.
      await db.shopifyBulkRun.deleteMany({ where: { projectId, status: { in: ['settled', 'not_started'] }, updatedAt: { lt: new Date(Date.now() - 7 * 24 * 3600_000) } } });
      await db.shopifyBulkRun.create({
        data: { projectId, shopDomain: shop, runKey: run.runKey, variantIds: JSON.stringify(run.variantIds), stagedUploadPath: run.stagedUploadPath, status: 'starting' },
      });
    },
    async started(runKey, operationId) {
      await db.shopifyBulkRun.updateMany({ where: { projectId, runKey }, data: { operationId, status: 'started' } });
    },
    async settle(runKey, status) {
      await db.shopifyBulkRun.updateMany({ where: { projectId, runKey }, data: { status } });
    },
  };
}
