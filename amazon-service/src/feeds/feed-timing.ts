// How often submitted feeds are polled: Amazon processes a JSON_LISTINGS_FEED in minutes to hours.
export interface FeedTiming {
  /** First poll after createFeed. */
  firstPollMs: number;
  /** Polls back off (×1.5 each time, jittered) up to this interval. */
  maxPollMs: number;
}

export const DEFAULT_FEED_TIMING: FeedTiming = { firstPollMs: 30_000, maxPollMs: 5 * 60_000 };

/**
 * How long an accepted message's price may take to show on the listing before we stop waiting: Amazon
 * processes accepted submissions downstream (minutes, typically within 15), so past this it won't.
 */
export const LIVE_SETTLE_MS = 30 * 60_000;
