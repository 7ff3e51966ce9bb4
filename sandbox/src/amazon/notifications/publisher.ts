// The sandbox's Amazon sending notifications: after any change to its world (a competitor moved through the
// control API or the market bots, our own price went live, a feed ended, the Buy Box was suppressed) it
// compares what subscribed sellers' listings look like with what it last saw and puts a notification on
// each matching subscription's SQS destination:
// - ANY_OFFER_CHANGED when the offers on a subscribed seller's ASIN in a marketplace changed (anyone's price,
//   an offer coming or going, the Buy Box moving: "Featured Offer");
// - FEED_PROCESSING_FINISHED when one of the seller's feeds reached DONE, FATAL or CANCELLED;
// - PRICING_HEALTH when the seller's offer stops being Buy Box eligible (the Buy Box suppressed, or its
//   landed price above the ASIN's reference price; see sandbox/README.md).
// What it last saw lives in memory: after a restart it takes the world as it finds it as the baseline.
import { randomUUID } from 'node:crypto';
import { comparePrices, minorOf } from '../money';
import { isFeaturedMerchant, type MarketOffer } from '../market';
import { offerKey, type NotificationSubscription } from '../state';
import type { AmazonWorld } from '../world';
import type { SqsService } from '../sqs/queues';
import { notificationsState } from './api';
import { anyOfferChanged, feedProcessingFinished, marketView, pricingHealth, referencePrice, type MarketView, type NotificationBody } from './payloads';

const FEED_DONE = new Set(['DONE', 'FATAL', 'CANCELLED']);

interface ListingSeen {
  /** A cheap digest of everything the offers are made of; when it is unchanged the offers are not rebuilt. */
  inputs: string;
  /** Every offer's seller, price and shipping, in order. */
  offers: string;
  winner: string;
  /** The seller's own offer may hold the Buy Box (PRICING_HEALTH fires when this turns false). */
  eligible: boolean;
}

export class NotificationPublisher {
  private seen = new Map<string, ListingSeen>();
  private feedsNotified = new Set<string>();
  private scheduled = false;
  private closed = false;
  /** Notifications put on queues, by type (for the control API and benches). */
  readonly sent: Record<string, number> = {};

  constructor(
    private readonly world: AmazonWorld,
    private readonly sqs: SqsService,
  ) {
    world.onChange(() => this.schedule());
  }

  /** Forget what was seen (reset / restore): the next scan takes the world as its baseline. */
  reset(): void {
    this.seen.clear();
    this.feedsNotified = new Set(Object.values(this.world.state.feeds).filter((f) => FEED_DONE.has(f.processingStatus)).map((f) => f.feedId));
  }

  close(): void {
    this.closed = true;
  }

