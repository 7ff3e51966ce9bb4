// Amazon notifications end to end, run on SQLite and PostgreSQL: the service subscribes a seller when a shop
// connects it (destination once per app and region) and unsubscribes it when no shop holds it; its consumer
// reads the sandbox's SQS queue with @aws-sdk/client-sqs; a competitor's move reaches the app as an offer
// change through the signed connector route; duplicates and out-of-order notifications are dropped; bad
// messages go to the dead-letter queue while the consumer carries on; an unreachable queue turns the channel
// down, feeds are still settled by polling, and it recovers on its own; FEED_PROCESSING_FINISHED settles a
// feed before the poller would; PRICING_HEALTH (our offer above the reference price) reaches the app as a
// pricing-health item of the same stream, only when asked for, once however often it is delivered.
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, DeleteMessageCommand, PurgeQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { money, type OfferChange, type PricingHealthChange, type RemoteConnector } from '@calibr/shared-contracts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { feedJobs } from '../src/feeds/feed-jobs';
import { SubscriptionWorker } from '../src/notifications/subscription-worker';
import { DEMO_SELLER, NOTIFICATIONS_QUEUE, US, control, remoteConnector, sandboxSqs, startHarness, waitFor, json, type Harness } from './support/harness';

const ASIN = 'B001VTSF4H';

interface SandboxOffer {
  sellerId: string;
  price: string;
  sku?: string;
}

