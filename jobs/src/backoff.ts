// Retry timing: exponential in the attempts made, with jitter so retries of one outage spread out.

export interface BackoffOptions {
  /** delay after the first failed attempt (default 1 s) */
  baseMs?: number;
  /** the longest delay (default 5 min) */
  maxMs?: number;
  /** ± this fraction of the delay (default 0.5: between half and one and a half times) */
  jitter?: number;
}

/** The delay before the attempt after `attempts` failed ones: baseMs · 2^(attempts-1), capped, jittered. */
export function backoffMs(attempts: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { baseMs = 1_000, maxMs = 300_000, jitter = 0.5 } = options;
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  return Math.max(0, Math.round(exponential * (1 - jitter + 2 * jitter * random())));
}