  /** One scan per turn of the event loop, however many changes it brought. */
  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed) this.scan();
    });
  }

  /** Compares the world with what was last seen and publishes the differences. Public for tests that step it. */
  scan(): void {
    const subs = Object.values(this.world.state.notifications?.subscriptions ?? {});
    const bySeller = new Map<string, NotificationSubscription[]>();
    for (const s of subs) {
      const list = bySeller.get(s.sellerId) ?? [];
      list.push(s);
      bySeller.set(s.sellerId, list);
    }
    this.scanFeeds(bySeller); // feeds that end with no subscriber are never announced later
    const live = new Set<string>();
    for (const [sellerId, sellerSubs] of bySeller) {
      const wantsOffers = sellerSubs.some((s) => s.notificationType === 'ANY_OFFER_CHANGED');
      const wantsHealth = sellerSubs.some((s) => s.notificationType === 'PRICING_HEALTH');
      if (!wantsOffers && !wantsHealth) continue;
      const seller = this.world.state.sellers[sellerId];
      if (!seller) continue;
      const views = new Map<string, MarketView>();
      for (const listing of Object.values(seller.listings)) {
        for (const marketplaceId of Object.keys(listing.offers)) {
          const key = `${sellerId}|${offerKey(listing.asin, marketplaceId)}`;
          if (live.has(key)) continue; // two SKUs of one ASIN: one notification
          live.add(key);
          const vk = offerKey(listing.asin, marketplaceId);
          const inputs = this.inputsOf(listing.asin, marketplaceId);
          const before = this.seen.get(key);
          if (before && before.inputs === inputs) continue;
          let view = views.get(vk);
          if (!view) views.set(vk, (view = marketView(this.world, listing.asin, marketplaceId)));
          const own = view.offers.find((o) => o.sellerId === sellerId);
          const now: ListingSeen = {
            inputs,
            offers: view.offers.map((o) => `${o.sellerId}:${minorOf(o.price)}:${minorOf(o.shipping)}:${o.condition}`).join(','),
            winner: view.winner?.sellerId ?? '',
            eligible: !!own && this.eligible(listing.asin, marketplaceId, own, view),
          };
          this.seen.set(key, now);
          if (!before) continue; // the baseline: nothing changed yet
          if (wantsOffers && (before.offers !== now.offers || before.winner !== now.winner)) {
            const type = before.winner !== now.winner ? 'Featured Offer' : 'External';
            this.publish(sellerSubs, 'ANY_OFFER_CHANGED', anyOfferChanged(this.world, sellerId, listing.asin, marketplaceId, view, type));
          }
          if (wantsHealth && before.eligible && !now.eligible && own) {
            this.publish(sellerSubs, 'PRICING_HEALTH', pricingHealth(this.world, sellerId, listing.asin, marketplaceId, own, view));
          }
        }
      }
    }
    for (const key of this.seen.keys()) if (!live.has(key)) this.seen.delete(key);
  }

  /** What the offers on an ASIN in a marketplace are made of, as a string: far cheaper than building them. */
  private inputsOf(asin: string, marketplaceId: string): string {
    const k = offerKey(asin, marketplaceId);
    let out = `${this.world.state.buyBoxOverrides[k] ?? ''}|`;
    for (const { seller, listing } of this.world.listingsOfAsin(asin)) {
      const offer = listing.offers[marketplaceId];
      if (offer) out += `${seller.sellerId}:${offer.price.minor}:${offer.status.join('+')}:${listing.conditionType}:${listing.fulfillmentChannelCode},`;
    }
    for (const c of this.world.state.competitors[k] ?? []) {
      out += `${c.sellerId}:${c.price.minor}:${c.shipping.minor}:${c.condition}:${c.fulfillment}:${c.feedbackPercent}:${c.feedbackCount},`;
    }
    const list = this.world.state.catalog[asin]?.listPrices[marketplaceId];
    return list ? `${out}|${list.minor}` : out;
  }

  /** Buy Box eligibility of the seller's own offer: eligible by the model, Buy Box not suppressed, price at or under the reference price. */
  private eligible(asin: string, marketplaceId: string, own: MarketOffer, view: MarketView): boolean {
    if (!isFeaturedMerchant(own)) return false;
    if (this.world.state.buyBoxOverrides[offerKey(asin, marketplaceId)] === 'none') return false;
    const reference = referencePrice(this.world, asin, marketplaceId, view.offers);
    return !reference || reference.currency !== own.landed.currency || comparePrices(own.landed, reference) <= 0;
  }

  private scanFeeds(bySeller: Map<string, NotificationSubscription[]>): void {
    for (const feed of Object.values(this.world.state.feeds)) {
      if (!FEED_DONE.has(feed.processingStatus) || this.feedsNotified.has(feed.feedId)) continue;
      this.feedsNotified.add(feed.feedId);
      const subs = bySeller.get(feed.sellerId);
      if (subs) this.publish(subs, 'FEED_PROCESSING_FINISHED', feedProcessingFinished(this.world, feed));
    }
  }

  private publish(subs: NotificationSubscription[], type: string, body: NotificationBody): void {
    const state = notificationsState(this.world);
    for (const sub of subs) {
      if (sub.notificationType !== type) continue;
      const destination = state.destinations[sub.destinationId];
      const queue = destination ? this.sqs.byArn(destination.sqsArn) : undefined;
      if (!queue) {
        this.world.log({ platform: 'amazon', kind: 'event', detail: { notificationDropped: type, subscriptionId: sub.subscriptionId, reason: 'destination queue missing' } });
        continue;
      }
      const app = Object.values(this.world.state.apps).find((a) => a.clientId === sub.clientId);
      const publishTime = new Date(this.world.now()).toISOString();
      const metadata = { applicationId: app?.applicationId ?? sub.clientId, subscriptionId: sub.subscriptionId, publishTime, notificationId: randomUUID() };
      const envelope = body.pascal
        ? {
            NotificationVersion: '1.0',
            NotificationType: body.notificationType,
            PayloadVersion: body.payloadVersion,
            EventTime: body.eventTime,
            Payload: body.payload,
            NotificationMetadata: {
              ApplicationId: metadata.applicationId,
              SubscriptionId: metadata.subscriptionId,
              PublishTime: metadata.publishTime,
              NotificationId: metadata.notificationId,
            },
          }
        : {
            notificationVersion: body.payloadVersion,
            notificationType: body.notificationType,
            payloadVersion: body.payloadVersion,
            eventTime: body.eventTime,
            payload: body.payload,
            notificationMetadata: metadata,
          };
      this.sqs.send(queue, JSON.stringify(envelope), { deliver: true });
      this.sent[type] = (this.sent[type] ?? 0) + 1;
      this.world.log({ platform: 'amazon', kind: 'event', detail: { notification: type, subscriptionId: sub.subscriptionId, notificationId: metadata.notificationId } });
    }
  }
}
