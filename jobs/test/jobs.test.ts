// The engine's table operations on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set: claims and
// leases, retries with backoff, exactly-once keys, schedules, the per-group limit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabaseProviders } from '@calibr/db';
import { backoffMs, type Jobs } from '../src';
import { engineOn, type Engine } from './support/engine';

describe.each(testDatabaseProviders())('job engine on %s', (provider) => {
  let engine: Engine;
  let jobs: Jobs;
  let queue: string;
  let n = 0;

  beforeAll(async () => {
    engine = await engineOn(provider);
    jobs = engine.jobs();
  });
  afterAll(() => engine?.database.cleanup());
  beforeEach(() => {
    queue = `q${++n}`;
  });

  it('enqueues a job with its payload and claims it with a lease', async () => {
    const job = await jobs.enqueue({ queue, key: 'a', payload: { amount: '12.50', currency: 'USD' }, groupKey: 'shop:1' });
    expect(job).toMatchObject({ queue, key: 'a', status: 'queued', attempts: 0, maxAttempts: 5, payload: { amount: '12.50', currency: 'USD' } });

    const [claimed, ...rest] = await jobs.claim(queue, { workerId: 'w1', leaseMs: 30_000, limit: 5 });
    expect(rest).toEqual([]);
    expect(claimed).toMatchObject({ id: job.id, status: 'running', attempts: 1, payload: { amount: '12.50', currency: 'USD' } });
    expect(claimed!.claimedBy).toMatch(/^w1\//);
    expect(claimed!.leaseUntil.getTime()).toBe(engine.clock().getTime() + 30_000);
    // Held: nobody else gets it while the lease runs.
    expect(await jobs.claim(queue, { workerId: 'w2', leaseMs: 30_000 })).toEqual([]);

    expect(await jobs.complete(claimed!, { result: { applied: 1 } })).toBe(1);
    const done = await jobs.get(queue, 'a');
    expect(done).toMatchObject({ status: 'completed', result: { applied: 1 }, leaseUntil: null });
    expect(done!.completedAt).toEqual(engine.clock());
    // The Prisma delegate reads what the raw statements wrote.
    const row = await engine.database.db.job.findUniqueOrThrow({ where: { queue_key: { queue, key: 'a' } } });
    expect(row).toMatchObject({ status: 'completed', attempts: 1, groupKey: 'shop:1', payload: { amount: '12.50', currency: 'USD' } });
    expect(row.runAt).toEqual(job.runAt);
  });

  it('claims in runAt order, up to the limit', async () => {
    const t = engine.clock().getTime();
    await jobs.enqueue({ queue, key: 'late', runAt: new Date(t - 1_000) });
    await jobs.enqueue({ queue, key: 'early', runAt: new Date(t - 5_000) });
    await jobs.enqueue({ queue, key: 'middle', runAt: new Date(t - 3_000) });
    const first = await jobs.claim(queue, { workerId: 'w', leaseMs: 1_000, limit: 2 });
    expect(first.map((j) => j.key)).toEqual(['early', 'middle']);
    const second = await jobs.claim(queue, { workerId: 'w', leaseMs: 1_000, limit: 2 });
    expect(second.map((j) => j.key)).toEqual(['late']);
  });

  it('an expired lease is claimable again, and the first holder can no longer settle the job', async () => {
    await jobs.enqueue({ queue, key: 'crashy' });
    const [first] = await jobs.claim(queue, { workerId: 'dies', leaseMs: 10_000 });
    engine.clock.advance(9_999);
    expect(await jobs.claim(queue, { workerId: 'other', leaseMs: 10_000 })).toEqual([]);
    // Renewing keeps it.
    expect(await jobs.renew([first!], 10_000)).toEqual(new Set([first!.id]));
    engine.clock.advance(9_999);
    expect(await jobs.claim(queue, { workerId: 'other', leaseMs: 10_000 })).toEqual([]);
    // The holder stops renewing (it crashed): once the lease is over, another worker takes the job.
    engine.clock.advance(2);
    const [second] = await jobs.claim(queue, { workerId: 'other', leaseMs: 10_000 });
    expect(second).toMatchObject({ id: first!.id, attempts: 2 });
    expect(second!.claimedBy).not.toBe(first!.claimedBy);
    // The first holder comes back: its renew and settle change nothing.
    expect(await jobs.renew([first!], 10_000)).toEqual(new Set());
    expect(await jobs.complete(first!)).toBe(0);
    expect(await jobs.retry(first!, new Error('late'))).toBe('lost');
    expect((await jobs.get(queue, 'crashy'))!.status).toBe('running');
    expect(await jobs.complete(second!)).toBe(1);
  });

  it('retries a failure after a jittered exponential backoff, then fails it after maxAttempts', async () => {
    await jobs.enqueue({ queue, key: 'flaky', maxAttempts: 3 });
    const backoff = { baseMs: 1_000, maxMs: 60_000 };
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [job] = await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000 });
      expect(job!.attempts).toBe(attempt);
      expect(await jobs.retry(job!, new Error(`boom ${attempt}`), { backoff })).toBe('retry');
      const waiting = await jobs.get(queue, 'flaky');
      const delay = backoffMs(attempt, backoff, () => 0.5);
      expect(delay).toBe(1_000 * 2 ** (attempt - 1));
      expect(waiting).toMatchObject({ status: 'queued', lastError: `boom ${attempt}`, leaseUntil: null });
      expect(waiting!.runAt.getTime()).toBe(engine.clock().getTime() + delay);
      // Not before its time.
      engine.clock.advance(delay - 1);
      expect(await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000 })).toEqual([]);
      engine.clock.advance(1);
    }
    const [last] = await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000 });
    expect(last!.attempts).toBe(3);
    expect(await jobs.retry(last!, new Error('boom 3'), { backoff })).toBe('failed');
    expect(await jobs.get(queue, 'flaky')).toMatchObject({ status: 'failed', lastError: 'boom 3', attempts: 3 });
    engine.clock.advance(3_600_000);
    expect(await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000 })).toEqual([]);
  });

  it('the jitter spreads retries between half and one and a half times the delay, capped at maxMs', () => {
    expect(backoffMs(3, { baseMs: 1_000 }, () => 0)).toBe(2_000);
    expect(backoffMs(3, { baseMs: 1_000 }, () => 0.999_999)).toBe(6_000);
    expect(backoffMs(30, { baseMs: 1_000, maxMs: 10_000, jitter: 0 }, () => 0.3)).toBe(10_000);
  });

  it('one key is one job, even when enqueued concurrently; a finished one is queued again only when asked', async () => {
    const enqueued = await Promise.all(Array.from({ length: 20 }, (_, i) => jobs.enqueue({ queue, key: 'once', payload: { by: i } })));
    expect(new Set(enqueued.map((j) => j.id)).size).toBe(1);
    expect(await engine.database.db.job.count({ where: { queue } })).toBe(1);
    const [job] = await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000 });
    // A running key: enqueueing again returns the running job.
    expect(await jobs.enqueue({ queue, key: 'once', again: true })).toMatchObject({ id: job!.id, status: 'running' });
    await jobs.complete(job!);
    expect(await jobs.enqueue({ queue, key: 'once' })).toMatchObject({ id: job!.id, status: 'completed' });
    const again = await jobs.enqueue({ queue, key: 'once', payload: { by: 'again' }, again: true });
    expect(again).toMatchObject({ id: job!.id, status: 'queued', attempts: 0, payload: { by: 'again' }, completedAt: null });
  });

  it('enqueueMany adds the new keys in one statement and leaves existing ones as they are', async () => {
    await jobs.enqueue({ queue, key: 'old', payload: { v: 1 } });
    const added = await engine.database.db.$transaction((tx) =>
      jobs.enqueueMany([{ queue, key: 'old', payload: { v: 2 } }, { queue, key: 'new', payload: { v: 3 }, groupKey: 'shop:x', maxAttempts: 12 }], { client: tx }),
    );
    expect(added).toBe(1);
    expect(await jobs.get(queue, 'old')).toMatchObject({ payload: { v: 1 } });
    expect(await jobs.get(queue, 'new')).toMatchObject({ payload: { v: 3 }, groupKey: 'shop:x', maxAttempts: 12, status: 'queued' });
  });

  it('runs a scheduled job not before its runAt; reschedule runs it again later with its attempts starting over', async () => {
    const at = new Date(engine.clock().getTime() + 60_000);
    await jobs.enqueue({ queue, key: 'later', runAt: at, payload: { cursor: null } });
    expect(await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000 })).toEqual([]);
    engine.clock.advance(60_000);
    const [job] = await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000 });
    expect(job!.key).toBe('later');
    await jobs.reschedule(job!, new Date(engine.clock().getTime() + 30_000));
    expect(await jobs.get(queue, 'later')).toMatchObject({ status: 'queued', attempts: 0, payload: { cursor: null } });
    expect(await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000 })).toEqual([]);
    engine.clock.advance(30_000);
    const [again] = await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000 });
    // A recurring job carries its state to the next run, and keeps what this run found.
    await jobs.reschedule(again!, new Date(engine.clock().getTime() + 30_000), { payload: { cursor: 'B42' }, result: { read: 20 } });
    expect(await jobs.get(queue, 'later')).toMatchObject({ status: 'queued', payload: { cursor: 'B42' }, result: { read: 20 } });
  });

  it('cancels a queued job; release gives a claimed job back without counting the attempt', async () => {
    await jobs.enqueue({ queue, key: 'x' });
    await jobs.enqueue({ queue, key: 'y' });
    expect(await jobs.cancel(queue, 'x')).toBe(true);
    const [y] = await jobs.claim(queue, { workerId: 'w', leaseMs: 5_000, limit: 5 });
    expect(y!.key).toBe('y');
    expect(await jobs.cancel(queue, 'y')).toBe(false);
    expect(await jobs.release(y!)).toBe(1);
    expect(await jobs.get(queue, 'y')).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await jobs.counts(queue)).toEqual({ cancelled: 1, queued: 1 });
  });

  it('holds to a per-group limit within one claim and across claims', async () => {
    // Enqueued a millisecond apart: claims go in runAt order.
    const enqueue = async (key: string, groupKey?: string) => {
      await jobs.enqueue({ queue, key, ...(groupKey ? { groupKey } : {}) });
      engine.clock.advance(1);
    };
    for (const key of ['a1', 'a2', 'a3']) await enqueue(key, 'shop:a');
    for (const key of ['b1', 'b2']) await enqueue(key, 'shop:b');
    await enqueue('free1');
    await enqueue('free2');
    const first = await jobs.claim(queue, { workerId: 'w', leaseMs: 10_000, limit: 10, perGroup: 1 });
    expect(first.map((j) => j.key).sort()).toEqual(['a1', 'b1', 'free1', 'free2']);
    expect(await jobs.claim(queue, { workerId: 'w', leaseMs: 10_000, limit: 10, perGroup: 1 })).toEqual([]);
    // A limit of two lets one more of each group run.
    const second = await jobs.claim(queue, { workerId: 'w', leaseMs: 10_000, limit: 10, perGroup: 2 });
    expect(second.map((j) => j.key).sort()).toEqual(['a2', 'b2']);
    // A finished job makes room; an expired lease stops counting (and its job is claimable again).
    await jobs.complete(first.find((j) => j.key === 'a1')!);
    const third = await jobs.claim(queue, { workerId: 'w', leaseMs: 10_000, limit: 10, perGroup: 2 });
    expect(third.map((j) => j.key)).toEqual(['a3']);
    engine.clock.advance(10_001);
    const fourth = await jobs.claim(queue, { workerId: 'w', leaseMs: 10_000, limit: 10, perGroup: 1 });
    expect(fourth.map((j) => j.key).sort()).toEqual(['a2', 'b1', 'free1', 'free2']);
  });

  it('concurrent claims never run more of a group than its limit', async () => {
    for (let i = 0; i < 6; i++) await jobs.enqueue({ queue, key: `g${i}`, groupKey: 'seller:1' });
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => jobs.claim(queue, { workerId: `w${i}`, leaseMs: 10_000, limit: 3, perGroup: 2 })));
    expect(claims.flat()).toHaveLength(2);
  });

  it('concurrent claims never claim one job twice', async () => {
    for (let i = 0; i < 40; i++) await jobs.enqueue({ queue, key: `c${i}` });
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => jobs.claim(queue, { workerId: `w${i}`, leaseMs: 10_000, limit: 7 })));
    const ids = claims.flat().map((j) => j.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });
});

