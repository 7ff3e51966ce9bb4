// A Worker polls the queues it has handlers for, claims due jobs with a lease, renews the lease while
// their handler runs, and settles what the handler left unsettled: returned → completed (or, for a
// queue with `every`, queued again that much later); threw → retried with backoff or failed.
// A queue's `onFailed` hook runs, as a follow-up job, once one of its jobs failed for good (./failed-hook.ts).
// Nothing starts on import: call start() (the server's entry point does) and stop() on shutdown.
// Housekeeping: every pollMs a started worker asks its engine whether a prune pass is due (Jobs.housekeep:
// finished jobs past their retention go, a few hundred per statement); the workers of one engine share it.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { BackoffOptions } from './backoff';
import { failedHookQueue, type FailedJob } from './failed-hook';
import { errorText, type InClient, type Jobs, type RescheduleOptions } from './jobs';
import type { ClaimedJob, JobsClient } from './types';

export interface QueueOptions {
  /** jobs claimed per round (default 10) */
  batchSize?: number;
  /** at most this many running jobs per groupKey, over every worker (default: no limit) */
  perGroup?: number;
  /** lease per claim (default: the worker's) */
  leaseMs?: number;
  /** recurring: a job that succeeded runs again this many ms after it was due (instead of completing) */
  every?: number;
  /** retry timing for failures (default: the engine's) */
  backoff?: BackoffOptions;
  /** runs before each claim, e.g. to queue work recorded elsewhere (rows written without their job) */
  beforeClaim?: () => Promise<unknown>;
  /**
   * How a failure is handled (default: retried with backoff until maxAttempts): 'fail' ends the job now,
   * a number retries after that many ms.
   */
  onError?: (error: unknown, job: ClaimedJob) => 'retry' | 'fail' | number;
  /**
   * Runs once a job of this queue has failed for good (its last attempt failed, a handler failed it, or its
   * worker died on every attempt), as a follow-up job queued with the failure (./failed-hook.ts): retried
   * if it throws, so it must be idempotent. The worker polls the follow-ups' queue (`<queue>:failed`) too.
   */
  onFailed?: (failed: FailedJob) => Promise<unknown>;
}

/** What a handler may do with the jobs it holds; whatever it leaves alone is settled for it. */
export interface BatchContext<P = unknown> {
  readonly workerId: string;
  /** aborted when the worker stops (finish soon, or release) */
  readonly signal: AbortSignal;
  /** whether this job's lease was lost (another worker may hold it now: stop touching its data) */
  lost(job: ClaimedJob<P>): boolean;
  complete(jobs: ClaimedJob<P> | readonly ClaimedJob<P>[], options?: InClient & { result?: unknown }): Promise<number>;
  fail(jobs: ClaimedJob<P> | readonly ClaimedJob<P>[], error: unknown, options?: InClient): Promise<number>;
  retry(job: ClaimedJob<P>, error: unknown, options?: InClient & { delayMs?: number }): Promise<'retry' | 'failed' | 'lost'>;
  reschedule(jobs: ClaimedJob<P> | readonly ClaimedJob<P>[], runAt: Date, options?: RescheduleOptions): Promise<number>;
  release(jobs: ClaimedJob<P> | readonly ClaimedJob<P>[], options?: InClient): Promise<number>;
}

export type JobHandler<P = unknown> = (job: ClaimedJob<P>, context: BatchContext<P>) => Promise<unknown>;
export type BatchHandler<P = unknown> = (jobs: ClaimedJob<P>[], context: BatchContext<P>) => Promise<void>;

export interface WorkerOptions {
  /** this worker's name in claimedBy (default host:pid:random) */
  id?: string;
  /** idle wait between polls of a queue (default 1 s) */
  pollMs?: number;
  /** default lease (default 60 s); renewed every third of it while a handler runs */
  leaseMs?: number;
  log?: (message: string, error?: unknown) => void;
  /** whether this worker runs its engine's housekeeping (default true) */
  housekeeping?: boolean;
}

interface Registered {
  queue: string;
  batch: BatchHandler;
  options: QueueOptions;
  timer?: NodeJS.Timeout;
  running?: Promise<number>;
  again: boolean;
  /** consecutive failed rounds (the database is away): polls slow down meanwhile */
  failures: number;
}

export class Worker {
  readonly id: string;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private readonly queues = new Map<string, Registered>();
  private started = false;
  private abort = new AbortController();
  /** jobs claimed by rounds in hand and not settled yet (what a stop at its deadline hands back) */
  private readonly held = new Map<string, ClaimedJob>();
  private readonly housekeeping: boolean;
  private housekeepingTimer?: NodeJS.Timeout;
  /** the prune pass in hand (stop waits for it) */
  private housekeepingPass?: Promise<unknown>;

