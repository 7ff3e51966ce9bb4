// A feed's life: IN_QUEUE → IN_PROGRESS → DONE (or FATAL, or CANCELLED while queued), over delays on the
// sandbox clock. JSON_LISTINGS_FEED is processed for real; the XML and flat-file listing feeds Amazon
// retired on 2025-07-31 end FATAL. Faults from the control API can hold a feed, fail it or drop its report.
import { gzipSync } from 'node:zlib';
import type { Region } from '../marketplaces';
import type { Feed, FeedFault, Seller } from '../state';
import type { AmazonWorld } from '../world';
import { createDocument } from './documents';
import { processJsonListingsFeed } from './json-listings-feed';

/** Listing feeds Amazon removed; a submission now ends FATAL. */
export const RETIRED_FEED_TYPES = new Set([
  'POST_PRODUCT_DATA',
  'POST_INVENTORY_AVAILABILITY_DATA',
  'POST_PRODUCT_OVERRIDES_DATA',
  'POST_PRODUCT_PRICING_DATA',
  'POST_PRODUCT_IMAGE_DATA',
  'POST_PRODUCT_RELATIONSHIP_DATA',
  'POST_FLAT_FILE_INVLOADER_DATA',
  'POST_FLAT_FILE_LISTINGS_DATA',
  'POST_FLAT_FILE_BOOKLOADER_DATA',
  'POST_FLAT_FILE_CONVERGENCE_LISTINGS_DATA',
  'POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA',
  'POST_UIEE_BOOKLOADER_DATA',
  'POST_STD_ACES_DATA',
]);

/** Feed types Amazon still accepts but the sandbox doesn't simulate (they end FATAL with a note). */
export const OTHER_FEED_TYPES = new Set([
  'POST_ORDER_ACKNOWLEDGEMENT_DATA',
  'POST_ORDER_FULFILLMENT_DATA',
  'POST_FLAT_FILE_FULFILLMENT_DATA',
  'POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA',
  'POST_PAYMENT_ADJUSTMENT_DATA',
  'POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA',
  'POST_INVOICE_CONFIRMATION_DATA',
  'POST_FBA_INBOUND_CARTON_CONTENTS',
  'POST_FLAT_FILE_FBA_CREATE_INBOUND_PLAN',
  'POST_FLAT_FILE_FBA_CREATE_REMOVAL',
  'POST_FULFILLMENT_ORDER_REQUEST_DATA',
  'POST_FULFILLMENT_ORDER_CANCELLATION_REQUEST_DATA',
  'POST_EASYSHIP_DOCUMENTS',
  'UPLOAD_VAT_INVOICE',
  'RFQ_UPLOAD_FEED',
]);

export function isKnownFeedType(feedType: string): boolean {
  return feedType === 'JSON_LISTINGS_FEED' || RETIRED_FEED_TYPES.has(feedType) || OTHER_FEED_TYPES.has(feedType);
}

export class FeedProcessor {
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  /** Feeds whose processing is under way (they read IN_PROGRESS until it ends). */
  private readonly finishing = new Set<string>();
  /** Bumped by close(): processing started before it is abandoned (the state it works on is gone). */
  private generation = 0;

  constructor(private readonly world: AmazonWorld) {}

  create(seller: Seller, region: Region, spec: { feedType: string; marketplaceIds: string[]; inputFeedDocumentId: string; feedOptions?: Record<string, string> }): Feed {
    const world = this.world;
    const now = world.now();
    const feed: Feed = {
      feedId: String(world.state.nextFeedId++),
      sellerId: seller.sellerId,
      region,
      feedType: spec.feedType,
      marketplaceIds: spec.marketplaceIds,
      inputFeedDocumentId: spec.inputFeedDocumentId,
      ...(spec.feedOptions ? { feedOptions: spec.feedOptions } : {}),
      createdTime: new Date(now).toISOString(),
      processingStatus: 'IN_QUEUE',
      startAt: now + world.ms(world.options.feedQueueSeconds),
      doneAt: now + world.ms(world.options.feedQueueSeconds + world.options.feedProcessingSeconds),
    };
    const next = world.faults.nextFeedFault;
    if (next) {
      feed.fault = next.fault;
      if (--next.remaining <= 0) world.faults.nextFeedFault = undefined;
    }
    world.state.feeds[feed.feedId] = feed;
    world.changed();
    world.log({ platform: 'amazon', kind: 'feed', detail: { feedId: feed.feedId, feedType: feed.feedType, status: feed.processingStatus } });
    this.schedule(feed);
    return feed;
  }

