// @calibr/jobs: one job engine for every background task, on the database the service already has.
export { Jobs, errorText } from './jobs';
export type { ClaimOptions, InClient, JobsOptions, PruneResult, RescheduleOptions } from './jobs';
export { RETENTION_DEFAULTS, retentionFromEnv } from './retention';
export type { RetentionOptions, RetentionPeriods } from './retention';
export { Worker } from './worker';
export { FAILED_HOOK_ATTEMPTS, failedHookQueue } from './failed-hook';
export type { FailedJob } from './failed-hook';
export type { BatchContext, BatchHandler, JobHandler, QueueOptions, WorkerOptions } from './worker';
export { backoffMs } from './backoff';
export type { BackoffOptions } from './backoff';
export type { ClaimedJob, Dialect, EnqueueInput, Job, JobStatus, JobsClient, JobsDatabase } from './types';
