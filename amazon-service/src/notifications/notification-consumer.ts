// Reads Amazon's notifications from the SQS queue (long polls of up to 20 s, 10 messages at a time) and acts
// on each: ANY_OFFER_CHANGED becomes an offer change for every shop holding the seller, FEED_PROCESSING_FINISHED
// makes the feed's job due now, PRICING_HEALTH (our offer lost Buy Box eligibility on price) joins the same
// per-shop stream as a pricing-health item (pricing-health.ts). A message is deleted once handled (or seen before:
// duplicates by NotificationId; stale: an offer change older than the newest seen for its seller, ASIN and
// marketplace). One that is not JSON, fails its schema, is of a type we don't consume or names a seller no
// shop ever connected is logged (type, ids and the reason, never the body) and left on the queue: its receive
// count grows and the queue's RedrivePolicy moves it to the dead-letter queue. A queue that can't be read
// turns the channel `down` and is retried with backoff until it answers again; nothing here throws out.
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { CompetitiveListing } from '@calibr/shared-contracts';
import { providerOf } from '@calibr/db';
import type { AmazonContext } from '../amazon-context';
import { feedsFinishedByNotification } from '../feeds/feed-notifications';
import { sellerIdsIn } from '../integrations/integration-store';
import { errorSummary } from '../log-errors';
import { changeCause, listingFromAnyOfferChanged, type AnyOfferChangedPayload } from './any-offer-changed';
import { notificationValidator } from './notification-schemas';
import { pricingHealthFromNotification, type PricingHealthPayload } from './pricing-health';
import { pruneNotificationRecords } from './offer-change-store';

export interface ConsumerOptions {
  /** Long poll length (SQS: at most 20 s). */
  waitTimeSeconds?: number;
  /** Backoff while the queue can't be read: first and longest pause. */
  backoff?: { baseMs: number; maxMs: number };
  /** How often old offer changes and notification ids are pruned. */
  pruneEveryMs?: number;
}

/** How often the queue's depth is read while it answers. */
const PROBE_EVERY_MS = 60_000;
/** The PostgreSQL advisory lock serializing offer-change writes (a fixed 31-bit number). */
const OFFER_CHANGE_WRITE_LOCK = 0x0ffc4a11;

type Outcome = 'processed' | 'duplicate' | 'stale' | 'invalid' | 'unknownSeller';

class Unhandled extends Error {
  constructor(
    readonly outcome: 'invalid' | 'unknownSeller',
    reason: string,
  ) {
    super(reason);
  }
}

interface Envelope {
  type: string;
  notificationId: string;
  body: Record<string, unknown>;
}

/** Type and id from either of Amazon's envelopes (ANY_OFFER_CHANGED's PascalCase, the others' camelCase). */
function envelopeOf(text: string | undefined): Envelope {
  let body: unknown;
  try {
    body = JSON.parse(text ?? '');
  } catch {
    throw new Unhandled('invalid', 'the message body is not JSON');
  }
  if (typeof body !== 'object' || body === null) throw new Unhandled('invalid', 'the message body is not a JSON object');
  const b = body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const type = String(b.NotificationType ?? b.notificationType ?? '');
  const validate = notificationValidator(type);
  if (!validate) throw new Unhandled('invalid', `notification type ${type || '(none)'} is not one this service consumes`);
  if (!validate(body)) {
    const first = validate.errors?.[0];
    throw new Unhandled('invalid', `fails Amazon's ${type} schema: ${first ? `${first.instancePath || '/'} ${first.message ?? ''}` : 'invalid'}`);
  }
  const notificationId = String(b.NotificationMetadata?.NotificationId ?? b.notificationMetadata?.notificationId ?? '');
  if (!notificationId) throw new Unhandled('invalid', 'no NotificationId');
  return { type, notificationId, body: b };
}

export class NotificationConsumer {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private prunedAt = 0;
  private probedAt = 0;
  private readonly waitTimeSeconds: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly pruneEveryMs: number;

