// Bounded retries with full jitter. Amazon's guidance for 429 is to back off and retry; 5xx and network
// errors are retried a few times too. Every loop here ends: by attempts and by total time.

export interface RetryPolicy {
  /** Attempts in all (first try included) when Amazon answers 429. */
  throttledAttempts: number;
  /** Attempts in all for 5xx, timeouts and dropped connections. */
  transientAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts after this much time has passed since the first attempt. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  throttledAttempts: 6,
  transientAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxElapsedMs: 60_000,
};

/** Full-jitter exponential backoff: a random delay in [floor, min(max, base·2^retry)]. */
export function backoffDelayMs(policy: RetryPolicy, retry: number, floorMs = 0, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const floor = Math.min(floorMs, policy.maxDelayMs);
  return Math.round(floor + random() * Math.max(0, ceiling - floor));
}
