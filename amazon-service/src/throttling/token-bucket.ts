// A token bucket that hands out reservations: each caller learns how long to wait for its turn, so many
// callers queue fairly without a timer per bucket. Time is injectable for tests and for the sandbox's
// time scale.

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private rate: number,
    private burst: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = burst;
    this.updatedAt = clock.now();
  }

  get ratePerSecond(): number {
    return this.rate;
  }

  get capacity(): number {
    return this.burst;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    this.updatedAt = now;
  }

  /** Milliseconds until a reservation made now could go (0 when a token is free). */
  peekWaitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  /** Takes a token (possibly one not yet refilled) and returns the milliseconds to wait before using it. */
  reserve(): number {
    const wait = this.peekWaitMs();
    this.tokens -= 1;
    return wait;
  }

  /** Gives back an unused reservation (the caller decided not to wait). */
  release(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** Amazon said how many requests per second this seller gets for this operation. */
  setRate(rate: number): void {
    if (!Number.isFinite(rate) || rate <= 0 || rate === this.rate) return;
    this.refill();
    this.rate = rate;
  }

  /**
   * The answer to a call that took a token has arrived. Amazon counted that call somewhere between our
   * send and this moment; a token of ours that refilled meanwhile may not have refilled at Amazon yet if
   * the call got there late (a busy event loop, a slow connection), and pacing at exactly the plan's rate
   * from our send time then meets a 429 whenever the next call gets there sooner than the last one did.
   * So we take the latest moment, the answer: what Amazon holds now is at most one token short of full,
   * and the next token is one period after the answer. In steady state that costs one round trip a period
   * and never meets a 429. (Calls still queued keep the wait they were given; one in flight is allowed for.)
   */
  answered(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, this.burst - 1);
  }

  /** Amazon answered 429: the bucket is empty whatever we thought. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }
}