  constructor(
    readonly jobs: Jobs,
    options: WorkerOptions = {},
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 6)}`;
    this.pollMs = options.pollMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.log = options.log ?? ((message, error) => console.error(`[jobs] ${message}`, error instanceof Error ? error.message : (error ?? '')));
    this.housekeeping = options.housekeeping ?? true;
  }

  /** Run `handler` for each claimed job of `queue` (the jobs of one round run concurrently). */
  handle<P>(queue: string, handler: JobHandler<P>, options: QueueOptions = {}): this {
    return this.handleBatch<P>(
      queue,
      async (jobs, context) => {
        await Promise.all(jobs.map((job) => this.settleAfter([job], context, options, () => handler(job, context))));
      },
      options,
      false,
    );
  }

  /** Run `handler` once per round with every job claimed (work that is cheaper in bulk). */
  handleBatch<P>(queue: string, handler: BatchHandler<P>, options: QueueOptions = {}, settle = true): this {
    if (this.queues.has(queue)) throw new Error(`queue ${queue} already has a handler`);
    const batch: BatchHandler = settle
      ? (jobs, context) => this.settleAfter(jobs, context, options, () => handler(jobs as ClaimedJob<P>[], context as BatchContext<P>))
      : (handler as BatchHandler);
    this.queues.set(queue, { queue, batch, options, again: false, failures: 0 });
    const onFailed = options.onFailed;
    if (onFailed) {
      this.jobs.hookFailures(queue);
      this.handle<FailedJob>(failedHookQueue(queue), (job) => onFailed(job.payload), { batchSize: 10, ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}) });
    }
    return this;
  }

  /** Start polling every queue. */
  start(): this {
    if (this.started) return this;
    this.started = true;
    this.abort = new AbortController();
    for (const queue of this.queues.values()) this.schedule(queue, 0);
    if (this.housekeeping) this.scheduleHousekeeping();
    return this;
  }

  /**
   * Stop polling; rounds in hand finish (handlers see `signal` aborted). With a `deadline` (epoch ms), jobs
   * still held then are released (queued again, the claim not counted) so another worker takes them at
   * once instead of after their lease; their handler's later settles change nothing. Returns how many
   * were handed back.
   */
  async stop({ deadline }: { deadline?: number } = {}): Promise<{ handedBack: number }> {
    this.started = false;
    this.abort.abort();
    for (const queue of this.queues.values()) clearTimeout(queue.timer);
    clearTimeout(this.housekeepingTimer);
    const finished = Promise.all([...[...this.queues.values()].map((q) => q.running?.catch(() => 0)), this.housekeepingPass]).then(() => true);
    if (deadline === undefined) {
      await finished;
      return { handedBack: 0 };
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
    const inTime = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (inTime || this.held.size === 0) return { handedBack: 0 };
    const handedBack = await this.jobs.release([...this.held.values()]).catch((error: unknown) => {
      this.log('releasing held jobs failed; they return when their lease runs out', error);
      return 0;
    });
    return { handedBack };
  }

  /** Something was enqueued: poll now instead of at the next tick (all queues when none is named). */
  wake(queue?: string): void {
    if (!this.started) return;
    for (const q of queue ? [this.queues.get(queue)] : this.queues.values()) {
      if (!q) continue;
      if (q.running) q.again = true;
      else this.schedule(q, 0);
    }
  }

  /** One round of a queue: claim, run, settle. Returns how many jobs were claimed. */
  runOnce(queue: string): Promise<number> {
    const q = this.queues.get(queue);
    if (!q) throw new Error(`no handler for queue ${queue}`);
    if (q.running) {
      q.again = true;
      return q.running;
    }
    const round = this.round(q).finally(() => {
      if (q.running === round) q.running = undefined;
    });
    q.running = round;
    return round;
  }

  /** Rounds until nothing is due (tests, a start that catches up). Returns how many jobs ran. */
  async drain(queue?: string): Promise<number> {
    let total = 0;
    for (const q of queue ? [queue] : [...this.queues.keys()]) {
      for (;;) {
        const claimed = await this.runOnce(q);
        total += claimed;
        if (claimed === 0) break;
      }
    }
    return total;
  }

  /** Resolves when no round is running. */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.queues.values()].map((q) => q.running).filter(Boolean);
      if (running.length === 0) return;
      await Promise.all(running.map((r) => r!.catch(() => 0)));
    }
  }

  /** Asks the engine for a prune pass every pollMs (it runs one only when due). */
  private scheduleHousekeeping(): void {
    if (!this.started) return;
    clearTimeout(this.housekeepingTimer);
    this.housekeepingTimer = setTimeout(() => {
      this.housekeepingPass = this.jobs
        .housekeep()
        .catch((error: unknown) => this.log('housekeeping: pruning finished jobs failed; trying again at the next pass', error))
        .finally(() => {
          this.housekeepingPass = undefined;
          this.scheduleHousekeeping();
        });
    }, this.pollMs);
    this.housekeepingTimer.unref?.();
  }

  private schedule(q: Registered, ms: number): void {
    if (!this.started) return;
    clearTimeout(q.timer);
    q.timer = setTimeout(() => {
      q.again = false;
      this.runOnce(q.queue)
        .then((claimed) => {
          q.failures = 0;
          this.schedule(q, claimed > 0 || q.again ? 0 : this.pollMs);
        })
        .catch((error: unknown) => {
          // The database is away: poll less often while it stays so, and say so once per streak.
          if (q.failures++ === 0) this.log(`queue ${q.queue}: round failed; retrying with backoff`, error);
          this.schedule(q, Math.min(30_000, this.pollMs * 2 ** Math.min(5, q.failures)));
        });
    }, ms);
    q.timer.unref?.();
  }

  private async round(q: Registered): Promise<number> {
    const leaseMs = q.options.leaseMs ?? this.leaseMs;
    await q.options.beforeClaim?.();
    const claimed = await this.jobs.claim(q.queue, {
      workerId: this.id,
      limit: q.options.batchSize ?? 10,
      leaseMs,
      ...(q.options.perGroup !== undefined ? { perGroup: q.options.perGroup } : {}),
    });
    if (claimed.length === 0) return 0;
    const settled = new Set<string>();
    const lost = new Set<string>();
    // A job that has used up its attempts through expired leases (its worker kept dying) fails here.
    const spent = claimed.filter((job) => job.attempts > job.maxAttempts);
    if (spent.length > 0) {
      await this.jobs.fail(spent, new Error(`lease expired on each of ${spent[0]!.maxAttempts} attempts`));
      for (const job of spent) settled.add(job.id);
      this.log(`${spent.length} job(s) of ${q.queue} failed: their lease expired on every attempt (${spent.map((j) => j.key).join(', ')})`);
      this.wakeFailedHook(q);
    }
    const jobs = claimed.filter((job) => !settled.has(job.id));
    if (jobs.length === 0) return claimed.length;
    for (const job of jobs) this.held.set(job.id, job);
    const heartbeat = setInterval(() => {
      const held = jobs.filter((job) => !settled.has(job.id) && !lost.has(job.id));
      if (held.length === 0) return;
      this.jobs
        .renew(held, leaseMs)
        .then((still) => held.forEach((job) => still.has(job.id) || lost.add(job.id)))
        .catch((error: unknown) => this.log(`queue ${q.queue}: lease renewal failed`, error));
    }, Math.max(50, Math.floor(leaseMs / 3)));
    heartbeat.unref?.();
    const mark = (list: ClaimedJob | readonly ClaimedJob[]) => {
      for (const job of Array.isArray(list) ? list : [list as ClaimedJob]) {
        settled.add(job.id);
        this.held.delete(job.id);
      }
    };
    const context: BatchContext & { settled: Set<string> } = {
      workerId: this.id,
      signal: this.abort.signal,
      settled,
      lost: (job) => lost.has(job.id),
      complete: (list, options) => (mark(list), this.jobs.complete(list, options)),
      fail: (list, error, options) => (mark(list), this.jobs.fail(list, error, options).finally(() => this.wakeFailedHook(q))),
      retry: (job, error, options) => (mark(job), this.jobs.retry(job, error, { backoff: q.options.backoff ?? {}, ...options }).finally(() => this.wakeFailedHook(q))),
      reschedule: (list, runAt, options) => (mark(list), this.jobs.reschedule(list, runAt, options)),
      release: (list, options) => (mark(list), this.jobs.release(list, options)),
    };
    try {
      await q.batch(jobs, context);
    } finally {
      clearInterval(heartbeat);
      for (const job of jobs) this.held.delete(job.id);
    }
    return claimed.length;
  }

  /** A job of this queue may have failed for good: its hook's follow-up is due now (it commits with the failure, or not at all). */
  private wakeFailedHook(q: Registered): void {
    if (q.options.onFailed) this.wake(failedHookQueue(q.queue));
  }

  /** Run `work`, then settle the jobs it left: completed (or next run of a recurring queue), or the failure's way. */
  private async settleAfter(jobs: ClaimedJob[], context: BatchContext, options: QueueOptions, work: () => Promise<unknown>): Promise<void> {
    const settled = (context as BatchContext & { settled: Set<string> }).settled;
    const open = () => jobs.filter((job) => !settled.has(job.id) && !context.lost(job));
    let result: unknown;
    try {
      result = await work();
    } catch (error) {
      for (const job of open()) {
        const decision = options.onError?.(error, job) ?? 'retry';
        if (decision === 'fail') await context.fail(job, error);
        else {
          const outcome = await context.retry(job, error, typeof decision === 'number' ? { delayMs: decision } : {});
          if (outcome === 'failed') this.log(`job ${job.queue}/${job.key} failed after ${job.attempts} attempts: ${errorText(error)}`);
        }
      }
      return;
    }
    const left = open();
    if (left.length === 0) return;
    if (options.every !== undefined) {
      for (const job of left) await context.reschedule(job, new Date(Math.max(job.runAt.getTime() + options.every, this.jobs.now().getTime())));
    } else await context.complete(left, result === undefined ? {} : { result });
  }
}

export type { JobsClient };
