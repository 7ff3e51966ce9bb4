// What this process knows of the notification channel: whether a queue is configured, whether the
// consumer can read it (live / down), its lag and error counts (GET /readyz shows them), and the signal that
// wakes long polls of getOfferChanges when a change is stored.

export interface ChannelCounts {
  /** Messages received from the queue. */
  received: number;
  /** Handled and deleted (offer changes stored, feeds woken, pricing health logged). */
  processed: number;
  /** Same NotificationId seen before (SQS delivers at least once): deleted. */
  duplicates: number;
  /** An offer change older than the newest seen for its seller, ASIN and marketplace: deleted. */
  stale: number;
  /** Not JSON, failing its schema or of a type we don't consume: left to the dead-letter queue. */
  invalid: number;
  /** Naming a seller no shop ever connected: left to the dead-letter queue. */
  unknownSeller: number;
  /** Receives that failed (queue unreachable, refused). */
  receiveErrors: number;
  /** Handling failed (database): the message comes back after its visibility timeout. */
  handlerErrors: number;
}

export interface ChannelLag {
  /** Age (ms) of the newest and oldest message of the last batch, from its SentTimestamp. */
  newestMessageAgeMs: number | null;
  oldestMessageAgeMs: number | null;
  /** Messages received and not yet deleted or given up on by this process. */
  inFlight: number;
  /** The queue's depth when last read (SQS's approximate counts): waiting, and received by someone and not deleted. */
  queued: number | null;
  notVisible: number | null;
}

/** Wakes getOfferChanges long polls waiting for a tenant's next change (this process; others re-check the database). */
export class OfferChangeSignal {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Resolves at the tenant's next change in this process, or after `ms`. */
  wait(projectId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(projectId);
      if (!set) this.waiters.set(projectId, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(projectId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  notify(projectIds: Iterable<string>): void {
    for (const id of projectIds) for (const wake of [...(this.waiters.get(id) ?? [])]) wake();
  }
}

export class NotificationChannel {
  /** `off` until a consumer runs here; then `live` while the queue answers, `down` while it doesn't. */
  state: 'live' | 'down' | 'off' = 'off';
  lastError: string | null = null;
  lastReceiveAt: Date | null = null;
  readonly counts: ChannelCounts = { received: 0, processed: 0, duplicates: 0, stale: 0, invalid: 0, unknownSeller: 0, receiveErrors: 0, handlerErrors: 0 };
  readonly lag: ChannelLag = { newestMessageAgeMs: null, oldestMessageAgeMs: null, inFlight: 0, queued: null, notVisible: null };
  readonly changes = new OfferChangeSignal();

  constructor(
    /** The queue's ARN (AMAZON_NOTIFICATIONS_QUEUE_ARN); none: notifications are off. */
    readonly queueArn: string | undefined,
  ) {}

  get configured(): boolean {
    return this.queueArn !== undefined;
  }

  /** For /readyz: never a secret (the queue's ARN is not one). */
  detail(): Record<string, unknown> {
    return {
      configured: this.configured,
      state: this.state,
      lastReceiveAt: this.lastReceiveAt?.toISOString() ?? null,
      lastError: this.lastError,
      lag: { ...this.lag },
      counts: { ...this.counts },
    };
  }
}