  constructor(
    private readonly ctx: AmazonContext,
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    options: ConsumerOptions = {},
  ) {
    this.waitTimeSeconds = options.waitTimeSeconds ?? 20;
    this.backoff = options.backoff ?? { baseMs: 1_000, maxMs: 30_000 };
    this.pruneEveryMs = options.pruneEveryMs ?? 3_600_000;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Stops after the message in hand (a long poll in flight is cut). */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.ctx.notifications.state = 'off';
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    const channel = this.ctx.notifications;
    let failures = 0;
    while (!this.stopping) {
      let messages: Message[];
      try {
        // The queue's depth, at start, on recovery and every minute: readiness knows at once, and how far behind we are.
        if (channel.state !== 'live' || Date.now() - this.probedAt > PROBE_EVERY_MS) {
          await this.probe();
          failures = this.live(failures);
        }
        const answer = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.waitTimeSeconds,
            MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
          }),
          { abortSignal: this.abort.signal },
        );
        messages = answer.Messages ?? [];
        channel.lastReceiveAt = new Date();
        failures = this.live(failures);
      } catch (error) {
        if (this.stopping) break;
        failures++;
        channel.counts.receiveErrors++;
        channel.lastError = errorSummary(error, 200);
        if (channel.state !== 'down') this.ctx.logger.warn({ err: channel.lastError }, 'notification queue unreachable: feeds fall back to polling; retrying with backoff');
        channel.state = 'down';
        await this.pause(Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.min(10, failures - 1)));
        continue;
      }
      channel.counts.received += messages.length;
      const sent = messages.map((m) => Number(m.Attributes?.SentTimestamp)).filter((t) => Number.isFinite(t));
      if (sent.length) {
        channel.lag.newestMessageAgeMs = Date.now() - Math.max(...sent);
        channel.lag.oldestMessageAgeMs = Date.now() - Math.min(...sent);
      }
      channel.lag.inFlight = messages.length;
      for (const message of messages) {
        await this.handle(message);
        channel.lag.inFlight--;
      }
      await this.prune();
    }
  }

  /** The queue answered: the channel is live (logged when it wasn't); returns the failures count reset. */
  private live(failures: number): number {
    const channel = this.ctx.notifications;
    if (channel.state !== 'live') this.ctx.logger.info({ afterFailures: failures }, 'notification queue: reading');
    channel.state = 'live';
    channel.lastError = null;
    return 0;
  }

  private async probe(): Promise<void> {
    const answer = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      { abortSignal: this.abort.signal },
    );
    const count = (v: string | undefined) => (v === undefined ? null : Number(v));
    this.ctx.notifications.lag.queued = count(answer.Attributes?.ApproximateNumberOfMessages);
    this.ctx.notifications.lag.notVisible = count(answer.Attributes?.ApproximateNumberOfMessagesNotVisible);
    this.probedAt = Date.now();
  }

  private async handle(message: Message): Promise<void> {
    const channel = this.ctx.notifications;
    const log = { messageId: message.MessageId, receiveCount: message.Attributes?.ApproximateReceiveCount };
    let outcome: Outcome;
    try {
      outcome = await this.act(envelopeOf(message.Body));
    } catch (error) {
      if (error instanceof Unhandled) {
        channel.counts[error.outcome]++;
        // Left on the queue: after maxReceiveCount receives the queue moves it to its dead-letter queue.
        this.ctx.logger.warn({ ...log, reason: error.message }, 'notification left for the dead-letter queue');
      } else {
        channel.counts.handlerErrors++;
        this.ctx.logger.error({ ...log, err: errorSummary(error) }, 'notification not handled; it comes back after its visibility timeout');
      }
      return;
    }
    channel.counts[outcome === 'duplicate' ? 'duplicates' : outcome]++;
    try {
      await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.ReceiptHandle }), { abortSignal: this.abort.signal });
    } catch (error) {
      // Received again later, then dropped as a duplicate.
      this.ctx.logger.warn({ ...log, err: errorSummary(error, 200) }, 'notification handled but not deleted');
    }
  }

  private async act(n: Envelope): Promise<Outcome> {
    const db = this.ctx.db;
    if (await db.amazonProcessedNotification.findUnique({ where: { notificationId: n.notificationId }, select: { notificationId: true } })) return 'duplicate';
    try {
      switch (n.type) {
        case 'ANY_OFFER_CHANGED':
          return await this.offerChanged(n);
        case 'FEED_PROCESSING_FINISHED':
          return await this.feedFinished(n);
        default:
          return await this.pricingHealth(n);
      }
    } catch (error) {
      // Another instance recorded the same notification first (the id's unique key).
      if ((error as { code?: string }).code === 'P2002') return 'duplicate';
      throw error;
    }
  }

  /** Sellers known here: any integration row, even disconnected (their notifications are dropped, not dead letters). */
  private async holders(sellingPartnerId: string | undefined) {
    const rows = sellingPartnerId
      ? await this.ctx.db.amazonIntegration.findMany({ where: { sellingPartnerId }, select: { projectId: true, status: true, marketplaceIds: true } })
      : [];
    // A seller id is no secret: the operator needs it to tell a stale subscription from a misrouted queue.
    if (rows.length === 0) throw new Unhandled('unknownSeller', `the notification names a seller no shop connected (${sellingPartnerId ?? 'none'})`);
    return rows;
  }

  /** The shops a seller's notification about a marketplace goes to: connected, and selling there. */
  private async tenantsFor(sellingPartnerId: string, marketplaceId: string): Promise<string[]> {
    const holders = await this.holders(sellingPartnerId);
    return [
      ...new Set(
        holders
          .filter((h) => h.status !== 'disconnected' && Array.isArray(h.marketplaceIds) && (h.marketplaceIds as string[]).includes(marketplaceId))
          .map((h) => h.projectId),
      ),
    ];
  }

  /** Serializes offer-change writes on PostgreSQL (see offerChanged). */
  private async lockOfferChanges(tx: Parameters<Parameters<AmazonContext['db']['$transaction']>[0]>[0]): Promise<void> {
    if (providerOf(this.ctx.db) === 'postgresql') await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${OFFER_CHANGE_WRITE_LOCK})) AS l`);
  }

  private async offerChanged(n: Envelope): Promise<Outcome> {
    const payload = (n.body.Payload as { AnyOfferChangedNotification: AnyOfferChangedPayload }).AnyOfferChangedNotification;
    const trigger = payload.OfferChangeTrigger;
    const eventTime = new Date(trigger.TimeOfOfferChange);
    const tenants = await this.tenantsFor(payload.SellerId, trigger.MarketplaceId);
    if (Number.isNaN(eventTime.getTime())) throw new Unhandled('invalid', 'TimeOfOfferChange is not a time');
    // Each shop's own offers are every seller account it holds there; whose move it was, from its previous snapshot.
    const listings = await Promise.all(
      tenants.map(async (projectId) => {
        const listing = listingFromAnyOfferChanged(payload, new Set(await sellerIdsIn(this.ctx, projectId, trigger.MarketplaceId)));
        const previous = await this.ctx.db.amazonOfferChange.findFirst({
          where: { projectId, kind: 'offers', marketplaceId: trigger.MarketplaceId, asin: trigger.ASIN },
          orderBy: { id: 'desc' },
          select: { listing: true },
        });
        return { projectId, listing, cause: changeCause(previous?.listing as CompetitiveListing | undefined, listing) };
      }),
    );
    const key = { sellingPartnerId: payload.SellerId, marketplaceId: trigger.MarketplaceId, asin: trigger.ASIN };
    const outcome = await this.ctx.db.$transaction(async (tx) => {
      // Several consumers on one PostgreSQL database: one writer of offer changes at a time, so ids commit in
      // the order they are drawn (a reader's cursor never passes a change still being written) and the
      // staleness check against the watermark can't race. SQLite has one writer already.
      await this.lockOfferChanges(tx);
      await tx.amazonProcessedNotification.create({ data: { notificationId: n.notificationId, notificationType: n.type } });
      const newest = await tx.amazonOfferWatermark.findUnique({ where: { sellingPartnerId_marketplaceId_asin: key } });
      if (newest && eventTime < newest.eventTime) return 'stale' as const;
      await tx.amazonOfferWatermark.upsert({
        where: { sellingPartnerId_marketplaceId_asin: key },
        create: { ...key, eventTime, notificationId: n.notificationId },
        update: { eventTime, notificationId: n.notificationId },
      });
      for (const { projectId, listing, cause } of listings) {
        await tx.amazonOfferChange.create({
          data: {
            projectId,
            sellingPartnerId: payload.SellerId,
            notificationId: n.notificationId,
            marketplaceId: trigger.MarketplaceId,
            asin: trigger.ASIN,
            cause,
            eventTime,
            listing: listing as object,
          },
        });
      }
      return 'processed' as const;
    });
    if (outcome === 'processed') this.ctx.notifications.changes.notify(tenants);
    else this.ctx.logger.debug({ notificationId: n.notificationId, asin: trigger.ASIN }, 'stale offer change dropped');
    return outcome;
  }

  private async feedFinished(n: Envelope): Promise<Outcome> {
    const payload = (n.body.payload as { feedProcessingFinishedNotification: { sellerId?: string; feedId: string; processingStatus: string } }).feedProcessingFinishedNotification;
    await this.holders(payload.sellerId);
    const woken = await feedsFinishedByNotification(this.ctx, payload.sellerId!, payload.feedId);
    await this.ctx.db.amazonProcessedNotification.create({ data: { notificationId: n.notificationId, notificationType: n.type } });
    this.ctx.logger.info({ feedId: payload.feedId, processingStatus: payload.processingStatus, woken }, 'feed processing finished (notification)');
    return 'processed';
  }

  /**
   * Our offer lost Buy Box eligibility on price: stored in each holding shop's stream (kind `pricingHealth`,
   * the offer changes' cursor sequence) for the app to pull. Not held against the offer watermark: the app
   * weighs it against the offer changes by event time (a later eligible offer clears it).
   */
  private async pricingHealth(n: Envelope): Promise<Outcome> {
    const payload = n.body.payload as PricingHealthPayload;
    const trigger = payload.offerChangeTrigger;
    const tenants = await this.tenantsFor(payload.sellerId, trigger.marketplaceId);
    const eventTime = new Date(trigger.timeOfOfferChange);
    if (Number.isNaN(eventTime.getTime())) throw new Unhandled('invalid', 'timeOfOfferChange is not a time');
    const health = pricingHealthFromNotification(n.notificationId, payload);
    if (!health) throw new Unhandled('invalid', "merchantOffer's price is not an amount in a currency");
    await this.ctx.db.$transaction(async (tx) => {
      await this.lockOfferChanges(tx);
      await tx.amazonProcessedNotification.create({ data: { notificationId: n.notificationId, notificationType: n.type } });
      for (const projectId of tenants) {
        await tx.amazonOfferChange.create({
          data: {
            projectId,
            sellingPartnerId: payload.sellerId,
            notificationId: n.notificationId,
            marketplaceId: trigger.marketplaceId,
            asin: trigger.asin,
            kind: 'pricingHealth',
            cause: 'unknown',
            eventTime,
            pricingHealth: health as object,
          },
        });
      }
    });
    this.ctx.notifications.changes.notify(tenants);
    this.ctx.logger.info(
      { sellingPartnerId: payload.sellerId, issueType: payload.issueType, asin: trigger.asin, marketplaceId: trigger.marketplaceId, exceeded: health.exceeded?.kind ?? null, shops: tenants.length },
      'amazon pricing health: offer not eligible for the Buy Box',
    );
    return 'processed';
  }

  private async prune(): Promise<void> {
    if (Date.now() - this.prunedAt < this.pruneEveryMs) return;
    this.prunedAt = Date.now();
    try {
      const pruned = await pruneNotificationRecords(this.ctx);
      if (pruned.changes || pruned.notificationIds) this.ctx.logger.info(pruned, 'old offer changes and notification ids pruned');
    } catch (error) {
      this.ctx.logger.warn({ err: errorSummary(error) }, 'pruning notification records failed');
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
