// A queue's onFailed hook, on SQLite and (with TEST_DATABASE_URL) PostgreSQL: it runs once a job failed for
// good, whether its last attempt threw or its worker died on every attempt, as a follow-up job queued in the
// failing transaction, so a hook that throws is retried and never undoes the job's failure.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabaseProviders } from '@calibr/db';
import { FAILED_HOOK_ATTEMPTS, Worker, failedHookQueue, type FailedJob, type Jobs } from '../src';
import { engineOn, type Engine } from './support/engine';

describe.each(testDatabaseProviders())('onFailed hook on %s', (provider) => {
  let engine: Engine;
  let jobs: Jobs;
  let queue: string;
  let n = 0;
  const quiet = { id: 'unit', log: () => undefined };

  beforeAll(async () => {
    engine = await engineOn(provider);
    jobs = engine.jobs();
  });
  afterAll(() => engine?.database.cleanup());
  beforeEach(() => {
    queue = `h${++n}`;
  });

  it('runs once when the last attempt failed, told the job, its attempts and the reason', async () => {
    const seen: FailedJob[] = [];
    const worker = new Worker(jobs, quiet).handle(
      queue,
      async () => {
        throw new Error('platform unavailable');
      },
      { backoff: { baseMs: 1_000 }, onFailed: async (failed) => void seen.push(failed) },
    );
    await jobs.enqueue({ queue, key: 'k', groupKey: 'shop:1', payload: { deliveryId: 'd1' }, maxAttempts: 2 });
    await worker.drain();
    expect(await jobs.get(queue, 'k')).toMatchObject({ status: 'queued', attempts: 1 });
    expect(seen).toEqual([]); // a retry is not a failure for good

    engine.clock.advance(1_000);
    await worker.drain();
    expect(await jobs.get(queue, 'k')).toMatchObject({ status: 'failed', attempts: 2, lastError: 'platform unavailable' });
    expect(seen).toEqual([{ queue, key: 'k', groupKey: 'shop:1', payload: { deliveryId: 'd1' }, attempts: 2, error: 'platform unavailable', failedAt: engine.clock().toISOString() }]);
    expect(await jobs.get(failedHookQueue(queue), 'k')).toMatchObject({ status: 'completed', attempts: 1 });

    // Nothing runs it again.
    engine.clock.advance(60_000);
    expect(await worker.drain()).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('runs for a job whose worker died on every attempt (failed when its expired lease is claimed once more)', async () => {
    const seen: FailedJob[] = [];
    let ran = false;
    await jobs.enqueue({ queue, key: 'poison', maxAttempts: 2 });
    for (let i = 0; i < 2; i++) {
      expect(await jobs.claim(queue, { workerId: 'dies', leaseMs: 1_000 })).toHaveLength(1);
      engine.clock.advance(1_001);
    }
    const worker = new Worker(jobs, quiet).handle(queue, async () => void (ran = true), { onFailed: async (failed) => void seen.push(failed) });
    await worker.drain();
    expect(ran).toBe(false);
    expect(await jobs.get(queue, 'poison')).toMatchObject({ status: 'failed', attempts: 3, lastError: 'lease expired on each of 2 attempts' });
    expect(seen).toMatchObject([{ queue, key: 'poison', error: 'lease expired on each of 2 attempts' }]);
  });

  it("a hook that throws is retried; the job's failure stands meanwhile and after", async () => {
    let calls = 0;
    const worker = new Worker(jobs, quiet).handle(
      queue,
      async () => {
        throw new Error('bad payload');
      },
      {
        onError: () => 'fail',
        onFailed: async () => {
          if (++calls === 1) throw new Error('database away');
        },
      },
    );
    await jobs.enqueue({ queue, key: 'k' });
    await worker.drain();
    expect(calls).toBe(1);
    expect(await jobs.get(queue, 'k')).toMatchObject({ status: 'failed', lastError: 'bad payload' });
    expect(await jobs.get(failedHookQueue(queue), 'k')).toMatchObject({ status: 'queued', attempts: 1, lastError: 'database away' });

    engine.clock.advance(1_000);
    await worker.drain();
    expect(calls).toBe(2);
    expect(await jobs.get(queue, 'k')).toMatchObject({ status: 'failed', lastError: 'bad payload' });
    expect(await jobs.get(failedHookQueue(queue), 'k')).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('a hook that always throws ends failed itself after its attempts; the job stays failed with its reason', async () => {
    const worker = new Worker(jobs, quiet).handle(
      queue,
      async () => {
        throw new Error('bad payload');
      },
      {
        onError: () => 'fail',
        onFailed: async () => {
          throw new Error('hook broken');
        },
      },
    );
    await jobs.enqueue({ queue, key: 'k' });
    for (let i = 0; i < FAILED_HOOK_ATTEMPTS; i++) {
      await worker.drain();
      engine.clock.advance(300_000 * 1.5);
    }
    expect(await jobs.get(failedHookQueue(queue), 'k')).toMatchObject({ status: 'failed', attempts: FAILED_HOOK_ATTEMPTS, lastError: 'hook broken' });
    expect(await jobs.get(queue, 'k')).toMatchObject({ status: 'failed', lastError: 'bad payload' });
  });

  it("a failure written in the caller's transaction queues the follow-up in it: rolled back together", async () => {
    let hooked = 0;
    const worker = new Worker(jobs, quiet).handleBatch(
      queue,
      async (batch, ctx) => {
        await engine.database.db
          .$transaction(async (tx: Parameters<Parameters<typeof engine.database.db.$transaction>[0]>[0]) => {
            await ctx.fail(batch, 'refused', { client: tx });
            throw new Error('domain write failed');
          })
          .catch(() => undefined);
      },
      { leaseMs: 1_000, onFailed: async () => void hooked++ },
    );
    await jobs.enqueue({ queue, key: 'k' });
    await worker.runOnce(queue);
    expect(await jobs.get(queue, 'k')).toMatchObject({ status: 'running' });
    expect(await jobs.get(failedHookQueue(queue), 'k')).toBeNull();
    expect(await worker.drain(failedHookQueue(queue))).toBe(0);
    expect(hooked).toBe(0);
  });
});
