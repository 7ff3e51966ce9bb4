// The Worker: handlers settle their jobs (done, retried, failed, recurring), a lost lease is noticed,
// stop() lets the round in hand finish, and nothing runs before start().
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabaseProviders } from '@calibr/db';
import { Worker, type ClaimedJob, type Jobs } from '../src';
import { engineOn, type Engine } from './support/engine';

describe.each(testDatabaseProviders())('worker on %s', (provider) => {
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
    queue = `w${++n}`;
  });

  it('completes a job whose handler returns, with what it returned', async () => {
    const seen: unknown[] = [];
    const worker = new Worker(jobs, { id: 'unit' }).handle<{ n: number }>(queue, async (job) => {
      seen.push(job.payload);
      return { doubled: job.payload.n * 2 };
    });
    await jobs.enqueue({ queue, key: 'k', payload: { n: 21 } });
    expect(await worker.drain(queue)).toBe(1);
    expect(seen).toEqual([{ n: 21 }]);
    expect(await jobs.get(queue, 'k')).toMatchObject({ status: 'completed', result: { doubled: 42 }, attempts: 1 });
  });

  it('retries a throwing handler with backoff and fails it after maxAttempts; onError may fail at once', async () => {
    const worker = new Worker(jobs, { id: 'unit', log: () => undefined })
      .handle(queue, async () => {
        throw new Error('platform unavailable');
      }, { backoff: { baseMs: 2_000 } })
      .handle(`${queue}-bad`, async () => {
        throw new Error('unreadable payload');
      }, { onError: () => 'fail' });
    await jobs.enqueue({ queue, key: 'k', maxAttempts: 2 });
    expect(await worker.runOnce(queue)).toBe(1);
    const waiting = await jobs.get(queue, 'k');
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, lastError: 'platform unavailable' });
    expect(waiting!.runAt.getTime()).toBe(engine.clock().getTime() + 2_000);
    expect(await worker.runOnce(queue)).toBe(0);
    engine.clock.advance(2_000);
    expect(await worker.runOnce(queue)).toBe(1);
    expect(await jobs.get(queue, 'k')).toMatchObject({ status: 'failed', attempts: 2 });

    await jobs.enqueue({ queue: `${queue}-bad`, key: 'k' });
    await worker.drain(`${queue}-bad`);
    expect(await jobs.get(`${queue}-bad`, 'k')).toMatchObject({ status: 'failed', attempts: 1, lastError: 'unreadable payload' });
  });

  it('a batch handler settles its jobs itself, in its own transaction; what it leaves is completed', async () => {
    const worker = new Worker(jobs, { id: 'unit' }).handleBatch<{ ok: boolean }>(
      queue,
      async (batch, context) => {
        const bad = batch.filter((j) => !j.payload.ok);
        await engine.database.db.$transaction(async (tx) => {
          expect(await context.fail(bad, new Error('rejected'), { client: tx })).toBe(bad.length);
        });
        await context.reschedule(batch.filter((j) => j.key === 'poll'), new Date(engine.clock().getTime() + 5_000));
      },
      { batchSize: 50 },
    );
    await jobs.enqueue({ queue, key: 'good', payload: { ok: true } });
    await jobs.enqueue({ queue, key: 'bad', payload: { ok: false } });
    await jobs.enqueue({ queue, key: 'poll', payload: { ok: true } });
    expect(await worker.runOnce(queue)).toBe(3);
    expect(await jobs.counts(queue)).toEqual({ completed: 1, failed: 1, queued: 1 });
    expect(await jobs.get(queue, 'poll')).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('runs recurring work again `every` ms after it was due', async () => {
    let runs = 0;
    const worker = new Worker(jobs, { id: 'unit' }).handle(queue, async () => void runs++, { every: 60_000 });
    await jobs.enqueue({ queue, key: 'tick' });
    await worker.drain(queue);
    expect(runs).toBe(1);
    const next = await jobs.get(queue, 'tick');
    expect(next).toMatchObject({ status: 'queued', attempts: 0 });
    expect(next!.runAt.getTime()).toBe(engine.clock().getTime() + 60_000);
    engine.clock.advance(59_999);
    expect(await worker.drain(queue)).toBe(0);
    engine.clock.advance(1);
    expect(await worker.drain(queue)).toBe(1);
    expect(runs).toBe(2);
  });

  it('fails a job whose every attempt ended in an expired lease (its worker kept dying) without running it', async () => {
    await jobs.enqueue({ queue, key: 'poison', maxAttempts: 2 });
    for (let i = 0; i < 2; i++) {
      await jobs.claim(queue, { workerId: 'dies', leaseMs: 1_000 });
      engine.clock.advance(1_001);
    }
    let ran = false;
    const worker = new Worker(jobs, { id: 'unit' }).handle(queue, async () => void (ran = true));
    expect(await worker.runOnce(queue)).toBe(1);
    expect(ran).toBe(false);
    expect(await jobs.get(queue, 'poison')).toMatchObject({ status: 'failed', lastError: 'lease expired on each of 2 attempts' });
  });

  it('a handler that lost its lease leaves the job to its new holder', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const started = new Promise<void>((r) => (entered = r));
    let held: ClaimedJob | undefined;
    const worker = new Worker(jobs, { id: 'slow', leaseMs: 1_000 }).handle(queue, async (job) => {
      held = job;
      entered();
      await gate;
    });
    await jobs.enqueue({ queue, key: 'k' });
    const round = worker.runOnce(queue);
    await started;
    // Its lease runs out (the clock moves past it) and another worker claims the job.
    engine.clock.advance(1_001);
    const [taken] = await jobs.claim(queue, { workerId: 'other', leaseMs: 60_000 });
    expect(taken!.id).toBe(held!.id);
    release();
    await round;
    // The slow worker's completion found the job no longer its own.
    expect(await jobs.get(queue, 'k')).toMatchObject({ status: 'running', claimedBy: taken!.claimedBy });
  });

  it('does nothing before start(); stop() lets the running round finish and stops polling', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const started = new Promise<void>((r) => (entered = r));
    let aborted = false;
    const worker = new Worker(jobs, { id: 'unit', pollMs: 60_000 }).handle(queue, async (_job, context) => {
      runs++;
      entered();
      await gate;
      aborted = context.signal.aborted;
    });
    await jobs.enqueue({ queue, key: 'a' });
    worker.wake(queue);
    await worker.idle();
    expect(runs).toBe(0);
    expect(await jobs.get(queue, 'a')).toMatchObject({ status: 'queued' });

    worker.start();
    await started;
    const stopping = worker.stop();
    release();
    await stopping;
    expect(aborted).toBe(true);
    expect(await jobs.get(queue, 'a')).toMatchObject({ status: 'completed' });
    await jobs.enqueue({ queue, key: 'b' });
    worker.wake(queue);
    await worker.idle();
    expect(await jobs.get(queue, 'b')).toMatchObject({ status: 'queued' });
  });

  it('stop() with a deadline hands back the jobs a round still holds then; their late settles change nothing', async () => {
    let entered!: () => void;
    const started = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const worker = new Worker(jobs, { id: 'slow', pollMs: 60_000 }).handle(queue, async () => {
      entered();
      await gate;
    }, { batchSize: 5 });
    await jobs.enqueue({ queue, key: 'a' });
    await jobs.enqueue({ queue, key: 'b' });
    const round = worker.runOnce(queue);
    await started;
    expect(await worker.stop({ deadline: Date.now() })).toEqual({ handedBack: 2 });
    expect(await jobs.counts(queue)).toEqual({ queued: 2 });
    expect(await jobs.get(queue, 'a')).toMatchObject({ attempts: 0, leaseUntil: null });
    release();
    await round;
    expect(await jobs.counts(queue)).toEqual({ queued: 2 });
  });

  it('beforeClaim runs before each claim (work recorded without its job is queued there)', async () => {
    const worker = new Worker(jobs, { id: 'unit' }).handle(queue, async () => 'done', {
      beforeClaim: () => jobs.enqueueMany([{ queue, key: 'from-a-row' }]),
    });
    expect(await worker.runOnce(queue)).toBe(1);
    expect(await jobs.get(queue, 'from-a-row')).toMatchObject({ status: 'completed', result: 'done' });
    // The next sweep finds the key done: nothing new (enqueueMany without `again`).
    expect(await worker.runOnce(queue)).toBe(0);
  });
});
