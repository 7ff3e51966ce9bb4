// How long finished jobs stay in the job table. Completed (and cancelled) jobs go after a week, failed ones
// after a month, so an operator can still read why they failed; queued and running jobs are never touched.
// A queue whose finished rows mean something to its caller (e.g. an orphan sweep that treats "no job" as
// "never queued") keeps them longer, or for good, with a per-queue period. The workers' housekeeping
// deletes what is past its period in small batches (Jobs.prune, Jobs.housekeep).
import type { JobStatus } from './types';

const DAY_MS = 24 * 60 * 60_000;

/** Periods measured from a job's completedAt; null keeps those jobs for good. */
export interface RetentionPeriods {
  /** completed and cancelled jobs (default 7 days, JOB_RETENTION_COMPLETED_DAYS) */
  completedMs?: number | null;
  /** failed jobs (default 30 days, JOB_RETENTION_FAILED_DAYS) */
  failedMs?: number | null;
}

export interface RetentionOptions extends RetentionPeriods {
  /** per queue, over the engine's periods (a period not given here is the engine's) */
  queues?: Readonly<Record<string, RetentionPeriods>>;
  /** rows per DELETE statement (default 500): short statements, so workers and enqueues never wait long */
  batchSize?: number;
  /** full batches per pass (default 20); a pass that ran them all is followed by another at the worker's next tick */
  batchesPerPass?: number;
  /** time between passes (default 5 min; the first comes one minute after the engine is made) */
  everyMs?: number;
}

export const RETENTION_DEFAULTS = {
  completedMs: 7 * DAY_MS,
  failedMs: 30 * DAY_MS,
  batchSize: 500,
  batchesPerPass: 20,
  everyMs: 5 * 60_000,
  firstPassAfterMs: 60_000,
} as const;

/** The statuses each period covers. */
export const RETAINED: Readonly<Record<keyof RetentionPeriods, readonly JobStatus[]>> = {
  completedMs: ['completed', 'cancelled'],
  failedMs: ['failed'],
};

/**
 * The periods set in the environment: JOB_RETENTION_COMPLETED_DAYS and JOB_RETENTION_FAILED_DAYS (days,
 * fractions allowed; `off` keeps those jobs for good). Unset or unreadable: not given (the default applies).
 */
export function retentionFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): RetentionPeriods {
  const days = (name: string): number | null | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    if (raw.toLowerCase() === 'off') return null;
    const value = Number(raw);
    return Number.isFinite(value) && value >= 0 ? Math.round(value * DAY_MS) : undefined;
  };
  const periods: RetentionPeriods = {};
  const completed = days('JOB_RETENTION_COMPLETED_DAYS');
  const failed = days('JOB_RETENTION_FAILED_DAYS');
  if (completed !== undefined) periods.completedMs = completed;
  if (failed !== undefined) periods.failedMs = failed;
  return periods;
}

/** One DELETE's selection: jobs of these statuses finished before `before`, in one queue or in all but some. */
export interface PruneRule {
  statuses: readonly JobStatus[];
  before: Date;
  queue?: string;
  exceptQueues: readonly string[];
}

export interface ResolvedRetention {
  periods: Required<RetentionPeriods>;
  queues: Readonly<Record<string, RetentionPeriods>>;
  batchSize: number;
  batchesPerPass: number;
  everyMs: number;
}

/** The engine's retention: what its options give, else the environment's, else the defaults. */
export function resolveRetention(options: RetentionOptions = {}, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedRetention {
  const fromEnv = retentionFromEnv(env);
  const period = (name: keyof RetentionPeriods) => (options[name] !== undefined ? options[name] : fromEnv[name] !== undefined ? fromEnv[name] : RETENTION_DEFAULTS[name]);
  return {
    periods: { completedMs: period('completedMs'), failedMs: period('failedMs') },
    queues: options.queues ?? {},
    batchSize: Math.max(1, Math.floor(options.batchSize ?? RETENTION_DEFAULTS.batchSize)),
    batchesPerPass: Math.max(1, Math.floor(options.batchesPerPass ?? RETENTION_DEFAULTS.batchesPerPass)),
    everyMs: Math.max(0, options.everyMs ?? RETENTION_DEFAULTS.everyMs),
  };
}

/** What a pass deletes at `now`: per period, the queues on the engine's period together, each overriding queue apart. */
export function pruneRules(retention: ResolvedRetention, now: Date): PruneRule[] {
  const rules: PruneRule[] = [];
  const before = (ms: number) => new Date(now.getTime() - ms);
  for (const name of Object.keys(RETAINED) as Array<keyof RetentionPeriods>) {
    const own = Object.entries(retention.queues).filter(([, periods]) => periods[name] !== undefined);
    const shared = retention.periods[name];
    if (shared !== null) rules.push({ statuses: RETAINED[name], before: before(shared), exceptQueues: own.map(([queue]) => queue) });
    for (const [queue, periods] of own) {
      const ms = periods[name];
      if (ms !== null && ms !== undefined) rules.push({ statuses: RETAINED[name], before: before(ms), queue, exceptQueues: [] });
    }
  }
  return rules;
}