  /** Brings a feed's status up to the sandbox clock (timers do the same; reads never lag behind them). */
  advance(feed: Feed): Feed {
    const now = this.world.now();
    if (feed.processingStatus === 'IN_QUEUE' && now >= feed.startAt) {
      feed.processingStatus = 'IN_PROGRESS';
      feed.processingStartTime = new Date(feed.startAt).toISOString();
      this.world.changed();
      this.world.log({ platform: 'amazon', kind: 'feed', detail: { feedId: feed.feedId, status: feed.processingStatus } });
    }
    if (feed.processingStatus === 'IN_PROGRESS' && now >= feed.doneAt && feed.fault !== 'stall' && !this.finishing.has(feed.feedId)) {
      this.finishing.add(feed.feedId);
      const generation = this.generation;
      this.finish(feed, generation)
        .catch((e: unknown) => console.error(`[sandbox] amazon feed ${feed.feedId} processing failed`, e))
        .finally(() => {
          if (generation === this.generation) this.finishing.delete(feed.feedId);
        });
    }
    return feed;
  }

  cancel(feed: Feed): boolean {
    this.advance(feed);
    if (feed.processingStatus !== 'IN_QUEUE') return false;
    feed.processingStatus = 'CANCELLED';
    this.clear(feed.feedId);
    this.world.changed();
    this.world.log({ platform: 'amazon', kind: 'feed', detail: { feedId: feed.feedId, status: feed.processingStatus } });
    return true;
  }

  /** Sets or clears a fault on a feed; clearing a held feed lets it finish. */
  setFault(feed: Feed, fault: FeedFault | undefined): void {
    feed.fault = fault;
    this.world.changed();
    this.advance(feed);
  }

  schedule(feed: Feed): void {
    this.clear(feed.feedId);
    if (!['IN_QUEUE', 'IN_PROGRESS'].includes(feed.processingStatus)) return;
    const now = this.world.now();
    const timers = [feed.startAt, feed.doneAt]
      .filter((at) => at >= now)
      .map((at) => {
        const t = setTimeout(() => this.advance(feed), Math.max(0, at - now) + 1);
        t.unref();
        return t;
      });
    this.timers.set(feed.feedId, timers);
    this.advance(feed);
  }

  restoreAll(): void {
    for (const feed of Object.values(this.world.state.feeds)) this.schedule(feed);
  }

  close(): void {
    for (const id of [...this.timers.keys()]) this.clear(id);
    this.generation++;
    this.finishing.clear();
  }

  /** Resolves once no feed is being processed (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.finishing.size) await new Promise((r) => setTimeout(r, 5));
  }

  private clear(feedId: string): void {
    for (const t of this.timers.get(feedId) ?? []) clearTimeout(t);
    this.timers.delete(feedId);
  }

  private async finish(feed: Feed, generation: number): Promise<void> {
    const world = this.world;
    const current = () => generation === this.generation && world.state.feeds[feed.feedId] === feed;
    const seller = world.state.sellers[feed.sellerId];
    const end = () => {
      feed.processingEndTime = new Date(Math.max(world.now(), feed.doneAt)).toISOString();
      this.clear(feed.feedId);
      world.changed();
      world.log({ platform: 'amazon', kind: 'feed', detail: { feedId: feed.feedId, status: feed.processingStatus, resultFeedDocumentId: feed.resultFeedDocumentId } });
    };
    if (feed.fault === 'fatal' || !seller) {
      feed.processingStatus = 'FATAL';
      return end();
    }
    const input = world.state.documents[feed.inputFeedDocumentId];
    const content = input?.content !== undefined ? Buffer.from(input.content, 'base64') : undefined;
    let status: 'DONE' | 'FATAL';
    let report: Buffer;
    let contentType: string;
    if (feed.feedType === 'JSON_LISTINGS_FEED') {
      const pause = () => new Promise<boolean>((resolve) => setImmediate(() => resolve(current())));
      const outcome = await processJsonListingsFeed(world, feed, seller, content, pause);
      if (!outcome || !current()) return;
      status = outcome.status;
      report = Buffer.from(JSON.stringify(outcome.report));
      contentType = 'application/json; charset=UTF-8';
    } else {
      status = 'FATAL';
      contentType = 'text/plain; charset=UTF-8';
      const reason = RETIRED_FEED_TYPES.has(feed.feedType)
        ? `Feed type ${feed.feedType} is no longer supported. Submit listings and prices with JSON_LISTINGS_FEED or the Listings Items API.`
        : `Feed type ${feed.feedType} is not simulated by the Calibrate sandbox.`;
      report = Buffer.from(`Feed Processing Summary:\n\tFeed ID: ${feed.feedId}\n\tStatus: FATAL\n\tError: ${reason}\n`);
    }
    feed.processingStatus = status;
    if (feed.fault !== 'no-report') {
      const large = report.length > world.options.reportGzipThresholdBytes;
      const doc = createDocument(world, {
        region: feed.region,
        sellerId: feed.sellerId,
        contentType,
        kind: 'result',
        content: large ? gzipSync(report) : report,
        ...(large ? { compression: 'GZIP' as const } : {}),
      });
      feed.resultFeedDocumentId = doc.feedDocumentId;
    }
    end();
  }
}
