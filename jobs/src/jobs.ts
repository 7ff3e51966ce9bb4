// The job table's operations: enqueue (exactly once per key), claim with a lease, renew, and the ways a
// claimed job ends (complete, retry, fail, reschedule, release). Every settle is conditional on the
// claim's token and `running`, so a worker that lost its lease (it expired and someone else claimed the
// job) changes nothing. Claims:
// - PostgreSQL: one UPDATE over a `SELECT … FOR UPDATE SKIP LOCKED` of the due jobs, so concurrent
//   workers take different rows without waiting for each other. With a per-group limit the claim also
//   takes a transaction-scoped advisory lock for the queue first: counting a group's running jobs and
//   claiming more of them must not interleave between workers, or both would see room for one more.
// - SQLite: one conditional UPDATE (SQLite runs one writer at a time, so the statement's read and
//   write are not interleaved with another worker's).
// A job failed for good on a queue with an `onFailed` hook queues the hook's follow-up in the same
// transaction (./failed-hook.ts).
// Finished jobs are deleted once past their retention (./retention.ts) by prune(), which the workers'
// housekeeping runs: short DELETEs of a few hundred rows (skipping rows another statement holds on
// PostgreSQL), so claims and enqueues never wait behind a long one.
import { randomUUID } from 'node:crypto';
import { backoffMs, type BackoffOptions } from './backoff';
import { pruneRules, resolveRetention, RETENTION_DEFAULTS, type PruneRule, type ResolvedRetention, type RetentionOptions } from './retention';
import { failedHookJob } from './failed-hook';
import { COLUMNS, lockNumber, params, toJob, type Params } from './sql';
import type { ClaimedJob, Dialect, EnqueueInput, Job, JobsClient, JobsDatabase } from './types';

export interface JobsOptions {
  /** a Prisma client whose schema has the Job model */
  db: JobsDatabase;
  dialect: Dialect;
  /** the engine's notion of now (tests move it instead of sleeping) */
  clock?: () => Date;
  /** for backoff jitter */
  random?: () => number;
  /** default retry timing (a queue may override it per retry) */
  backoff?: BackoffOptions;
  /**
   * The job table's name (default "Job"): a schema sharing one database with another names its own
   * (the Amazon service's is "AmazonJob"), with the same columns and indexes.
   */
  table?: string;
  /**
   * How long finished jobs are kept (default: completed and cancelled 7 days, failed 30, or the
   * JOB_RETENTION_COMPLETED_DAYS / JOB_RETENTION_FAILED_DAYS environment variables), per queue if need be.
   */
  retention?: RetentionOptions;
}

/** What one prune pass did: rows deleted, and whether it stopped at its budget of full batches with more to go. */
export interface PruneResult {
  deleted: number;
  more: boolean;
}

export interface ClaimOptions {
  /** who claims: host:pid or the like; each claim adds a nonce to make its token */
  workerId: string;
  /** jobs per claim (default 1) */
  limit?: number;
  leaseMs: number;
  /** at most this many running jobs (valid leases) per groupKey in this queue; jobs without one are not limited */
  perGroup?: number;
}

/** Settles may run inside the caller's transaction (pass its client) so the domain write and the job's end commit together. */
export interface InClient {
  client?: JobsClient;
}

/** What a job queued again may carry to its next run: its new payload, and what this run found. */
export interface RescheduleOptions extends InClient {
  payload?: unknown;
  result?: unknown;
}

/** Rows per multi-row INSERT (SQLite binds at most 32,766 parameters, PostgreSQL 65,535). */
const ROWS_PER_STATEMENT = 500;
/** On a key's conflict: a finished job is queued again with the new input; a live one is left alone. */
const requeueFinished = (table: string) =>
  `DO UPDATE SET "status" = 'queued', "groupKey" = excluded."groupKey", "payload" = excluded."payload", "attempts" = 0, ` +
  `"maxAttempts" = excluded."maxAttempts", "runAt" = excluded."runAt", "leaseUntil" = NULL, "lastError" = NULL, "result" = NULL, ` +
  `"startedAt" = NULL, "completedAt" = NULL, "updatedAt" = excluded."updatedAt" WHERE ${table}."status" IN ('completed', 'failed', 'cancelled')`;

