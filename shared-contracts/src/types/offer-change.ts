// Offer changes the platform pushed to the connector (Amazon's ANY_OFFER_CHANGED notifications through
// SQS), kept by the connector in arrival order and pulled by the app with a cursor
// (`pricing.getOfferChanges`, capability `offerChanges`). Pulling keeps the app in charge of what it has
// seen: a cursor it stored survives restarts, and a change is read again until the app moves past it.
import type { CompetitiveListing } from './competitive-offer';

/** One snapshot of an item's offers as the platform announced it. */
export interface OfferChange {
  /** Opaque, increasing in the order the connector stored changes; pass the last one back as `after`. */
  readonly cursor: string;
  /** The platform's id for the announcement (Amazon's NotificationMetadata.NotificationId). */
  readonly notificationId: string;
  /**
   * The offers after the change, ours marked `isOurs`, as `getCompetitiveOffers` would read them;
   * `observedAt` is the platform's event time (Amazon's OfferChangeTrigger.TimeOfOfferChange).
   */
  readonly listing: CompetitiveListing;
  /** Whose move caused it, when the platform says: a competitor's, or one of our own offers'. */
  readonly cause?: 'competitor' | 'ours' | 'unknown';
  /** ISO 8601: when the connector received it. */
  readonly receivedAt: string;
}

/** The notification channel's health, as the connector sees it. */
export interface OfferChangesStatus {
  /** `live`: subscribed and the queue answers; `down`: subscribed but the queue can't be read; `off`: not subscribed. */
  readonly state: 'live' | 'down' | 'off';
  /** ISO 8601 of the newest change received for this tenant, or null. */
  readonly lastReceivedAt: string | null;
}

export interface OfferChangesRequest {
  /** The cursor of the last change already handled; absent or null: from the oldest change kept. */
  readonly after?: string | null;
  /** Most changes to return (default and maximum 500). */
  readonly limit?: number;
  /**
   * Long poll: when nothing is newer than `after`, wait up to this many seconds (0–20, default 0) for a
   * change before answering with none.
   */
  readonly waitSeconds?: number;
}

export interface OfferChangesResult {
  /** Oldest first. */
  readonly changes: readonly OfferChange[];
  /** Where the next call continues: the last change's cursor, or `after` again when none came. */
  readonly cursor: string | null;
  readonly status: OfferChangesStatus;
}

/** Most changes one `getOfferChanges` call returns, and the longest it may wait. */
export const MAX_OFFER_CHANGES = 500;
export const MAX_OFFER_CHANGES_WAIT_SECONDS = 20;
