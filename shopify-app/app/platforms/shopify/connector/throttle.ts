// A per-shop scheduler for Shopify's cost-based (leaky bucket) GraphQL rate limit.
//
// Shopify reports the bucket in every response (`extensions.cost.throttleStatus`). The scheduler keeps
// an estimate of what is available now (last reported level + restore since then, minus what requests
// in flight have reserved), sends a request only when its cost fits, and after a THROTTLED reply waits
// exactly as long as the restore rate needs for the missing points. Requests whose cost fits run
// concurrently, up to `maxConcurrency`.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second, as Shopify reports it. */
  restoreRate: number;
}

export interface ThrottleSchedulerOptions {
  /** Most requests in flight at once for this shop. */
  maxConcurrency?: number;
  /**
   * How many times faster than reported the bucket refills (the sandbox's time scale; 1 against Shopify).
   */
  timeScale?: number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

export interface ThrottleStats {
  requests: number;
  throttled: number;
  /** Sum of `actualQueryCost` over successful requests. */
  pointsUsed: number;
  /** Total time requests spent waiting for the bucket, ms. */
  waitedMs: number;
}

/** A request's cost in points, or undefined while unknown; asked again each time the queue moves. */
export type CostEstimate = number | undefined | (() => number | undefined);

interface Waiter {
  cost: () => number | undefined;
  resolve: (ticket: Ticket) => void;
  enqueuedAt: number;
}

export interface Ticket {
  readonly cost: number;
  readonly exclusive: boolean;
  /** Send order: a reading from an earlier-sent request is older than one already applied. */
  readonly seq: number;
}

export class ThrottleScheduler {
  private readonly maxConcurrency: number;
  private readonly timeScale: number;
  private readonly now: () => number;

  /** Last reported bucket, and when we learned it. Undefined until the first response. */
  private bucket: (ThrottleStatus & { at: number }) | undefined;
  private reserved = 0;
  private inFlight = 0;
  private exclusiveInFlight = false;
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** After a THROTTLED reply nothing is sent before this instant (ms). */
  private holdUntil = 0;
  private sent = 0;
  /** Send order of the request whose reading the bucket holds. */
  private readingSeq = -1;

  readonly stats: ThrottleStats = { requests: 0, throttled: 0, pointsUsed: 0, waitedMs: 0 };

  constructor(options: ThrottleSchedulerOptions = {}) {
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? 8);
    this.timeScale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
    this.now = options.now ?? (() => performance.now());
  }

  /** What the bucket holds now by our estimate, before in-flight reservations. */
  estimatedAvailable(at = this.now()): number | undefined {
    const b = this.bucket;
    if (!b) return undefined;
    const restored = ((at - b.at) / 1000) * b.restoreRate * this.timeScale;
    return Math.min(b.maximumAvailable, b.currentlyAvailable + restored);
  }

  get status(): ThrottleStatus | undefined {
    const b = this.bucket;
    const available = this.estimatedAvailable();
    if (!b || available === undefined) return undefined;
    return { maximumAvailable: b.maximumAvailable, currentlyAvailable: available, restoreRate: b.restoreRate };
  }