describe.each(testDatabaseProviders())('job engine on a second table of one %s database', (provider) => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await engineOn(provider);
    // A second job table beside "Job", as the Amazon service's "AmazonJob" sits beside the app's in a shared
    // SQLite file: the same columns, constraints and indexes under another name.
    const db = engine.database.db;
    if (provider === 'postgresql') {
      await db.$executeRawUnsafe('CREATE TABLE "OtherJob" (LIKE "Job" INCLUDING ALL)');
    } else {
      const [table] = await db.$queryRawUnsafe<Array<{ sql: string }>>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'Job'`);
      await db.$executeRawUnsafe(table!.sql.replace('"Job"', '"OtherJob"'));
      await db.$executeRawUnsafe('CREATE UNIQUE INDEX "OtherJob_queue_key_key" ON "OtherJob"("queue", "key")');
    }
  });
  afterAll(() => engine?.database.cleanup());

  it('keeps its jobs in its own table: the same queue and key in both are two jobs, each claimed and settled in its table', async () => {
    const app = engine.jobs();
    const other = engine.jobs({ table: 'OtherJob' });
    await app.enqueue({ queue: 'feeds', key: 'f1', payload: { from: 'app' } });
    await other.enqueue({ queue: 'feeds', key: 'f1', payload: { from: 'other' }, groupKey: 'seller:1' });
    await other.enqueue({ queue: 'feeds', key: 'f1', payload: { from: 'again' } }); // exactly once in its table too
    expect(await app.get('feeds', 'f1')).toMatchObject({ payload: { from: 'app' }, groupKey: null });
    expect(await other.get('feeds', 'f1')).toMatchObject({ payload: { from: 'other' }, groupKey: 'seller:1' });

    const [claimed, ...rest] = await other.claim('feeds', { workerId: 'w', leaseMs: 10_000, limit: 5, perGroup: 1 });
    expect(rest).toEqual([]);
    expect(claimed!.payload).toEqual({ from: 'other' });
    expect(await other.complete(claimed!)).toBe(1);
    expect(await other.counts('feeds')).toEqual({ completed: 1 });
    expect(await other.enqueue({ queue: 'feeds', key: 'f1', payload: { from: 'requeued' }, again: true })).toMatchObject({ status: 'queued', payload: { from: 'requeued' } });
    // The app's table was not touched.
    expect(await app.counts('feeds')).toEqual({ queued: 1 });
    expect(await engine.database.db.job.count()).toBe(1);
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => engine.jobs({ table: 'Job"; DROP TABLE "Job' })).toThrow(/invalid job table name/);
  });
});