export class Jobs {
  readonly dialect: Dialect;
  readonly now: () => Date;
  private readonly db: JobsDatabase;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  /** the table's quoted name, as the statements write it */
  private readonly table: string;
  /** names the advisory lock of a queue's group-limited claims (per table: two tables' queues don't wait on each other) */
  private readonly lockName: string;
  readonly retention: ResolvedRetention;
  /** when the next housekeeping pass is due (engine clock, ms), and whether one is under way */
  private nextPruneAt: number;
  private pruning = false;
  /** queues whose failed jobs queue a follow-up for their `onFailed` hook */
  private readonly hooked = new Set<string>();

  constructor(options: JobsOptions) {
    const table = options.table ?? 'Job';
    // Interpolated into SQL: a plain identifier only.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`invalid job table name: ${table}`);
    this.table = `"${table}"`;
    this.lockName = table === 'Job' ? 'calibr.jobs' : `calibr.jobs.${table}`;
    this.db = options.db;
    this.dialect = options.dialect;
    this.now = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? {};
    this.retention = resolveRetention(options.retention);
    this.nextPruneAt = this.now().getTime() + Math.min(this.retention.everyMs, RETENTION_DEFAULTS.firstPassAfterMs);
  }

  /**
   * Add a job, or return the live one with this (queue, key): enqueueing twice, even concurrently, makes
   * one job. A finished one is returned as it is, or queued again with `again: true`.
   */
  async enqueue<P>(input: EnqueueInput<P>, { client }: InClient = {}): Promise<Job<P>> {
    const db = client ?? this.db;
    const now = this.now();
    const key = input.key ?? randomUUID();
    const q = params(this.dialect);
    const values =
      `(${q.p(randomUUID())}, ${q.p(input.queue)}, ${q.p(key)}, ${q.p(input.groupKey ?? null)}, ${q.json(input.payload)}, 'queued', 0, ` +
      `${q.p(input.maxAttempts ?? 5)}, ${q.p(input.runAt ?? now)}, ${q.p(now)}, ${q.p(now)})`;
    const onConflict = input.again ? requeueFinished(this.table) : 'DO NOTHING';
    // Twice at most: a finished job the INSERT found may be pruned before it is read; then it is added anew.
    for (let attempt = 0; attempt < 2; attempt++) {
      await db.$executeRawUnsafe(
        `INSERT INTO ${this.table} ("id", "queue", "key", "groupKey", "payload", "status", "attempts", "maxAttempts", "runAt", "createdAt", "updatedAt") ` +
          `VALUES ${values} ON CONFLICT ("queue", "key") ${onConflict}`,
        ...q.values,
      );
      const job = await this.get<P>(input.queue, key, { client: db });
      if (job) return job;
    }
    throw new Error(`job ${input.queue}/${key} vanished right after it was enqueued`);
  }

  /**
   * Add many jobs in one statement (a hot path, e.g. inside the transaction that records webhook
   * deliveries); keys that exist already are left as they are, except finished ones with `again`.
   * Returns how many were added (or queued again).
   */
  async enqueueMany(inputs: readonly EnqueueInput[], { client, again = false }: InClient & { again?: boolean } = {}): Promise<number> {
    let added = 0;
    for (let i = 0; i < inputs.length; i += ROWS_PER_STATEMENT) {
      const now = this.now();
      const q = params(this.dialect);
      const rows = inputs.slice(i, i + ROWS_PER_STATEMENT).map(
        (input) =>
          `(${q.p(randomUUID())}, ${q.p(input.queue)}, ${q.p(input.key ?? randomUUID())}, ${q.p(input.groupKey ?? null)}, ${q.json(input.payload)}, 'queued', 0, ` +
          `${q.p(input.maxAttempts ?? 5)}, ${q.p(input.runAt ?? now)}, ${q.p(now)}, ${q.p(now)})`,
      );
      if (rows.length === 0) continue;
      added += await (client ?? this.db).$executeRawUnsafe(
        `INSERT INTO ${this.table} ("id", "queue", "key", "groupKey", "payload", "status", "attempts", "maxAttempts", "runAt", "createdAt", "updatedAt") ` +
          `VALUES ${rows.join(', ')} ON CONFLICT ("queue", "key") ${again ? requeueFinished(this.table) : 'DO NOTHING'}`,
        ...q.values,
      );
    }
    return added;
  }

