// Retention: finished jobs past their period are deleted in small batches, on SQLite and, with
// TEST_DATABASE_URL, on PostgreSQL. Completed and cancelled jobs go after their period, failed ones are kept
// for their longer one, queued and running jobs are never touched (whatever their dates), a queue may keep
// its rows longer or for good, and a pass never waits for a row another transaction holds.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabaseProviders } from '@calibr/db';
import { RETENTION_DEFAULTS, Worker, retentionFromEnv, type Jobs } from '../src';
import { resolveRetention } from '../src/retention';
import { engineOn, type Engine } from './support/engine';

const DAY = 24 * 60 * 60_000;

describe('retention periods', () => {
  it('reads days from the environment (fractions allowed, `off` keeps for good); unreadable values leave the default', () => {
    expect(retentionFromEnv({ JOB_RETENTION_COMPLETED_DAYS: '2', JOB_RETENTION_FAILED_DAYS: '0.5' })).toEqual({ completedMs: 2 * DAY, failedMs: DAY / 2 });
    expect(retentionFromEnv({ JOB_RETENTION_COMPLETED_DAYS: 'off', JOB_RETENTION_FAILED_DAYS: ' OFF ' })).toEqual({ completedMs: null, failedMs: null });
    expect(retentionFromEnv({ JOB_RETENTION_COMPLETED_DAYS: 'a week', JOB_RETENTION_FAILED_DAYS: '-1' })).toEqual({});
    expect(retentionFromEnv({})).toEqual({});
  });

  it('options win over the environment, which wins over the defaults (7 days completed, 30 failed)', () => {
    expect(resolveRetention({}, {}).periods).toEqual({ completedMs: 7 * DAY, failedMs: 30 * DAY });
    expect(resolveRetention({}, { JOB_RETENTION_COMPLETED_DAYS: '1' }).periods).toEqual({ completedMs: DAY, failedMs: 30 * DAY });
    expect(resolveRetention({ completedMs: 3_000, failedMs: null }, { JOB_RETENTION_COMPLETED_DAYS: '1', JOB_RETENTION_FAILED_DAYS: '2' }).periods).toEqual({ completedMs: 3_000, failedMs: null });
  });
});