  /**
   * Wait until a request of `cost` points can be sent without being throttled. `cost` undefined means
   * unknown: such a request goes alone. Priority requests (retries after THROTTLED) go to the front.
   */
  acquire(cost: CostEstimate, options: { priority?: boolean } = {}): Promise<Ticket> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        // Resolved when the request reaches the head of the queue: an earlier response may have taught
        // us this kind of request's cost by then.
        cost: typeof cost === 'function' ? cost : () => cost,
        resolve,
        enqueuedAt: this.now(),
      };
      if (options.priority) this.queue.unshift(waiter);
      else this.queue.push(waiter);
      this.pump();
    });
  }

  /** The request finished; `status` is the bucket Shopify reported with it, if any. */
  release(ticket: Ticket, result: { status?: ThrottleStatus; actualCost?: number } = {}): void {
    this.inFlight--;
    this.reserved -= ticket.cost;
    if (ticket.exclusive) this.exclusiveInFlight = false;
    this.stats.requests++;
    if (result.actualCost !== undefined) this.stats.pointsUsed += result.actualCost;
    if (result.status) this.observe(result.status, ticket.seq);
    this.pump();
  }

  /**
   * The request came back THROTTLED. Records the bucket and holds every send until the restore rate
   * has refilled `requestedCost` points (the wait Shopify documents for a throttled query).
   */
  throttled(ticket: Ticket, status: ThrottleStatus | undefined, requestedCost: number | undefined): number {
    this.inFlight--;
    this.reserved -= ticket.cost;
    if (ticket.exclusive) this.exclusiveInFlight = false;
    this.stats.requests++;
    this.stats.throttled++;
    let waitMs = 1000 / this.timeScale;
    if (status) {
      this.observe(status, ticket.seq);
      const need = (requestedCost ?? ticket.cost) - status.currentlyAvailable;
      waitMs = need > 0 ? (need / (status.restoreRate * this.timeScale)) * 1000 : 0;
    }
    this.holdUntil = Math.max(this.holdUntil, this.now() + waitMs);
    this.pump();
    return waitMs;
  }

  /**
   * Record a bucket reading. Responses can arrive out of order; a reading from a request sent before the
   * one whose reading we hold is older (it doesn't include that request's cost), so it is ignored.
   * Requests still in flight keep their points reserved (conservative: the reading may include them).
   */
  observe(status: ThrottleStatus, seq = this.sent): void {
    if (seq < this.readingSeq) return;
    this.readingSeq = seq;
    this.bucket = { ...status, at: this.now() };
  }

  private canSend(cost: number | undefined, at: number): { ok: true } | { ok: false; retryInMs?: number } {
    if (this.inFlight >= this.maxConcurrency) return { ok: false };
    if (this.exclusiveInFlight) return { ok: false };
    if (at < this.holdUntil) return { ok: false, retryInMs: this.holdUntil - at };
    // Cost unknown: sent alone, so its real cost is learned before anything else goes out.
    if (cost === undefined) return this.inFlight === 0 ? { ok: true } : { ok: false };
    const available = this.estimatedAvailable(at);
    if (available === undefined) {
      // Nothing learned yet: the first request goes alone and teaches us the bucket.
      return this.inFlight === 0 ? { ok: true } : { ok: false };
    }
    const free = available - this.reserved;
    if (free >= cost) return { ok: true };
    const b = this.bucket!;
    const missing = cost - free;
    if (cost > b.maximumAvailable) {
      // Can never fit: let Shopify answer (MAX_COST_EXCEEDED) rather than wait forever, once the bucket is full.
      return available >= b.maximumAvailable && this.inFlight === 0 ? { ok: true } : { ok: false, retryInMs: 50 };
    }
    return { ok: false, retryInMs: (missing / (b.restoreRate * this.timeScale)) * 1000 };
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    let wakeInMs: number | undefined;
    while (this.queue.length > 0) {
      const at = this.now();
      const head = this.queue[0]!;
      const cost = head.cost();
      const verdict = this.canSend(cost, at);
      if (!verdict.ok) {
        wakeInMs = verdict.retryInMs;
        break;
      }
      this.queue.shift();
      const exclusive = cost === undefined;
      this.inFlight++;
      this.reserved += cost ?? 0;
      if (exclusive) this.exclusiveInFlight = true;
      this.stats.waitedMs += at - head.enqueuedAt;
      head.resolve({ cost: cost ?? 0, exclusive, seq: this.sent++ });
    }
    if (wakeInMs !== undefined && this.queue.length > 0) {
      // Round up to whole ms so the restore has really covered the gap when we wake.
      this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(wakeInMs)));
    }
  }

  /** Pending (queued, not yet sent) requests. */
  get pending(): number {
    return this.queue.length;
  }
}
