// Offer changes the platform pushed to the connector (Amazon's ANY_OFFER_CHANGED notifications through
// SQS), kept by the connector in arrival order and pulled by the app with a cursor
// (`pricing.getOfferChanges`, capability `offerChanges`). Pulling keeps the app in charge of what it has
// seen: a cursor it stored survives restarts, and a change is read again until the app moves past it.
import type { Money } from '../money';
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

/**
 * A reference price the platform judges an offer's price against for Featured Offer (Buy Box) eligibility,
 * by Amazon's names in PRICING_HEALTH's summary.referencePrice: `competitivePrice` (competitivePriceThreshold,
 * the lowest comparable price at other retailers), `averageSellingPrice`, `retailOfferPrice` (the 14-day
 * maximum of Amazon's retail offer) and `msrp` (msrpPrice).
 */
export type ReferencePriceKind = 'competitivePrice' | 'averageSellingPrice' | 'retailOfferPrice' | 'msrp';

export interface ReferencePrice {
  readonly kind: ReferencePriceKind;
  readonly price: Money;
}

/**
 * The platform says our offer on an item is not Featured Offer (Buy Box) eligible because its price is not
 * competitive (Amazon's PRICING_HEALTH). In the same stream as the offer changes, sharing their cursors;
 * returned only when the request asks for it (`include: ['pricingHealth']`, capability `pricingHealth`).
 */
export interface PricingHealthChange {
  /** Opaque, from the same sequence as the offer changes' cursors. */
  readonly cursor: string;
  /** The platform's id for the announcement (Amazon's notificationMetadata.notificationId). */
  readonly notificationId: string;
  /** The catalog item (Amazon's ASIN) and its marketplace. */
  readonly itemId: string;
  readonly marketplaceId?: string;
  /** The platform's own name for the issue (Amazon's issueType, e.g. `BuyBoxDisqualification`). */
  readonly issue: string;
  /** Our offer's landed price (price + shipping), as the platform judged it. */
  readonly ourPrice: Money;
  /** Every reference price the platform gave, in our price's currency. */
  readonly referencePrices: readonly ReferencePrice[];
  /** The reference price our price is above (the competitive price first), or null when none is given or exceeded. */
  readonly exceeded: ReferencePrice | null;
  /** ISO 8601: the platform's event time (Amazon's offerChangeTrigger.timeOfOfferChange). */
  readonly observedAt: string;
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
  /**
   * More kinds of item to return in the same stream (capability `pricingHealth`): `pricingHealth` adds the
   * result's `pricingHealth`. A connector without the capability ignores it. Absent: offer changes only.
   */
  readonly include?: readonly 'pricingHealth'[];
}

export interface OfferChangesResult {
  /** Oldest first. */
  readonly changes: readonly OfferChange[];
  /** Where the next call continues: the last item's cursor (of either kind), or `after` again when none came. */
  readonly cursor: string | null;
  readonly status: OfferChangesStatus;
  /** Oldest first; present when the request included `pricingHealth` (and the connector has the capability). */
  readonly pricingHealth?: readonly PricingHealthChange[];
}

/** Most items (of every kind asked for) one `getOfferChanges` call returns, and the longest it may wait. */
export const MAX_OFFER_CHANGES = 500;
export const MAX_OFFER_CHANGES_WAIT_SECONDS = 20;
