// What the engine needs from a database client, and what a job looks like to its users.

export type Dialect = 'sqlite' | 'postgresql';

/**
 * The slice of a Prisma client the engine uses: raw statements and interactive transactions. Any client
 * whose schema has the `Job` model (the app's, the Amazon service's) fits, as does its transaction client.
 */
export interface JobsClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

/** A client that can also open a transaction (the root client, not a transaction's). */
export interface JobsDatabase extends JobsClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Prisma's transaction client type differs per schema
  $transaction<R>(fn: (tx: any) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface Job<P = unknown> {
  id: string;
  queue: string;
  key: string;
  groupKey: string | null;
  payload: P;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  claimedBy: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  result: unknown;
  startedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A job this caller holds: `claimedBy` is the claim's token, which every settle checks. */
export interface ClaimedJob<P = unknown> extends Job<P> {
  claimedBy: string;
  leaseUntil: Date;
}

export interface EnqueueInput<P = unknown> {
  queue: string;
  /** exactly-once key within the queue (default: a random one) */
  key?: string;
  groupKey?: string | null;
  payload?: P;
  /** not before (default: now) */
  runAt?: Date;
  /** claims before a failing job is failed for good (default 5) */
  maxAttempts?: number;
  /**
   * When the key's job is finished (completed, failed, cancelled): false (default) returns it as it is
   * (exactly once); true queues it again with this input (recurring work, a merchant's retry).
   */
  again?: boolean;
}