describe.each(testDatabaseProviders())('retention on %s', (provider) => {
  let engine: Engine;
  let jobs: Jobs;
  let queue: string;
  let n = 0;

  beforeAll(async () => {
    engine = await engineOn(provider);
    jobs = engine.jobs({ retention: { completedMs: 7 * DAY, failedMs: 30 * DAY } });
  });
  afterAll(() => engine?.database.cleanup());
  beforeEach(async () => {
    queue = `r${++n}`;
    // Each test starts from an empty table: prune passes cover every queue.
    await engine.database.db.job.deleteMany();
  });

  /** A job of `queue` finished now (by the engine's clock) as `how`. */
  async function finished(key: string, how: 'completed' | 'failed' | 'cancelled', on: Jobs = jobs, q = queue) {
    await on.enqueue({ queue: q, key });
    if (how === 'cancelled') return void (await on.cancel(q, key));
    const [job] = await on.claim(q, { workerId: 'w', leaseMs: 10_000 });
    if (how === 'completed') await on.complete(job!, { result: { ok: true } });
    else await on.fail(job!, new Error('the platform refused it'));
  }

  const keys = async (q = queue) => (await engine.database.db.job.findMany({ where: { queue: q }, select: { key: true }, orderBy: { key: 'asc' } })).map((j) => j.key);

  it('deletes completed and cancelled jobs past 7 days and keeps younger ones; failed ones stay until 30 days', async () => {
    await finished('old-done', 'completed');
    await finished('old-cancelled', 'cancelled');
    await finished('old-failed', 'failed');
    engine.clock.advance(6 * DAY);
    await finished('young-done', 'completed');
    engine.clock.advance(DAY + 1);

    expect(await jobs.prune()).toEqual({ deleted: 2, more: false });
    expect(await keys()).toEqual(['old-failed', 'young-done']);
    // The failed job is still there for an operator, with its reason.
    expect(await jobs.get(queue, 'old-failed')).toMatchObject({ status: 'failed', lastError: 'the platform refused it' });

    engine.clock.advance(22 * DAY);
    expect(await jobs.prune()).toEqual({ deleted: 1, more: false });
    expect(await keys()).toEqual(['old-failed']);
    engine.clock.advance(DAY);
    expect(await jobs.prune()).toEqual({ deleted: 1, more: false });
    expect(await keys()).toEqual([]);
  });

  it('never touches queued or running jobs, however old their dates', async () => {
    await jobs.enqueue({ queue, key: 'queued' });
    await jobs.enqueue({ queue, key: 'running' });
    await jobs.claim(queue, { workerId: 'w', leaseMs: 365 * DAY, limit: 1 });
    // Finished once long ago and queued again by a recurring schedule: its old completedAt must not matter.
    await engine.database.db.job.updateMany({ where: { queue }, data: { completedAt: new Date(0), createdAt: new Date(0), updatedAt: new Date(0) } });
    engine.clock.advance(365 * DAY);
    expect(await jobs.prune()).toEqual({ deleted: 0, more: false });
    expect(await jobs.counts(queue)).toEqual({ queued: 1, running: 1 });
  });

  it('a queue may keep its finished jobs longer, or for good; the others follow the engine', async () => {
    const kept = `${queue}-kept`;
    const longer = `${queue}-longer`;
    const engineWithQueues = engine.jobs({ retention: { completedMs: DAY, failedMs: 2 * DAY, queues: { [kept]: { completedMs: null, failedMs: null }, [longer]: { failedMs: 10 * DAY } } } });
    for (const q of [queue, kept, longer]) {
      await finished('done', 'completed', engineWithQueues, q);
      await finished('failed', 'failed', engineWithQueues, q);
    }
    engine.clock.advance(3 * DAY);
    expect(await engineWithQueues.prune()).toEqual({ deleted: 3, more: false });
    expect({ plain: await keys(queue), kept: await keys(kept), longer: await keys(longer) }).toEqual({ plain: [], kept: ['done', 'failed'], longer: ['failed'] });
    engine.clock.advance(8 * DAY);
    expect(await engineWithQueues.prune()).toEqual({ deleted: 1, more: false });
    expect({ kept: await keys(kept), longer: await keys(longer) }).toEqual({ kept: ['done', 'failed'], longer: [] });
  });

  it('deletes in batches of batchSize, at most batchesPerPass full batches a pass, and says when more is left', async () => {
    const small = engine.jobs({ retention: { completedMs: DAY, batchSize: 2, batchesPerPass: 2 } });
    await small.enqueueMany(Array.from({ length: 5 }, (_, i) => ({ queue, key: `k${i}` })));
    for (const job of await small.claim(queue, { workerId: 'w', leaseMs: 10_000, limit: 5 })) await small.complete(job);
    engine.clock.advance(DAY + 1);
    expect(await small.prune()).toEqual({ deleted: 4, more: true });
    expect(await small.prune()).toEqual({ deleted: 1, more: false });
    expect(await keys()).toEqual([]);
  });

  it('a key whose job was pruned is a new job when enqueued again (exactly once holds while the row is kept)', async () => {
    await finished('k', 'completed');
    expect((await jobs.enqueue({ queue, key: 'k' })).status).toBe('completed');
    engine.clock.advance(8 * DAY);
    await jobs.prune();
    expect(await jobs.enqueue({ queue, key: 'k' })).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('housekeep runs a pass when due: a minute after the engine is made, then every everyMs, at once again while more is left', async () => {
    await jobs.enqueueMany([{ queue, key: 'a' }, { queue, key: 'b' }, { queue, key: 'c' }]);
    for (const job of await jobs.claim(queue, { workerId: 'w', leaseMs: 10_000, limit: 3 })) await jobs.complete(job);
    engine.clock.advance(DAY + 1);
    const kept = engine.jobs({ retention: { completedMs: DAY, batchSize: 2, batchesPerPass: 1, everyMs: 10 * 60_000 } });
    expect(await kept.housekeep()).toBeNull();
    engine.clock.advance(RETENTION_DEFAULTS.firstPassAfterMs - 1);
    expect(await kept.housekeep()).toBeNull();
    engine.clock.advance(1);
    expect(await kept.housekeep()).toEqual({ deleted: 2, more: true });
    expect(await kept.housekeep()).toEqual({ deleted: 1, more: false });
    expect(await kept.housekeep()).toBeNull();
    engine.clock.advance(10 * 60_000 - 1);
    expect(await kept.housekeep()).toBeNull();
    engine.clock.advance(1);
    expect(await kept.housekeep()).toEqual({ deleted: 0, more: false });
  });

  it("a started worker prunes its engine's old jobs by itself", async () => {
    const pruning = engine.jobs({ retention: { completedMs: DAY } });
    await finished('old', 'completed', pruning);
    engine.clock.advance(DAY + RETENTION_DEFAULTS.firstPassAfterMs);
    await finished('young', 'completed', pruning);
    const worker = new Worker(pruning, { id: 'housekeeper', pollMs: 20 }).handle(`${queue}-idle`, async () => undefined);
    worker.start();
    try {
      await expect.poll(() => keys(), { timeout: 10_000, interval: 20 }).toEqual(['young']);
    } finally {
      await worker.stop();
    }
  });

  it('a failed pass is logged and tried again at the next one; the worker goes on', async () => {
    // A table that isn't there: every pass fails, as one does while the database is away.
    const broken = engine.jobs({ table: 'NoSuchJob', retention: { everyMs: 0 } });
    engine.clock.advance(RETENTION_DEFAULTS.firstPassAfterMs);
    const logged: string[] = [];
    const worker = new Worker(broken, { id: 'housekeeper', pollMs: 20, log: (message) => logged.push(message) });
    worker.start();
    try {
      await expect.poll(() => logged.length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(2);
    } finally {
      await worker.stop();
    }
    expect(new Set(logged)).toEqual(new Set(['housekeeping: pruning finished jobs failed; trying again at the next pass']));
  });

  if (provider === 'postgresql') {
    it('on PostgreSQL a pass skips a row another transaction holds instead of waiting for it', async () => {
      await finished('held', 'completed');
      await finished('free', 'completed');
      engine.clock.advance(8 * DAY);
      const db = engine.database.db;
      const held = await jobs.get(queue, 'held');
      // Another connection holds the row (as an enqueue's ON CONFLICT DO UPDATE would) while the pass runs.
      const outcome = await db.$transaction(
        async (tx) => {
          await tx.$queryRawUnsafe(`SELECT "id" FROM "Job" WHERE "id" = $1 FOR UPDATE`, held!.id);
          return jobs.prune();
        },
        { timeout: 10_000 },
      );
      expect(outcome).toEqual({ deleted: 1, more: false });
      expect(await keys()).toEqual(['held']);
      expect(await jobs.prune()).toEqual({ deleted: 1, more: false });
    });
  }
});