export function notificationSuite(provider: 'sqlite' | 'postgresql'): void {
  let h: Harness;
  let sqs: SQSClient;
  let shop: RemoteConnector;
  let queueUrl = '';
  let dlqUrl = '';
  const SHOP = `notifications-${provider}.myshopify.com`;
  const OTHER_SHOP = `notifications-other-${provider}.myshopify.com`;

  const credentials = () => {
    const seller = h.sellers.find((s) => s.sellerId === DEMO_SELLER)!;
    return { platform: 'amazon' as const, sellingPartnerId: DEMO_SELLER, refreshToken: seller.lwa.refreshToken, region: 'na' as const, marketplaceIds: [US] };
  };
  const sandboxSubscriptions = async () =>
    (await control<{ subscriptions: { sellerId: string; notificationType: string }[] }>(h.sandbox, 'notifications')).subscriptions.filter((s) => s.sellerId === DEMO_SELLER);
  const rivals = async (asin = ASIN) =>
    (await control<{ offers: SandboxOffer[] }>(h.sandbox, `offers?asin=${asin}&marketplaceId=${US}`)).offers.filter((o) => o.sellerId !== DEMO_SELLER);
  /** A competitor's new price on the ASIN (a cent lower each time, so each move is a change). */
  async function moveCompetitor(asin = ASIN): Promise<{ sellerId: string; price: string }> {
    const rival = (await rivals(asin))[0]!;
    const price = (Number(rival.price) - 0.01).toFixed(2);
    await control(h.sandbox, 'competitors/price', { asin, marketplaceId: US, sellerId: rival.sellerId, price });
    return { sellerId: rival.sellerId, price };
  }
  /** The newest cursor of the shop's feed. */
  async function tail(connector = shop): Promise<string | null> {
    let cursor: string | null = null;
    for (;;) {
      const page = await connector.pricing.getOfferChanges!({ after: cursor });
      if (page.changes.length === 0) return cursor;
      cursor = page.cursor;
    }
  }
  /** Long-polls the shop's feed from `after` until `accept` finds what it waits for. */
  async function changesUntil(after: string | null, accept: (changes: OfferChange[]) => boolean, connector = shop): Promise<OfferChange[]> {
    const seen: OfferChange[] = [];
    let cursor = after;
    await waitFor(
      'offer changes',
      async () => {
        const page = await connector.pricing.getOfferChanges!({ after: cursor, waitSeconds: 2 });
        seen.push(...page.changes);
        cursor = page.cursor;
        return accept(seen);
      },
      30_000,
      0,
    );
    return seen;
  }
  const readyz = async () => json<{ notifications: { state: string; counts: Record<string, number>; lag: Record<string, unknown> } }>(await fetch(`${h.service.url}/readyz`));
  const channel = () => h.service.ctx.notifications;
  const dlqCount = async () =>
    Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!.ApproximateNumberOfMessages);

  beforeAll(async () => {
    // 10x: the queue's 10 s visibility timeout is 1 s, a 20 s long poll 2 s.
    h = await startHarness({ provider, sandbox: { timeScale: 10 }, service: { timeScale: 10 }, notifications: { visibilityTimeoutSeconds: 10 } });
    sqs = sandboxSqs(h.sandbox);
    const queues = await control<{ queues: { name: string; url: string }[] }>(h.sandbox, 'sqs/queues');
    queueUrl = queues.queues.find((q) => q.name === NOTIFICATIONS_QUEUE)!.url;
    dlqUrl = queues.queues.find((q) => q.name === `${NOTIFICATIONS_QUEUE}-dlq`)!.url;
    shop = await remoteConnector(h, SHOP);
    await shop.authenticate(credentials());
  }, 60_000);
  afterAll(async () => {
    sqs?.destroy();
    await h?.close();
  });
  beforeEach(async () => {
    await control(h.sandbox, 'sqs/faults', undefined, 'DELETE');
  });

  describe('subscriptions follow connections', () => {
    it('connecting a seller makes the destination once and subscribes the seller to the three types; connecting again adds nothing', async () => {
      const stored = await waitFor('the subscriptions', async () => {
        const rows = await h.database.db.amazonNotificationSubscription.findMany({ where: { sellingPartnerId: DEMO_SELLER } });
        return rows.length === 3 && rows;
      });
      expect(stored.map((r) => [r.notificationType, r.payloadVersion]).sort()).toEqual([
        ['ANY_OFFER_CHANGED', '1.0'],
        ['FEED_PROCESSING_FINISHED', '2020-09-04'],
        ['PRICING_HEALTH', '1.0'],
      ]);
      expect((await sandboxSubscriptions()).map((s) => s.notificationType).sort()).toEqual(['ANY_OFFER_CHANGED', 'FEED_PROCESSING_FINISHED', 'PRICING_HEALTH']);
      // Again, and a second shop with the same seller: the same destination, no second subscription.
      await shop.authenticate(credentials());
      const other = await remoteConnector(h, OTHER_SHOP);
      await other.authenticate(credentials());
      await waitFor('the subscribe jobs to finish', async () => (await h.database.db.amazonJob.count({ where: { queue: 'amazon.notifications', status: { in: ['queued', 'running'] } } })) === 0);
      expect(await sandboxSubscriptions()).toHaveLength(3);
      const { destinations } = await control<{ destinations: unknown[] }>(h.sandbox, 'notifications');
      expect(destinations).toHaveLength(1);
      expect(await h.database.db.amazonNotificationDestination.count()).toBe(1);
      expect((await shop.pricing.getOfferChanges!({})).status.state).toBe('live');
    });

    it('a connect whose answers were lost finds what Amazon holds: the destination by getDestinations, the subscriptions by 409 and getSubscription', async () => {
      const before = await h.database.db.amazonNotificationSubscription.findMany({ where: { sellingPartnerId: DEMO_SELLER }, orderBy: { notificationType: 'asc' } });
      const destination = await h.database.db.amazonNotificationDestination.findFirstOrThrow();
      // As if the service never recorded Amazon's answers.
      await h.database.db.amazonNotificationSubscription.deleteMany({ where: { sellingPartnerId: DEMO_SELLER } });
      await h.database.db.amazonNotificationDestination.deleteMany();
      await shop.authenticate(credentials());
      const after = await waitFor('the subscriptions recorded again', async () => {
        const rows = await h.database.db.amazonNotificationSubscription.findMany({ where: { sellingPartnerId: DEMO_SELLER }, orderBy: { notificationType: 'asc' } });
        return rows.length === 3 && rows;
      });
      expect(after.map((r) => r.subscriptionId)).toEqual(before.map((r) => r.subscriptionId));
      expect((await h.database.db.amazonNotificationDestination.findFirstOrThrow()).destinationId).toBe(destination.destinationId);
      expect(await sandboxSubscriptions()).toHaveLength(3);
      expect((await control<{ destinations: unknown[] }>(h.sandbox, 'notifications')).destinations).toHaveLength(1);
    });
  });

  describe('offer changes', () => {
    it("a competitor's move reaches the shop through the signed connector route, with the offers after it and ours marked", async () => {
      const after = await tail();
      const moved = await moveCompetitor();
      const changes = await changesUntil(after, (c) => c.some((x) => x.listing.offers.some((o) => o.sellerId === moved.sellerId && o.landed.amount === moved.price)));
      const change = changes.find((x) => x.listing.offers.some((o) => o.sellerId === moved.sellerId && o.landed.amount === moved.price))!;
      expect(change.listing).toMatchObject({ itemId: ASIN, marketplaceId: US, currency: 'USD' });
      expect(change.listing.offers.find((o) => o.sellerId === DEMO_SELLER)?.isOurs).toBe(true);
      expect(change.listing.offers.filter((o) => o.isOurs).every((o) => o.sellerId === DEMO_SELLER)).toBe(true);
      expect(change.notificationId).toMatch(/^[0-9a-f-]{36}$/);
      // The other shop holding the seller gets its own copy; reading consumes nothing.
      const other = await remoteConnector(h, OTHER_SHOP);
      expect((await other.pricing.getOfferChanges!({})).changes.some((x) => x.notificationId === change.notificationId)).toBe(true);
      const again = await shop.pricing.getOfferChanges!({ after });
      expect(again.changes.slice(0, changes.length).map((x) => x.cursor)).toEqual(changes.map((x) => x.cursor));
      const detail = (await readyz()).notifications;
      expect(detail.state).toBe('live');
      expect(detail.counts.processed).toBeGreaterThan(0);
    });

    it('a notification delivered twice is kept once', async () => {
      const before = channel().counts.duplicates;
      await control(h.sandbox, 'sqs/faults', { duplicateNext: 1 });
      const after = await tail();
      const moved = await moveCompetitor();
      const changes = await changesUntil(after, (c) => c.some((x) => x.listing.offers.some((o) => o.sellerId === moved.sellerId && o.landed.amount === moved.price)));
      await waitFor('the duplicate to be dropped', async () => channel().counts.duplicates > before);
      const kept = (await shop.pricing.getOfferChanges!({ after })).changes;
      const ids = kept.map((x) => x.notificationId);
      expect(new Set(ids).size).toBe(ids.length);
      const moves = kept.filter((x) => x.listing.offers.some((o) => o.sellerId === moved.sellerId && o.landed.amount === moved.price));
      expect(moves.length).toBeGreaterThan(0);
      // The shop saw this item before: the move is told apart as a competitor's.
      expect(moves[0]!.cause).toBe('competitor');
      // The notification delivered twice is one change, however often it was read.
      expect(kept.filter((x) => x.notificationId === moves[0]!.notificationId)).toHaveLength(1);
      expect(changes.filter((x) => x.notificationId === moves[0]!.notificationId)).toHaveLength(1);
    });

    it('an older notification arriving after a newer one for the same ASIN is dropped as stale', async () => {
      const stale = channel().counts.stale;
      const after = await tail();
      // Two moves while the queue can't be read, then handed out newest first.
      await control(h.sandbox, 'sqs/faults', { unreachable: '503' });
      await waitFor('the channel to go down', async () => channel().state === 'down');
      const first = await moveCompetitor();
      const second = await moveCompetitor();
      await control(h.sandbox, 'sqs/faults', { unreachable: 'off', outOfOrder: true });
      await waitFor('the older change to be dropped', async () => channel().counts.stale > stale);
      const changes = (await shop.pricing.getOfferChanges!({ after })).changes.filter((x) => x.listing.itemId === ASIN);
      expect(changes.some((x) => x.listing.offers.some((o) => o.sellerId === second.sellerId && o.landed.amount === second.price))).toBe(true);
      expect(changes.some((x) => x.listing.offers.some((o) => o.sellerId === first.sellerId && o.landed.amount === first.price))).toBe(false);
    });
  });

  describe('pricing health', () => {
    const ours = async () => (await control<{ offers: SandboxOffer[] }>(h.sandbox, `offers?asin=${ASIN}&marketplaceId=${US}`)).offers.find((o) => o.sellerId === DEMO_SELLER)!;
    /** The reference price moves: under our price (a cent under each time) makes our offer lose Buy Box eligibility. */
    async function referencePrice(price: string | null): Promise<void> {
      await control(h.sandbox, 'catalog/reference-price', { asin: ASIN, marketplaceId: US, price });
    }
    /** The newest cursor of the stream, pricing health included. */
    async function tailWithHealth(): Promise<string | null> {
      let cursor: string | null = null;
      for (;;) {
        const page = await shop.pricing.getOfferChanges!({ after: cursor, include: ['pricingHealth'] });
        if (page.changes.length === 0 && (page.pricingHealth ?? []).length === 0) return cursor;
        cursor = page.cursor;
      }
    }
    async function healthUntil(after: string | null, accept: (items: PricingHealthChange[]) => boolean): Promise<PricingHealthChange[]> {
      const seen: PricingHealthChange[] = [];
      let cursor = after;
      await waitFor(
        'pricing health',
        async () => {
          const page = await shop.pricing.getOfferChanges!({ after: cursor, waitSeconds: 2, include: ['pricingHealth'] });
          seen.push(...(page.pricingHealth ?? []));
          cursor = page.cursor;
          return accept(seen);
        },
        30_000,
        0,
      );
      return seen;
    }
    afterAll(async () => {
      // Eligible again for the suites after this one: the reference far above every offer.
      await referencePrice('999.00');
    });

    it('our price above the reference price: Amazon says so, validated against its schema, and the shop reads it only when it asks', async () => {
      expect(shop.capabilities.pricingHealth).toBe(true);
      await referencePrice('999.00');
      const after = await tailWithHealth();
      const processed = channel().counts.processed;
      const own = await ours();
      const reference = (Number(own.price) - 1).toFixed(2);
      await referencePrice(reference);
      const items = await healthUntil(after, (x) => x.some((i) => i.itemId === ASIN));
      const item = items.find((i) => i.itemId === ASIN)!;
      expect(item).toMatchObject({
        marketplaceId: US,
        issue: 'BuyBoxDisqualification',
        exceeded: { kind: 'competitivePrice', price: money(reference, 'USD') },
      });
      // Our landed price as Amazon judged it, a decimal string: at least the listing price.
      expect(item.ourPrice.currency).toBe('USD');
      expect(item.ourPrice.amount).toMatch(/^\d+\.\d{2}$/);
      expect(item.referencePrices).toEqual(expect.arrayContaining([{ kind: 'competitivePrice', price: money(reference, 'USD') }, { kind: 'msrp', price: money(reference, 'USD') }]));
      expect(item.notificationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(channel().counts.processed).toBeGreaterThan(processed);
      // The stored copy passed Amazon's schema; asked without include, the same stretch has no trace of it.
      const plain = await shop.pricing.getOfferChanges!({ after });
      expect(plain).not.toHaveProperty('pricingHealth');
      expect(plain.changes.some((c) => c.notificationId === item.notificationId || c.cursor === item.cursor)).toBe(false);
      // The other shop holding the seller gets its own copy.
      const other = await remoteConnector(h, OTHER_SHOP);
      expect((await other.pricing.getOfferChanges!({ include: ['pricingHealth'] })).pricingHealth!.some((i) => i.notificationId === item.notificationId)).toBe(true);
    });

    it('a PRICING_HEALTH delivered twice is kept once', async () => {
      await referencePrice('999.00');
      const after = await tailWithHealth();
      const before = channel().counts.duplicates;
      await control(h.sandbox, 'sqs/faults', { duplicateNext: 1 });
      const reference = (Number((await ours()).price) - 2).toFixed(2);
      await referencePrice(reference);
      await healthUntil(after, (x) => x.some((i) => i.exceeded?.price.amount === reference));
      await waitFor('the duplicate to be dropped', async () => channel().counts.duplicates > before);
      const kept = (await shop.pricing.getOfferChanges!({ after, include: ['pricingHealth'] })).pricingHealth!.filter((i) => i.exceeded?.price.amount === reference);
      expect(kept).toHaveLength(1);
    });
  });

  it('refuses a cursor it did not issue, and more than 500 changes a page', async () => {
    await expect(shop.pricing.getOfferChanges!({ after: 'not-a-cursor' })).rejects.toMatchObject({ code: 'validation' });
    await expect(shop.pricing.getOfferChanges!({ limit: 501 })).rejects.toMatchObject({ code: 'validation' });
  });

  describe('bad messages', () => {
    it('not JSON, not an object, a type not consumed, failing the schema or naming an unknown seller: left to the dead-letter queue while the consumer keeps going', async () => {
      // A real notification, taken off the queue while the service's consumer is stopped, with another seller in it.
      await h.service.consumer!.stop();
      const moved = await moveCompetitor();
      let real: Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
      await waitFor('the notification on the queue', async () => {
        const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of got.Messages ?? []) {
          const body = JSON.parse(m.Body!);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
          if (body.Payload?.AnyOfferChangedNotification?.Offers?.some((o: { SellerId: string; ListingPrice: { Amount: number } }) => o.SellerId === moved.sellerId && o.ListingPrice.Amount === Number(moved.price))) real = body;
        }
        return real;
      });
      const stranger = structuredClone(real!);
      stranger.Payload.AnyOfferChangedNotification.SellerId = 'A0UNKNOWNSELLER';
      stranger.NotificationMetadata.NotificationId = crypto.randomUUID();
      const noSchema = { NotificationType: 'ANY_OFFER_CHANGED', NotificationMetadata: { NotificationId: crypto.randomUUID() } };
      const otherType = { notificationType: 'LISTINGS_ITEM_STATUS_CHANGE', notificationMetadata: { notificationId: crypto.randomUUID() } };
      for (const body of ['{not json', '42', JSON.stringify(otherType), JSON.stringify(noSchema), JSON.stringify(stranger)]) {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      }
      await h.restart();
      shop = await remoteConnector(h, SHOP);
      const after = await tail();
      // Each is received maxReceiveCount (3) times, one visibility timeout apart, then moved on the next receive.
      await waitFor('the five bad messages in the dead-letter queue', async () => (await dlqCount()) >= 5, 30_000, 200);
      // The restarted service counts from zero: its own receives of the five.
      expect(channel().counts.invalid).toBeGreaterThanOrEqual(4);
      expect(channel().counts.unknownSeller).toBeGreaterThanOrEqual(1);
      // Still consuming.
      const next = await moveCompetitor();
      await changesUntil(after, (c) => c.some((x) => x.listing.offers.some((o) => o.sellerId === next.sellerId && o.landed.amount === next.price)));
      expect(channel().state).toBe('live');
      await sqs.send(new PurgeQueueCommand({ QueueUrl: dlqUrl }));
    }, 60_000);
  });

  describe('the queue down', () => {
    it('turns the channel down (readyz, getOfferChanges), feeds still settle by polling, and it recovers on its own', async () => {
      await control(h.sandbox, 'sqs/faults', { unreachable: 'reset' });
      await waitFor('the channel to go down', async () => (await shop.pricing.getOfferChanges!({})).status.state === 'down');
      const detail = (await readyz()).notifications;
      expect(detail.state).toBe('down');
      expect(detail.counts.receiveErrors).toBeGreaterThan(0);
      // A feed of 6 prices (more than the patch path takes) settles by polling getFeed meanwhile.
      const { listings } = await control<{ listings: { sku: string; offers: { marketplaceId: string; price?: string }[] }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
      const skus = listings.filter((l) => l.offers.some((o) => o.marketplaceId === US)).slice(0, 6);
      const prices = await Promise.all(skus.map(async (l) => (await shop.pricing.getPrice(l.sku, { marketplaceId: US })).price));
      const keys = skus.map((l) => `queue-down-${provider}-${l.sku}-${Date.now()}`);
      const batch = await shop.pricing.batchUpdatePrices(
        skus.map((l, i) => ({ idempotencyKey: keys[i]!, externalId: l.sku, marketplaceId: US, price: money((Number(prices[i]!.amount) + 0.5).toFixed(2), 'USD') })),
      );
      expect(batch.summary.pending).toBe(6);
      await waitFor('the feed to settle by polling', async () => {
        const { results } = await shop.pricing.getUpdateResults!(keys);
        return results.every((r) => r?.status === 'applied');
      }, 30_000, 200);
      expect(channel().state).toBe('down');
      // Recovery: the queue answers again, the channel is live and changes flow (those published meanwhile too).
      const after = await tail();
      const moved = await moveCompetitor();
      await control(h.sandbox, 'sqs/faults', { unreachable: 'off' });
      await changesUntil(after, (c) => c.some((x) => x.listing.offers.some((o) => o.sellerId === moved.sellerId && o.landed.amount === moved.price)));
      expect((await shop.pricing.getOfferChanges!({})).status.state).toBe('live');
      expect((await readyz()).notifications.state).toBe('live');
    }, 60_000);
  });

  describe('FEED_PROCESSING_FINISHED', () => {
    it('settles a feed at once, long before the poller would look', async () => {
      // The poller's first look a minute after submission: only the notification can settle it sooner.
      await h.restart({ feedTiming: { firstPollMs: 60_000, maxPollMs: 120_000 } });
      shop = await remoteConnector(h, SHOP);
      const { listings } = await control<{ listings: { sku: string; offers: { marketplaceId: string }[] }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
      const skus = listings.filter((l) => l.offers.some((o) => o.marketplaceId === US)).slice(6, 12);
      const prices = await Promise.all(skus.map(async (l) => (await shop.pricing.getPrice(l.sku, { marketplaceId: US })).price));
      const keys = skus.map((l) => `feed-finished-${provider}-${l.sku}-${Date.now()}`);
      const submitted = Date.now();
      const batch = await shop.pricing.batchUpdatePrices(
        skus.map((l, i) => ({ idempotencyKey: keys[i]!, externalId: l.sku, marketplaceId: US, price: money((Number(prices[i]!.amount) + 0.25).toFixed(2), 'USD') })),
      );
      const feedId = batch.platformReference!.id;
      const feed = await waitFor(
        'the feed settled from its processing report',
        async () => {
          const row = await h.database.db.amazonPriceFeed.findFirst({ where: { OR: [{ id: feedId }, { feedId }] } });
          return row?.resultFeedDocumentId ? row : undefined;
        },
        30_000,
        100,
      );
      expect(['VERIFYING', 'DONE']).toContain(feed.status);
      // Well before the poller's first look (60 s after submission).
      expect(Date.now() - submitted).toBeLessThan(60_000);
      expect(channel().counts.processed).toBeGreaterThan(0);
    }, 60_000);
  });

  describe('disconnecting', () => {
    it('keeps the subscriptions while another shop holds the seller, deletes them when none does', async () => {
      // Erasing the other shop takes its offer changes with it, not the subscriptions the first shop still needs.
      const other = await remoteConnector(h, OTHER_SHOP);
      const kept = (await other.pricing.getOfferChanges!({})).changes.length;
      expect(kept).toBeGreaterThan(0);
      // (Prices going live from the feed tests may still bring a change or two meanwhile.)
      const { erased } = await other.eraseTenant!();
      expect(erased.AmazonIntegration).toBe(1);
      expect(erased.AmazonOfferChange).toBeGreaterThanOrEqual(kept);
      expect((await other.pricing.getOfferChanges!({})).changes).toEqual([]);
      await waitFor('the unsubscribe job to finish', async () => (await h.database.db.amazonJob.count({ where: { queue: 'amazon.notifications', status: { in: ['queued', 'running'] } } })) === 0);
      expect(await sandboxSubscriptions()).toHaveLength(3);
      await shop.disconnect();
      await waitFor('the unsubscribe job to finish', async () => (await h.database.db.amazonJob.count({ where: { queue: 'amazon.notifications', status: { in: ['queued', 'running'] } } })) === 0);
      expect(await sandboxSubscriptions()).toEqual([]);
      expect(await h.database.db.amazonNotificationSubscription.count({ where: { sellingPartnerId: DEMO_SELLER } })).toBe(0);
      // Kept changes stay readable; the channel is off for a shop with no subscribed seller.
      expect((await shop.pricing.getOfferChanges!({})).status.state).toBe('off');
    });
  });

  describe('a request while its job runs', () => {
    /** A seller (a copy of the demo seller's listings) who authorized our app, and its refresh token. */
    async function ourAppSeller(sellerId: string): Promise<{ sellerId: string; refreshToken: string }> {
      const { refreshToken } = await control<{ refreshToken: string }>(h.sandbox, 'sellers', { sellerId, copyListingsFrom: DEMO_SELLER, applicationId: h.app.applicationId });
      return { sellerId, refreshToken };
    }
    async function connect(shopDomain: string, seller: { sellerId: string; refreshToken: string }): Promise<RemoteConnector> {
      const connector = await remoteConnector(h, shopDomain);
      await connector.authenticate({ platform: 'amazon', sellingPartnerId: seller.sellerId, refreshToken: seller.refreshToken, region: 'na', marketplaceIds: [US] });
      return connector;
    }
    const atAmazon = async (sellerId: string) =>
      (await control<{ subscriptions: { sellerId: string; notificationType: string }[] }>(h.sandbox, 'notifications')).subscriptions.filter((s) => s.sellerId === sellerId);
    const storedCount = (sellerId: string) => h.database.db.amazonNotificationSubscription.count({ where: { sellingPartnerId: sellerId } });
    /** Every notification job of the seller finished: its unsubscribes, and its integrations' subscribes. */
    const sellerJobsDone = (sellerId: string) =>
      waitFor('the seller’s notification jobs to finish', async () => {
        const subscribes = (await h.database.db.amazonIntegration.findMany({ where: { sellingPartnerId: sellerId }, select: { id: true } })).map((r) => `subscribe:${r.id}`);
        const live = await h.database.db.amazonJob.count({
          where: { queue: 'amazon.notifications', status: { in: ['queued', 'running'] }, OR: [{ key: { startsWith: `unsubscribe:${sellerId}:` } }, { key: { in: subscribes } }] },
        });
        return live === 0;
      });

    afterEach(async () => {
      vi.restoreAllMocks();
      await fetch(`${h.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    });

    it('two shops holding one seller let go while the first unsubscribe job runs: the job runs once more and the subscriptions are deleted', async () => {
      const seller = await ourAppSeller(`A3RACEUNSUB${provider === 'sqlite' ? 'S' : 'P'}`);
      const first = await connect(`race-unsub-a-${provider}.myshopify.com`, seller);
      const second = await connect(`race-unsub-b-${provider}.myshopify.com`, seller);
      await waitFor('the subscriptions', async () => (await storedCount(seller.sellerId)) === 3);
      await sellerJobsDone(seller.sellerId);

      // The first let-go's job is held as the engine settles it: it has run (the second shop still held the
      // seller: kept) and is still running when the second shop lets go.
      const key = `unsubscribe:${seller.sellerId}:app:na`;
      const engine = feedJobs(h.service.ctx.db);
      const complete = engine.complete.bind(engine);
      let reached!: () => void;
      const settling = new Promise<void>((resolve) => (reached = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let held = false;
      vi.spyOn(engine, 'complete').mockImplementation(async (jobs, options) => {
        if (!held && [jobs].flat().some((job) => job.key === key)) {
          held = true;
          reached();
          await released;
        }
        return complete(jobs, options);
      });

      await first.disconnect();
      await settling;
      const running = await h.database.db.amazonJob.findUniqueOrThrow({ where: { queue_key: { queue: 'amazon.notifications', key } } });
      expect(running.status).toBe('running');
      await second.disconnect();
      // The second let-go's request found its job running: the engine queued nothing.
      expect(await h.database.db.amazonJob.findUniqueOrThrow({ where: { queue_key: { queue: 'amazon.notifications', key } } })).toMatchObject({ status: 'running', id: running.id });
      release();

      // (A job seen completed may still be queued again by its worker a moment later: wait for the run that deletes.)
      await waitFor('the unsubscribe job to run once more and delete', async () => {
        const job = await h.database.db.amazonJob.findUniqueOrThrow({ where: { queue_key: { queue: 'amazon.notifications', key } } });
        return job.status === 'completed' && (job.result as { deleted?: number } | null)?.deleted === 3;
      });
      await sellerJobsDone(seller.sellerId);
      expect(await atAmazon(seller.sellerId)).toEqual([]);
      expect(await storedCount(seller.sellerId)).toBe(0);
    });

    it('a shop connecting the seller while its unsubscribe job deletes at Amazon (another instance free to take the subscribe): subscribed after it', async () => {
      const seller = await ourAppSeller(`A3RACESUB${provider === 'sqlite' ? 'S' : 'P'}`);
      const shopDomain = `race-sub-${provider}.myshopify.com`;
      const connector = await connect(shopDomain, seller);
      await waitFor('the subscriptions', async () => (await storedCount(seller.sellerId)) === 3);
      await sellerJobsDone(seller.sellerId);
      // A second instance's worker on the same job table: idle while the first one's round holds the unsubscribe.
      const otherInstance = new SubscriptionWorker(h.service.ctx, { tickMs: 100 });
      otherInstance.start();
      onTestFinished(() => otherInstance.stop().then(() => undefined));

      // Amazon holds the unsubscribe job's first delete while the shop connects the seller again.
      const fault = await json<{ id: string }>(
        await fetch(`${h.sandbox.url}/_sandbox/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ platform: 'amazon', kind: 'latency', method: 'DELETE', path: '/notifications/v1/subscriptions/*', latencyMs: 5_000, count: 1 }),
        }),
      );
      await connector.disconnect();
      // A one-use fault leaves the list at its hit: the delete is being held now.
      await waitFor('the delete held at Amazon', async () =>
        (await json<{ faults: { id: string }[] }>(await fetch(`${h.sandbox.url}/_sandbox/faults`))).faults.every((f) => f.id !== fault.id),
      );
      await connect(shopDomain, seller);

      await sellerJobsDone(seller.sellerId);
      expect((await atAmazon(seller.sellerId)).map((s) => s.notificationType).sort()).toEqual(['ANY_OFFER_CHANGED', 'FEED_PROCESSING_FINISHED', 'PRICING_HEALTH']);
      expect(await storedCount(seller.sellerId)).toBe(3);
      const integration = await h.database.db.amazonIntegration.findFirstOrThrow({ where: { sellingPartnerId: seller.sellerId } });
      expect(integration.status).toBe('connected');
    });
  });

  describe("a seller's own SP-API app (self-authorization)", () => {
    interface OwnApp {
      applicationId: string;
      clientId: string;
      clientSecret: string;
    }
    /** The seller's own app in Seller Central, and a seller (a copy of the demo seller's listings) who authorized it. */
    async function ownAppSeller(sellerId: string): Promise<{ app: OwnApp; sellerId: string; refreshToken: string }> {
      const app = await control<OwnApp>(h.sandbox, 'apps', { name: `${sellerId}'s own app` });
      const { refreshToken } = await control<{ refreshToken: string }>(h.sandbox, 'sellers', { sellerId, copyListingsFrom: DEMO_SELLER, applicationId: app.applicationId });
      return { app, sellerId, refreshToken };
    }
    async function connectOwnApp(shopDomain: string, seller: { app: OwnApp; sellerId: string; refreshToken: string }): Promise<RemoteConnector> {
      const connector = await remoteConnector(h, shopDomain);
      await connector.authenticate({
        platform: 'amazon',
        sellingPartnerId: seller.sellerId,
        refreshToken: seller.refreshToken,
        region: 'na',
        marketplaceIds: [US],
        lwaClientId: seller.app.clientId,
        lwaClientSecret: seller.app.clientSecret,
      });
      return connector;
    }
    const subscriptionsAtAmazon = async (sellerId: string, clientId: string) =>
      (await control<{ subscriptions: { sellerId: string; clientId: string; notificationType: string }[] }>(h.sandbox, 'notifications')).subscriptions.filter(
        (s) => s.sellerId === sellerId && s.clientId === clientId,
      );
    /** Subscribed with the seller's own app: our three rows and Amazon's three subscriptions. */
    async function subscribed(sellerId: string, clientId: string): Promise<void> {
      await waitFor('the subscriptions', async () => (await h.database.db.amazonNotificationSubscription.count({ where: { sellingPartnerId: sellerId, lwaClientId: clientId } })) === 3);
      expect((await subscriptionsAtAmazon(sellerId, clientId)).map((s) => s.notificationType).sort()).toEqual(['ANY_OFFER_CHANGED', 'FEED_PROCESSING_FINISHED', 'PRICING_HEALTH']);
    }
    /** The unsubscribe job of the seller's own app, once it has finished. */
    const finishedUnsubscribe = (sellerId: string, clientId: string) =>
      waitFor('the unsubscribe job to finish', async () => {
        const job = await h.database.db.amazonJob.findUnique({ where: { queue_key: { queue: 'amazon.notifications', key: `unsubscribe:${sellerId}:${clientId}:na` } } });
        return job && ['completed', 'failed'].includes(job.status) && job;
      });
    /** Nothing of the seller's app secret or refresh token is stored any more. */
    async function secretsGone(sellerId: string): Promise<void> {
      expect(await h.database.db.amazonUnsubscribeCredential.count({ where: { sellingPartnerId: sellerId } })).toBe(0);
      for (const row of await h.database.db.amazonIntegration.findMany({ where: { sellingPartnerId: sellerId } })) {
        expect(row).toMatchObject({ lwaClientSecretCiphertext: null, refreshTokenCiphertext: '', accessTokenCiphertext: null });
      }
    }

    it('is subscribed with that app when connected, and unsubscribed with it when the last shop disconnects: the kept secret erased after', async () => {
      const seller = await ownAppSeller(`A3OWNAPP1${provider === 'sqlite' ? 'S' : 'P'}`);
      const connector = await connectOwnApp(`own-app-${provider}.myshopify.com`, seller);
      await subscribed(seller.sellerId, seller.app.clientId);
      // Its own app's destination (destinations are the app's), beside ours.
      expect(await h.database.db.amazonNotificationDestination.count({ where: { lwaClientId: seller.app.clientId } })).toBe(1);

      // While another shop holds the seller with the same app, a disconnect keeps the subscriptions; its kept secret goes.
      const other = await connectOwnApp(`own-app-other-${provider}.myshopify.com`, seller);
      await other.disconnect();
      const kept = await finishedUnsubscribe(seller.sellerId, seller.app.clientId);
      expect(kept).toMatchObject({ status: 'completed', result: { deleted: 0, kept: 'another shop holds the seller' } });
      expect(await subscriptionsAtAmazon(seller.sellerId, seller.app.clientId)).toHaveLength(3);
      expect(await h.database.db.amazonUnsubscribeCredential.count({ where: { sellingPartnerId: seller.sellerId } })).toBe(0);

      await connector.disconnect();
      // The disconnect forgets the integration's secrets at once.
      const integration = await h.database.db.amazonIntegration.findFirstOrThrow({ where: { sellingPartnerId: seller.sellerId } });
      expect(integration).toMatchObject({ status: 'disconnected', lwaClientSecretCiphertext: null, refreshTokenCiphertext: '' });
      const job = await finishedUnsubscribe(seller.sellerId, seller.app.clientId);
      expect(job).toMatchObject({ status: 'completed', attempts: 1, result: { deleted: 3 } });
      expect(JSON.stringify(job)).not.toContain(seller.app.clientSecret);
      expect(await subscriptionsAtAmazon(seller.sellerId, seller.app.clientId)).toEqual([]);
      expect(await h.database.db.amazonNotificationSubscription.count({ where: { sellingPartnerId: seller.sellerId } })).toBe(0);
      await secretsGone(seller.sellerId);
    });

    it('a seller who authorizes our app instead of their own: the own app unsubscribed with its kept secret, ours subscribed', async () => {
      const seller = await ownAppSeller(`A3OWNAPP5${provider === 'sqlite' ? 'S' : 'P'}`);
      const shopDomain = `own-app-switch-${provider}.myshopify.com`;
      await connectOwnApp(shopDomain, seller);
      await subscribed(seller.sellerId, seller.app.clientId);
      const { refreshToken } = await control<{ refreshToken: string }>(h.sandbox, 'authorize', { sellerId: seller.sellerId, applicationId: h.app.applicationId });
      await (await remoteConnector(h, shopDomain)).authenticate({ platform: 'amazon', sellingPartnerId: seller.sellerId, refreshToken, region: 'na', marketplaceIds: [US] });
      const job = await finishedUnsubscribe(seller.sellerId, seller.app.clientId);
      expect(job).toMatchObject({ status: 'completed', attempts: 1, result: { deleted: 3 } });
      expect(await subscriptionsAtAmazon(seller.sellerId, seller.app.clientId)).toEqual([]);
      expect(await h.database.db.amazonUnsubscribeCredential.count({ where: { sellingPartnerId: seller.sellerId } })).toBe(0);
      await subscribed(seller.sellerId, h.app.clientId);
      // The integration holds our app's authorization now, none of the seller's own app.
      expect(await h.database.db.amazonIntegration.findFirstOrThrow({ where: { sellingPartnerId: seller.sellerId } })).toMatchObject({ status: 'connected', lwaClientId: null, lwaClientSecretCiphertext: null });
    });

    it('a seller who revoked the refresh token (LWA: invalid_grant) is still unsubscribed when the shop is erased: deleting is grantless, and nothing is left', async () => {
      const seller = await ownAppSeller(`A3OWNAPP2${provider === 'sqlite' ? 'S' : 'P'}`);
      const connector = await connectOwnApp(`own-app-revoked-${provider}.myshopify.com`, seller);
      await subscribed(seller.sellerId, seller.app.clientId);
      await control(h.sandbox, 'lwa/revoke', { sellerId: seller.sellerId, clientId: seller.app.clientId });
      await control(h.sandbox, 'lwa/expire', { sellerId: seller.sellerId });
      // The service learns it at its next call for the seller: LWA answers invalid_grant.
      const sku = (await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${seller.sellerId}`)).listings[0]!.sku;
      await expect(connector.pricing.getPrice(sku, { marketplaceId: US })).rejects.toThrow();
      expect((await h.database.db.amazonIntegration.findFirstOrThrow({ where: { sellingPartnerId: seller.sellerId } })).status).toBe('needs_reconnect');

      const { erased } = await connector.eraseTenant!();
      expect(erased.AmazonIntegration).toBe(1);
      const job = await finishedUnsubscribe(seller.sellerId, seller.app.clientId);
      expect(job).toMatchObject({ status: 'completed', attempts: 1, result: { deleted: 3 } });
      expect(await subscriptionsAtAmazon(seller.sellerId, seller.app.clientId)).toEqual([]);
      expect(await h.database.db.amazonIntegration.count({ where: { sellingPartnerId: seller.sellerId } })).toBe(0);
      await secretsGone(seller.sellerId);
    });

    it('Login with Amazon down when the unsubscribe job runs: retried with backoff, the secret kept until it succeeds, then erased', async () => {
      const seller = await ownAppSeller(`A3OWNAPP4${provider === 'sqlite' ? 'S' : 'P'}`);
      const connector = await connectOwnApp(`own-app-outage-${provider}.myshopify.com`, seller);
      await subscribed(seller.sellerId, seller.app.clientId);
      // The app's grantless token runs out and the next token request meets an outage.
      await control(h.sandbox, 'lwa/expire', {});
      await control(h.sandbox, 'lwa/outage', { error: 'temporarily_unavailable', count: 1 });
      await connector.disconnect();
      const job = await finishedUnsubscribe(seller.sellerId, seller.app.clientId);
      // The second attempt still had the app's secret to ask for a token with.
      expect(job).toMatchObject({ status: 'completed', attempts: 2, result: { deleted: 3 } });
      expect(job.lastError).toContain('Login with Amazon answered HTTP 503');
      expect(await subscriptionsAtAmazon(seller.sellerId, seller.app.clientId)).toEqual([]);
      await secretsGone(seller.sellerId);
    });

    it('a kept secret whose job ended without it (the process died during its last attempt) gets the job again at the next start', async () => {
      const seller = await ownAppSeller(`A3OWNAPP6${provider === 'sqlite' ? 'S' : 'P'}`);
      const shopDomain = `own-app-restart-${provider}.myshopify.com`;
      await connectOwnApp(shopDomain, seller);
      await subscribed(seller.sellerId, seller.app.clientId);
      // Disconnected while no worker runs; the engine then fails the job as it does one whose attempts all
      // ended in expired leases.
      await h.restart({ worker: false });
      await (await remoteConnector(h, shopDomain)).disconnect();
      expect(await h.database.db.amazonUnsubscribeCredential.count({ where: { sellingPartnerId: seller.sellerId } })).toBe(1);
      const key = { queue: 'amazon.notifications', key: `unsubscribe:${seller.sellerId}:${seller.app.clientId}:na` };
      await h.database.db.amazonJob.update({ where: { queue_key: key }, data: { status: 'failed', attempts: 8, lastError: 'lease expired' } });

      await h.restart();
      shop = await remoteConnector(h, SHOP);
      const job = await finishedUnsubscribe(seller.sellerId, seller.app.clientId);
      expect(job).toMatchObject({ status: 'completed', attempts: 1, result: { deleted: 3 } });
      expect(await subscriptionsAtAmazon(seller.sellerId, seller.app.clientId)).toEqual([]);
      await secretsGone(seller.sellerId);
    });

    it("an app secret LWA refuses (rotated away: invalid_client) fails the job at once, says so without the secret, and erases it; a seller replaced by another goes the same way", async () => {
      const seller = await ownAppSeller(`A3OWNAPP3${provider === 'sqlite' ? 'S' : 'P'}`);
      const shopDomain = `own-app-rotated-${provider}.myshopify.com`;
      await connectOwnApp(shopDomain, seller);
      await subscribed(seller.sellerId, seller.app.clientId);
      // The seller rotates their app's secret with no grace, and the tokens issued so far run out.
      await control(h.sandbox, 'apps/rotate-secret', { applicationId: seller.app.applicationId, graceSeconds: 0 });
      await control(h.sandbox, 'lwa/expire', {});

      // The shop connects another seller account instead (ours, the demo seller): the replaced one is let go of.
      await (await remoteConnector(h, shopDomain)).authenticate(credentials());
      const replaced = await h.database.db.amazonIntegration.findFirstOrThrow({ where: { sellingPartnerId: seller.sellerId } });
      expect(replaced).toMatchObject({ status: 'disconnected', statusReason: 'replaced by another seller account', lwaClientSecretCiphertext: null, refreshTokenCiphertext: '' });
      const job = await finishedUnsubscribe(seller.sellerId, seller.app.clientId);
      expect(job).toMatchObject({ status: 'failed', attempts: 1 });
      expect(job.lastError).toContain('invalid_client');
      expect(job.lastError).not.toContain(seller.app.clientSecret);
      // Nothing could be done at Amazon: the subscriptions are still there, and still recorded as such.
      expect(await subscriptionsAtAmazon(seller.sellerId, seller.app.clientId)).toHaveLength(3);
      expect(await h.database.db.amazonNotificationSubscription.count({ where: { sellingPartnerId: seller.sellerId } })).toBe(3);
      await secretsGone(seller.sellerId);
    });
  });
}