  async get<P = unknown>(queue: string, key: string, { client }: InClient = {}): Promise<Job<P> | null> {
    const q = params(this.dialect);
    const rows = await (client ?? this.db).$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE "queue" = ${q.p(queue)} AND "key" = ${q.p(key)}`,
      ...q.values,
    );
    return rows[0] ? toJob<P>(rows[0]) : null;
  }

  /** Cancel a queued job (a running one finishes: its worker holds it). Returns whether it was cancelled. */
  async cancel(queue: string, key: string, { client }: InClient = {}): Promise<boolean> {
    const q = params(this.dialect);
    const count = await (client ?? this.db).$executeRawUnsafe(
      `UPDATE ${this.table} SET "status" = 'cancelled', "completedAt" = ${q.p(this.now())}, "updatedAt" = ${q.p(this.now())} ` +
        `WHERE "queue" = ${q.p(queue)} AND "key" = ${q.p(key)} AND "status" = 'queued'`,
      ...q.values,
    );
    return count > 0;
  }

  /**
   * Claim up to `limit` due jobs of a queue: queued ones whose runAt has come, and running ones whose
   * lease expired (their worker died). Each claim counts as an attempt.
   */
  async claim<P = unknown>(queue: string, options: ClaimOptions): Promise<ClaimedJob<P>[]> {
    const now = this.now();
    const token = `${options.workerId}/${randomUUID().slice(0, 8)}`;
    const leaseUntil = new Date(now.getTime() + options.leaseMs);
    const limit = Math.max(1, options.limit ?? 1);
    const perGroup = options.perGroup;
    const q = params(this.dialect);
    const set =
      `"status" = 'running', "claimedBy" = ${q.p(token)}, "leaseUntil" = ${q.p(leaseUntil)}, "attempts" = "attempts" + 1, ` +
      `"startedAt" = ${q.p(now)}, "updatedAt" = ${q.p(now)}`;
    const due = (alias: string) =>
      `${alias}."queue" = ${q.p(queue)} AND ((${alias}."status" = 'queued' AND ${alias}."runAt" <= ${q.p(now)}) ` +
      `OR (${alias}."status" = 'running' AND ${alias}."leaseUntil" < ${q.p(now)}))`;
    // Running jobs of the candidate's group whose lease is still valid.
    const busy = (alias: string) =>
      `(SELECT COUNT(*) FROM ${this.table} r WHERE r."queue" = ${alias}."queue" AND r."groupKey" = ${alias}."groupKey" ` +
      `AND r."status" = 'running' AND r."leaseUntil" >= ${q.p(now)})`;
    let sql: string;
    if (this.dialect === 'postgresql') {
      const room = perGroup === undefined ? '' : ` AND (j."groupKey" IS NULL OR ${busy('j')} < ${q.p(perGroup)})`;
      const locked = `SELECT j."id" FROM ${this.table} j WHERE ${due('j')}${room} ORDER BY j."runAt", j."id" LIMIT ${q.p(limit)} FOR UPDATE SKIP LOCKED`;
      const chosen =
        perGroup === undefined
          ? `SELECT "id" FROM locked`
          : // Several candidates of one group: only as many as the group has room for.
            `SELECT "id" FROM (SELECT c."id", c."groupKey", ROW_NUMBER() OVER (PARTITION BY c."groupKey" ORDER BY c."runAt", c."id") AS rn, ` +
            `${busy('c')} AS busy FROM ${this.table} c WHERE c."id" IN (SELECT "id" FROM locked)) ranked ` +
            `WHERE ranked."groupKey" IS NULL OR ranked.busy + ranked.rn <= ${q.p(perGroup)}`;
      sql = `WITH locked AS (${locked}) UPDATE ${this.table} SET ${set} WHERE "id" IN (${chosen}) RETURNING ${COLUMNS}`;
    } else {
      const chosen =
        perGroup === undefined
          ? `SELECT j."id" FROM ${this.table} j WHERE ${due('j')} ORDER BY j."runAt", j."id" LIMIT ${q.p(limit)}`
          : `SELECT "id" FROM (SELECT j."id", j."groupKey", j."runAt", ROW_NUMBER() OVER (PARTITION BY j."groupKey" ORDER BY j."runAt", j."id") AS rn, ` +
            `${busy('j')} AS busy FROM ${this.table} j WHERE ${due('j')}) ranked ` +
            `WHERE ranked."groupKey" IS NULL OR ranked.busy + ranked.rn <= ${q.p(perGroup)} ORDER BY ranked."runAt", ranked."id" LIMIT ${q.p(limit)}`;
      sql = `UPDATE ${this.table} SET ${set} WHERE "id" IN (${chosen}) RETURNING ${COLUMNS}`;
    }
    const run = (client: JobsClient) => client.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...q.values);
    const rows =
      this.dialect === 'postgresql' && perGroup !== undefined
        ? await this.db.$transaction(async (tx: JobsClient) => {
            await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${lockNumber(`${this.lockName}:${queue}`)})) AS l`);
            return run(tx);
          })
        : await run(this.db);
    return rows.map((row) => toJob<P>(row) as ClaimedJob<P>).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id.localeCompare(b.id));
  }

  /** Extend the leases of jobs still held; returns the ids still ours (a missing one was lost). */
  async renew(jobs: readonly ClaimedJob[], leaseMs: number): Promise<Set<string>> {
    const held = new Set<string>();
    const now = this.now();
    for (const [token, ids] of byToken(jobs)) {
      const q = params(this.dialect);
      const rows = await this.db.$queryRawUnsafe<Array<{ id: string }>>(
        `UPDATE ${this.table} SET "leaseUntil" = ${q.p(new Date(now.getTime() + leaseMs))}, "updatedAt" = ${q.p(now)} ` +
          `WHERE "id" IN (${q.list(ids)}) AND "claimedBy" = ${q.p(token)} AND "status" = 'running' RETURNING "id"`,
        ...q.values,
      );
      for (const row of rows) held.add(row.id);
    }
    return held;
  }

  /** Done. Returns how many of `jobs` were still held (the others were lost and are someone else's now). */
  complete(jobs: ClaimedJob | readonly ClaimedJob[], options: InClient & { result?: unknown } = {}): Promise<number> {
    return this.settle(jobs, options.client, (q) => `"status" = 'completed', "result" = ${q.json(options.result)}, "completedAt" = ${q.p(this.now())}, "leaseUntil" = NULL`);
  }

  /**
   * Failed for good, with the reason. A job of a queue with an `onFailed` hook queues the hook's follow-up
   * in the same transaction (./failed-hook.ts): the caller's when given, else one of its own.
   */
  async fail(jobs: ClaimedJob | readonly ClaimedJob[], error: unknown, { client }: InClient = {}): Promise<number> {
    const list: readonly ClaimedJob[] = Array.isArray(jobs) ? jobs : [jobs as ClaimedJob];
    const reason = errorText(error);
    const failedAt = this.now();
    const set = (q: Params) => `"status" = 'failed', "lastError" = ${q.p(reason)}, "completedAt" = ${q.p(failedAt)}, "leaseUntil" = NULL`;
    if (!list.some((job) => this.hooked.has(job.queue))) return this.settle(list, client, set);
    const write = async (tx: JobsClient) => {
      const failed = await this.settleReturning(list, tx, set);
      const hooked = list.filter((job) => failed.has(job.id) && this.hooked.has(job.queue));
      // again: a follow-up of an earlier failure of this key, already run, runs again for this one.
      if (hooked.length > 0) await this.enqueueMany(hooked.map((job) => failedHookJob(job, reason, failedAt)), { client: tx, again: true });
      return failed.size;
    };
    return client ? write(client) : this.db.$transaction(write);
  }

  /**
   * From now on, jobs of `queue` failed for good through this engine queue a follow-up for its hook
   * (Worker.handle's `onFailed` calls it; the worker runs the follow-ups).
   */
  hookFailures(queue: string): void {
    this.hooked.add(queue);
  }

  /**
   * Failed this time: queued again after a jittered exponential backoff (or `delayMs`), or failed for
   * good once it has had maxAttempts attempts. Returns 'retry' | 'failed' | 'lost'.
   */
  async retry(job: ClaimedJob, error: unknown, options: InClient & { delayMs?: number; backoff?: BackoffOptions } = {}): Promise<'retry' | 'failed' | 'lost'> {
    if (job.attempts >= job.maxAttempts) return (await this.fail(job, error, options)) > 0 ? 'failed' : 'lost';
    const delay = options.delayMs ?? backoffMs(job.attempts, options.backoff ?? this.backoff, this.random);
    const runAt = new Date(this.now().getTime() + delay);
    const count = await this.settle(job, options.client, (q) => `"status" = 'queued', "runAt" = ${q.p(runAt)}, "lastError" = ${q.p(errorText(error))}, "leaseUntil" = NULL`);
    return count > 0 ? 'retry' : 'lost';
  }

  /**
   * This run is over and the job runs again at `runAt` (polling something that answers later, recurring
   * work): not a failure, so its attempts start over.
   */
  reschedule(jobs: ClaimedJob | readonly ClaimedJob[], runAt: Date, { client, payload, result }: RescheduleOptions = {}): Promise<number> {
    return this.settle(
      jobs,
      client,
      (q) =>
        `"status" = 'queued', "runAt" = ${q.p(runAt)}, "attempts" = 0, "leaseUntil" = NULL` +
        (payload === undefined ? '' : `, "payload" = ${q.json(payload)}`) +
        (result === undefined ? '' : `, "result" = ${q.json(result)}`),
    );
  }

  /** Give jobs back untouched (a graceful stop before they ran): queued as they were, the claim not counted. */
  release(jobs: ClaimedJob | readonly ClaimedJob[], { client }: InClient = {}): Promise<number> {
    return this.settle(jobs, client, () => `"status" = 'queued', "attempts" = "attempts" - 1, "leaseUntil" = NULL`);
  }

  /** settle(), returning the ids it changed (the jobs still held). */
  private async settleReturning(jobs: readonly ClaimedJob[], client: JobsClient, set: (q: Params) => string): Promise<Set<string>> {
    const changed = new Set<string>();
    for (const [token, ids] of byToken(jobs)) {
      const q = params(this.dialect);
      const assignments = set(q);
      const rows = await client.$queryRawUnsafe<Array<{ id: string }>>(
        `UPDATE ${this.table} SET ${assignments}, "updatedAt" = ${q.p(this.now())} WHERE "id" IN (${q.list(ids)}) AND "claimedBy" = ${q.p(token)} AND "status" = 'running' RETURNING "id"`,
        ...q.values,
      );
      for (const row of rows) changed.add(row.id);
    }
    return changed;
  }

  private async settle(jobs: ClaimedJob | readonly ClaimedJob[], client: JobsClient | undefined, set: (q: Params) => string): Promise<number> {
    const list: readonly ClaimedJob[] = Array.isArray(jobs) ? jobs : [jobs as ClaimedJob];
    let count = 0;
    for (const [token, ids] of byToken(list)) {
      const q = params(this.dialect);
      const assignments = set(q);
      count += await (client ?? this.db).$executeRawUnsafe(
        `UPDATE ${this.table} SET ${assignments}, "updatedAt" = ${q.p(this.now())} WHERE "id" IN (${q.list(ids)}) AND "claimedBy" = ${q.p(token)} AND "status" = 'running'`,
        ...q.values,
      );
    }
    return count;
  }

  /**
   * One pass over the finished jobs past their retention: batchSize rows per DELETE, until one deletes fewer
   * or batchesPerPass full ones have run (then `more`). Queued and running jobs are never touched, nor
   * finished ones without a completedAt (written by hand).
   */
  async prune(): Promise<PruneResult> {
    const { batchSize, batchesPerPass } = this.retention;
    let deleted = 0;
    let full = 0;
    for (const rule of pruneRules(this.retention, this.now())) {
      for (;;) {
        const count = await this.deleteBatch(rule, batchSize);
        deleted += count;
        if (count < batchSize) break;
        // A full batch: there may be more; the next pass goes on once this one has had its share.
        if (++full >= batchesPerPass) return { deleted, more: true };
      }
    }
    return { deleted, more: false };
  }

  /**
   * A prune pass if one is due (every retention.everyMs; at once again after a pass that had more to do).
   * Every worker on this engine calls it; one pass at a time runs. Returns null when none was due.
   */
  async housekeep(): Promise<PruneResult | null> {
    const startedAt = this.now().getTime();
    if (this.pruning || startedAt < this.nextPruneAt) return null;
    this.pruning = true;
    try {
      const result = await this.prune();
      this.nextPruneAt = result.more ? startedAt : startedAt + this.retention.everyMs;
      return result;
    } catch (error) {
      this.nextPruneAt = startedAt + this.retention.everyMs;
      throw error;
    } finally {
      this.pruning = false;
    }
  }

  private async deleteBatch(rule: PruneRule, limit: number): Promise<number> {
    const q = params(this.dialect);
    // Bound in textual order (SQLite's ? is positional): the selection, then the same test again on the row
    // deleted, so a job queued again (`again`) between the two is never deleted.
    const finished = (alias: string) =>
      `${alias}"status" IN (${q.list(rule.statuses)}) AND ${alias}"completedAt" < ${q.p(rule.before)}` +
      (rule.queue !== undefined ? ` AND ${alias}"queue" = ${q.p(rule.queue)}` : '') +
      (rule.exceptQueues.length > 0 ? ` AND ${alias}"queue" NOT IN (${q.list(rule.exceptQueues)})` : '');
    const chosen = `SELECT j."id" FROM ${this.table} j WHERE ${finished('j.')} LIMIT ${q.p(limit)}`;
    // PostgreSQL: the rows chosen in a CTE, evaluated once (a locking subquery under IN may be run again
    // and, skipping locked rows, choose others: more than `limit` rows went in one statement).
    const sql =
      this.dialect === 'postgresql'
        ? `WITH chosen AS (${chosen} FOR UPDATE SKIP LOCKED) DELETE FROM ${this.table} WHERE "id" IN (SELECT "id" FROM chosen) AND ${finished('')}`
        : `DELETE FROM ${this.table} WHERE "id" IN (${chosen}) AND ${finished('')}`;
    return await this.db.$executeRawUnsafe(sql, ...q.values);
  }

  /** Jobs of a queue by status (for tests, metrics and consoles). */
  async counts(queue: string): Promise<Record<string, number>> {
    const q = params(this.dialect);
    const rows = await this.db.$queryRawUnsafe<Array<{ status: string; n: unknown }>>(
      `SELECT "status", COUNT(*) AS n FROM ${this.table} WHERE "queue" = ${q.p(queue)} GROUP BY "status"`,
      ...q.values,
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}

function byToken(jobs: readonly ClaimedJob[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const job of jobs) groups.set(job.claimedBy, [...(groups.get(job.claimedBy) ?? []), job.id]);
  return groups;
}

/** The reason kept in lastError: the message, short. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.slice(0, 2000);
}
