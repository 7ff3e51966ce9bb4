// The service's finished jobs and the feed sweep (queueFeedsWithoutJobs), on both databases (SQLite always;
// PostgreSQL when TEST_DATABASE_URL is set). The sweep queues a live feed that has no job; a feed whose job
// failed stays live, so its failed job must outlive any retention, or the sweep would take the feed for one
// never queued and submit its stale prices. A finished feed's completed job is pruned like any other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { providerOf, testDatabaseProviders } from '@calibr/db';
import { Jobs } from '@calibr/jobs';
import { createAmazonTestDatabase, type AmazonTestDatabase } from './support/amazon-database';
import { createAmazonContext, type AmazonContext } from '../src/amazon-context';
import { loadConfig } from '../src/config';
import { FEED_QUEUE, SERVICE_JOB_RETENTION, feedJobs, queueFeedsWithoutJobs } from '../src/feeds/feed-jobs';
import { SHARED_SECRET, US } from './support/harness';

const DAY = 24 * 60 * 60_000;

describe.each(testDatabaseProviders())('feed jobs under retention (%s)', (provider) => {
  let t: AmazonTestDatabase;
  let ctx: AmazonContext;

  beforeAll(async () => {
    t = await createAmazonTestDatabase(provider);
    ctx = createAmazonContext({ config: loadConfig({}, { sharedSecret: SHARED_SECRET }), db: t.db, logger: pino({ level: 'silent' }), transport: {} });
  }, 60_000);
  afterAll(async () => t?.cleanup());

  /** The service's engine as configured, `days` from now. */
  const serviceEngineIn = (days: number, retention = SERVICE_JOB_RETENTION) =>
    new Jobs({ db: t.db, dialect: providerOf(t.db), table: 'AmazonJob', retention, clock: () => new Date(Date.now() + days * DAY) });

  it("keeps a live feed's failed job for good, so the sweep never queues the feed again; a finished feed's completed job goes", async () => {
    const projectId = (await t.db.amazonTenant.create({ data: { shopDomain: `retention-${provider}.myshopify.com` } })).id;
    const integrationId = (
      await t.db.amazonIntegration.create({ data: { projectId, sellingPartnerId: 'A1RETAIN', region: 'na', marketplaceIds: [US], authMode: 'self_authorization', refreshTokenCiphertext: 'enc:test' } })
    ).id;
    const hourAgo = new Date(Date.now() - 3_600_000);
    const feed = (status: string) => t.db.amazonPriceFeed.create({ data: { projectId, integrationId, marketplaceIds: [US], status, messageCount: 3, createdAt: hourAgo }, select: { id: true, integrationId: true } });
    const stuck = await feed('PREPARING');
    const done = await feed('DONE');

    // Each with its job, ended as the worker ends them: the stuck feed's failed, the finished feed's completed.
    const jobs = feedJobs(t.db);
    for (const f of [stuck, done]) await jobs.enqueue({ queue: FEED_QUEUE, key: f.id, groupKey: `seller:${f.integrationId}`, maxAttempts: 1 });
    const claimed = await jobs.claim(FEED_QUEUE, { workerId: 'w', leaseMs: 60_000, limit: 2 });
    expect(claimed).toHaveLength(2);
    await jobs.fail(claimed.find((j) => j.key === stuck.id)!, new Error('database unreachable'));
    await jobs.complete(claimed.find((j) => j.key === done.id)!);
    expect(await queueFeedsWithoutJobs(ctx)).toBe(0);

    // A year on: the completed job is gone, the failed one is still there, and the sweep leaves the feed alone.
    await serviceEngineIn(365).prune();
    const left = await t.db.amazonJob.findMany({ where: { queue: FEED_QUEUE }, select: { key: true, status: true } });
    expect(left).toEqual([{ key: stuck.id, status: 'failed' }]);
    expect(await queueFeedsWithoutJobs(ctx)).toBe(0);
    expect(await t.db.amazonJob.count({ where: { queue: FEED_QUEUE, status: 'queued' } })).toBe(0);

    // Why the feed queue keeps them: on the engine's plain periods the failed job goes after 30 days, and
    // the sweep then takes the stuck feed for one never queued.
    await serviceEngineIn(31, {}).prune();
    expect(await queueFeedsWithoutJobs(ctx)).toBe(1);
    expect(await t.db.amazonJob.findMany({ where: { queue: FEED_QUEUE }, select: { key: true, status: true } })).toEqual([{ key: stuck.id, status: 'queued' }]);
  });
});
