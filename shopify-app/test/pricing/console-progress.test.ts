// What the console's progress bars read (GET /api/pricing/progress → pushProgress), against a real
// database: a push in flight per platform and status, a full sync still running, an import's job, and
// nothing of another shop's; a sync left "started" by a process that died long ago is not shown forever.
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Progress from '../../app/pricing/progress.server';
import { appContext } from '../../app/app-context.server';

let database: TestDatabase;
let progress: typeof Progress;
let projectId: string;
let otherId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  progress = await import('../../app/pricing/progress.server');
  const db = database.db;
  projectId = (await db.project.create({ data: { shopDomain: 'progress.myshopify.com', currency: 'USD' } })).id;
  otherId = (await db.project.create({ data: { shopDomain: 'progress-other.myshopify.com', currency: 'USD' } })).id;
  for (const [project, platform] of [
    [projectId, 'shopify'],
    [projectId, 'amazon'],
    [otherId, 'shopify'],
  ] as const) {
    await db.platformIntegration.create({ data: { projectId: project, platform, platformName: platform } });
  }
});
afterAll(async () => {
  await appContext().db?.$disconnect().catch(() => undefined);
  await database?.cleanup();
});

async function change(project: string, status: string, attempts: Array<[platform: string, status: string]>) {
  const db = database.db;
  const c = await db.priceChange.create({ data: { projectId: project, idempotencyKey: `k-${Math.random()}`, currency: 'USD', fromAmount: '20.00', toAmount: '19.00', status } });
  for (const [platform, attemptStatus] of attempts) {
    const listing = await db.listing.create({ data: { projectId: project, platform, externalId: `x-${Math.random()}`, currency: 'USD', priceAmount: '20.00', title: 't' } });
    await db.priceChangeAttempt.create({ data: { projectId: project, priceChangeId: c.id, listingId: listing.id, platform, currency: 'USD', amount: '19.00', status: attemptStatus } });
  }
}

describe('progress of long work', () => {
  it('is empty when nothing runs', async () => {
    expect(await progress.pushProgress(projectId)).toEqual({ changes: {}, attempts: {}, open: 0, jobs: [], syncs: [] });
  });

  it('counts a push in flight per platform and status, a running full sync and an import, for this shop only', async () => {
    const db = database.db;
    await change(projectId, 'pushing', [['shopify', 'applied'], ['amazon', 'pending']]);
    await change(projectId, 'approved', [['shopify', 'queued'], ['amazon', 'queued']]);
    await change(projectId, 'applied', [['shopify', 'applied'], ['amazon', 'applied']]);
    await change(otherId, 'pushing', [['shopify', 'queued']]);
    const shopify = await db.platformIntegration.findFirstOrThrow({ where: { projectId, platform: 'shopify' } });
    const amazon = await db.platformIntegration.findFirstOrThrow({ where: { projectId, platform: 'amazon' } });
    const running = await db.platformSyncLog.create({ data: { projectId, integrationId: shopify.id, platform: 'shopify', syncType: 'full', itemsSynced: 1250 } });
    // Started a day ago and never closed: its process died; it isn't "running" any more.
    await db.platformSyncLog.create({ data: { projectId, integrationId: amazon.id, platform: 'amazon', syncType: 'full', startedAt: new Date(Date.now() - 24 * 3600_000) } });
    await db.platformSyncLog.create({ data: { projectId, integrationId: amazon.id, platform: 'amazon', syncType: 'incremental', status: 'completed', completedAt: new Date() } });
    const job = await db.backgroundJob.create({ data: { projectId, kind: 'costs.import', status: 'running', progressDone: 400, progressTotal: 1000 } });

    const p = await progress.pushProgress(projectId);
    expect(p.open).toBe(2);
    expect(p.changes).toEqual({ pushing: 1, approved: 1, applied: 1 });
    // Attempts of open changes only (the applied change's are settled).
    expect(p.attempts).toEqual({ shopify: { applied: 1, queued: 1 }, amazon: { pending: 1, queued: 1 } });
    expect(p.syncs).toEqual([{ id: running.id, platform: 'shopify', syncType: 'full', itemsSynced: 1250, itemsTotal: null, startedAt: running.startedAt.toISOString() }]);
    expect(p.jobs).toEqual([expect.objectContaining({ id: job.id, kind: 'costs.import', status: 'running', progressDone: 400, progressTotal: 1000 })]);

    const other = await progress.pushProgress(otherId);
    expect(other).toMatchObject({ open: 1, attempts: { shopify: { queued: 1 } }, syncs: [], jobs: [] });
  });
});
