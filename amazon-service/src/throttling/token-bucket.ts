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

  /** Amazon answered 429: the bucket is empty whatever we thought. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }
}
