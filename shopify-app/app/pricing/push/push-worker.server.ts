// The push: approved price changes go to every linked platform through the registry (Shopify in process,
// Amazon through its service), durably.
//
// - Each change being pushed is a job of the job engine (@calibr/jobs, queue pricing.push, key: the change
//   id; ./push-jobs.server.ts): the engine claims it with a lease, renews the lease while we work on it, and
//   hands it to another instance if this one dies. A change waiting (a backoff, a pending feed) is its job
//   rescheduled; a settled change is its job completed in the same transaction as the change's status.
// - Before an attempt is sent it is marked `pending` (attemptCount raised) and committed: an attempt
//   that is `pending` without an answer was in flight when a process died ("in doubt").
// - Every platform update carries the attempt's idempotency key (the change's key for that listing), so
//   sending an in-doubt attempt again is answered from the platform's own record (Amazon's service keeps
//   every key) instead of applied twice. Shopify updates also carry `expectedCurrentPrice` (the price the
//   change replaced): if the first send did land, Shopify's live price no longer matches and the resend is
//   refused as a conflict; we then read the live price and, finding ours, record it applied.
// - Nothing here knows a platform by name: each connector's capabilities say how many updates to send per
//   call (preferredBatchSize) and whether results settle later (priceUpdateMode). A synchronous platform
//   (Shopify) answers at once (applied); an asynchronous one (Amazon's feeds) answers `pending` with an
//   opaque platform reference, and each pending attempt's outcome is read with getUpdateResult (every
//   pendingPollMs) until it is applied or failed. A pending answer's `stage` is kept on the attempt:
//   `accepted` (Amazon took the change; the price is not live yet, and an issue can still fail it) is
//   not applied, and polling goes on until the platform says live (applied) or failed.
// - Failures keep the platform's own code and message. Outages and rate limits (and a platform that can't
//   be reached at all) are retried by themselves with exponential backoff for as long as
//   `retryForMs` (a day) from approval, so a change outlives an outage instead of failing after a few
//   quick tries; meanwhile the console shows it retrying with the platform's message and the next try.
//   The merchant can retry what failed for good, or roll a change back (changes.server.ts).
import os from 'node:os';
import { Worker, type BatchContext, type ClaimedJob } from '@calibr/jobs';
import {
  AuthenticationError,
  NotFoundError,
  isConnectorError,
  preferredBatchSize,
  updatesSettleLater,
  type PlatformConnector,
  type PriceUpdate,
  type PriceUpdateResult,
} from '@calibr/shared-contracts';
import type { Prisma } from '@calibr/db';
import { db } from '../../db.server';
import { getPlatformRegistry } from '../../platforms/registry.server';
import { attemptKey, nextAttemptKey } from '../changes.server';
import { findInSlices, slices } from '../chunks';
import { QUEUES, jobsOn } from '../../jobs.server';
import { queueChangesWithoutJobs } from './push-jobs.server';
import { onPushKick } from './kick';
import { positiveNumberEnv } from '../../lib/env.server';

export interface PushWorkerOptions {
  instanceId?: string;
  /** How long a claim holds before another instance may take the change over. */
  leaseMs?: number;
  /** Idle wait between polls when nothing is claimable. */
  pollMs?: number;
  /** Changes claimed per round. */
  batchSize?: number;
  /** Updates per platform call, by platform id (default: what each connector declares, capabilities.preferredBatchSize). */
  chunkSize?: { [platform: string]: number };
  /** How soon a change with pending attempts is asked again (default: the connector's capabilities.pendingPollMs, else 5 s). */
  pendingPollMs?: number;
  /** getUpdateResult calls in flight at once per platform while reading pending outcomes. */
  resultConcurrency?: number;
  /** Sends of one attempt before a transient failure becomes final (default: no limit; see retryForMs). */
  maxSends?: number;
  /** How long after approval transient failures are still retried (default 24 h). */
  retryForMs?: number;
  /** Backoff after the first transient failure, doubling per send up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Resolves the connector of a platform for a shop (default: the app's registry). */
  connectorFor?: (platform: string, projectId: string) => Promise<PlatformConnector>;
  log?: (message: string) => void;
}

type AttemptRow = Prisma.PriceChangeAttemptGetPayload<{ include: { listing: { select: { externalId: true; sku: true; marketplaceId: true } } } }>;
type ChangeRow = Prisma.PriceChangeGetPayload<{ include: { attempts: { include: { listing: { select: { externalId: true; sku: true; marketplaceId: true } } } } } }>;

/** One shop's attempts on one platform: to send, and sent but not settled. */
interface AttemptGroup {
  projectId: string;
  platform: string;
  send: AttemptRow[];
  pending: AttemptRow[];
}

interface Outcome {
  status: 'applied' | 'pending' | 'failed' | 'retry';
  /**
   * The platform answered this key with a failure it calls retryable: it keeps that answer for the key,
   * so the next send goes under a fresh key (safe: the platform said nothing was applied, and Shopify's
   * sends still carry the expected current price).
   */
  rekey?: boolean;
  reference?: string | null;
  code?: string | null;
  message?: string | null;
  appliedAt?: Date;
  /** Pending: how far the platform got (`accepted`: taken, not live yet); null when it doesn't say. */
  stage?: string | null;
}

/** How soon pending outcomes are read again when neither the worker nor the connector says. */
const DEFAULT_PENDING_POLL_MS = 5_000;
const TRANSIENT = new Set(['rate_limited', 'platform_unavailable', 'internal']);
/** Sends a transient failure always gets before the retryForMs horizon can end it. */
const MIN_SENDS_BEFORE_GIVING_UP = 5;

export class PushWorker {
  readonly instanceId: string;
  private readonly options: Required<Omit<PushWorkerOptions, 'connectorFor' | 'log' | 'chunkSize' | 'instanceId' | 'pendingPollMs'>> &
    Pick<PushWorkerOptions, 'connectorFor' | 'log' | 'pendingPollMs'> & { chunkSize: Record<string, number> };
  private readonly worker: Worker;

  constructor(options: PushWorkerOptions = {}) {
    this.instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}`;
    this.options = {
      leaseMs: options.leaseMs ?? 60_000,
      pollMs: options.pollMs ?? 2_000,
      batchSize: options.batchSize ?? 2_000,
      chunkSize: { ...(options.chunkSize ?? {}) },
      pendingPollMs: options.pendingPollMs,
      resultConcurrency: options.resultConcurrency ?? 8,
      maxSends: options.maxSends ?? Number.POSITIVE_INFINITY,
      retryForMs: options.retryForMs ?? positiveNumberEnv('PRICING_RETRY_FOR_MS', 24 * 3_600_000),
      retryBaseMs: options.retryBaseMs ?? positiveNumberEnv('PRICING_RETRY_BASE_MS', 2_000),
      retryMaxMs: options.retryMaxMs ?? positiveNumberEnv('PRICING_RETRY_MAX_MS', 300_000),
      connectorFor: options.connectorFor,
      log: options.log,
    };
    this.worker = new Worker(jobsOn(db), {
      id: this.instanceId,
      pollMs: this.options.pollMs,
      leaseMs: this.options.leaseMs,
      log: (message, error) => this.options.log?.(`[pricing push] ${message}: ${error instanceof Error ? error.message : String(error ?? '')}`),
    }).handleBatch<unknown>(QUEUES.pricePush, (jobs, context) => this.round(jobs, context), {
      batchSize: this.options.batchSize,
      // Changes approved without their job (written by hand, before the engine) are queued here.
      beforeClaim: () => queueChangesWithoutJobs(db),
    });
  }

  start(): void {
    onPushKick(() => this.kick());
    this.worker.start();
  }

  /**
   * Stop: the round in hand finishes. With a `deadline` (epoch ms) changes still held then are handed back
   * (another instance takes them at once, not after the lease); safe, as an attempt already sent is
   * `pending` (in doubt) and is sent again under its idempotency key, answered from the platform's record.
   */
  async stop(options: { deadline?: number } = {}): Promise<{ handedBack: number }> {
    onPushKick(undefined);
    return this.worker.stop(options);
  }

  /** Something was approved: run now rather than at the next poll. */
  kick(): void {
    this.worker.wake(QUEUES.pricePush);
  }

  /** One round: claim what is due, work on it, settle it. Returns how many changes were claimed. */
  runOnce(): Promise<number> {
    return this.worker.runOnce(QUEUES.pricePush);
  }

  private async round(jobs: ClaimedJob[], context: BatchContext): Promise<void> {
    const jobOf = new Map(jobs.map((j) => [j.key, j]));
    const ids = [...jobOf.keys()];
    for (const slice of slices(ids)) await db.priceChange.updateMany({ where: { id: { in: slice }, status: 'approved' }, data: { status: 'pushing' } });
    const changes: ChangeRow[] = await findInSlices(ids, (slice) =>
      db.priceChange.findMany({
        where: { id: { in: slice }, status: { in: ['approved', 'pushing'] } },
        include: { attempts: { include: { listing: { select: { externalId: true, sku: true, marketplaceId: true } } } } },
      }),
    );
    // Jobs whose change is settled, cancelled or gone complete (the worker settles what is left).
    await this.work(changes, context, jobOf, () => jobs.every((j) => context.lost(j)));
  }

  private async work(changes: ChangeRow[], context: BatchContext, jobOf: Map<string, ClaimedJob>, isLost: () => boolean): Promise<void> {
    const changeById = new Map(changes.map((c) => [c.id, c]));
    // Group the attempts that need a platform call by shop and platform.
    const groups = new Map<string, AttemptGroup>();
    for (const change of changes) {
      for (const attempt of change.attempts) {
        if (attempt.status !== 'queued' && attempt.status !== 'pending') continue;
        const key = `${change.projectId}\u0000${attempt.platform}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { projectId: change.projectId, platform: attempt.platform, send: [], pending: [] }));
        (attempt.status === 'pending' ? group.pending : group.send).push(attempt);
      }
    }
    const backoff = new Map<string, number>();
    const pendingPoll = new Map<string, number>();
    const resolved: Array<{ group: AttemptGroup; connector: PlatformConnector }> = [];
    for (const group of groups.values()) {
      try {
        resolved.push({ group, connector: await this.connector(group.platform, group.projectId) });
      } catch (error) {
        await this.recordGroupError(group.send, error, backoff, changeById);
      }
    }
    // Platforms whose updates settle later first: their processing runs while the others are sent.
    resolved.sort((a, b) => Number(updatesSettleLater(b.connector.capabilities)) - Number(updatesSettleLater(a.connector.capabilities)));
    for (const { group, connector } of resolved) {
      if (isLost()) break;
      // `pending`: sent, and either accepted for later (a feed) or in doubt (the process died before the
      // answer was recorded). A platform that answers at once has nothing to wait for: it is sent again
      // (same key, same expected price); one whose updates settle later is asked with getUpdateResult.
      if (!updatesSettleLater(connector.capabilities)) group.send.push(...group.pending);
      else if (group.pending.length > 0) await this.poll(connector, group.pending, changeById, backoff);
      const chunk = this.chunkSize(connector);
      for (let i = 0; i < group.send.length && !isLost(); i += chunk) {
        await this.send(connector, group.send.slice(i, i + chunk), changeById, backoff);
      }
      if (updatesSettleLater(connector.capabilities)) {
        const wait = this.options.pendingPollMs ?? connector.capabilities.pendingPollMs ?? DEFAULT_PENDING_POLL_MS;
        for (const attempt of [...group.send, ...group.pending]) pendingPoll.set(attempt.priceChangeId, Math.min(pendingPoll.get(attempt.priceChangeId) ?? wait, wait));
      }
    }
    if (!isLost()) await this.finish(changes.map((c) => c.id), context, jobOf, backoff, pendingPoll);
  }

  /** Updates per call: what the connector declares, unless this worker was told otherwise. */
  private chunkSize(connector: PlatformConnector): number {
    return this.options.chunkSize[connector.platform] ?? preferredBatchSize(connector.capabilities);
  }

  private connector(platform: string, projectId: string): Promise<PlatformConnector> {
    if (this.options.connectorFor) return this.options.connectorFor(platform, projectId);
    return getPlatformRegistry().then((registry) => registry.connector(platform, projectId));
  }

  /** Send attempts (first time, or again after a crash: the same keys make that safe). */
  private async send(connector: PlatformConnector, attempts: AttemptRow[], changes: Map<string, ChangeRow>, backoff: Map<string, number>): Promise<void> {
    const guardsLivePrice = connector.capabilities.priceUpdateMode === 'synchronous';
    const updates = attempts.map((a) => this.updateFor(connector, a, changes));
    // Durable intent first: from here on a crash leaves these attempts `pending` (in doubt), never
    // forgotten. Pending also tells the products/update webhook that the price it carries is ours.
    const sentAt = new Date();
    for (const ids of slices(attempts.map((a) => a.id))) {
      await db.priceChangeAttempt.updateMany({ where: { id: { in: ids } }, data: { status: 'pending', attemptCount: { increment: 1 }, lastAttemptAt: sentAt } });
    }
    let results: readonly PriceUpdateResult[];
    try {
      results = (await connector.pricing.batchUpdatePrices(updates)).results;
    } catch (error) {
      await this.recordGroupError(attempts, error, backoff, changes);
      return;
    }
    const outcomes: Array<[AttemptRow, Outcome]> = [];
    for (let i = 0; i < attempts.length; i++) {
      const attempt = attempts[i]!;
      const result = results[i];
      let outcome = result ? outcomeOf(result) : { status: 'failed' as const, code: 'internal', message: 'the platform gave no result for this update' };
      if (result?.status === 'failed' && result.reason === 'conflict' && guardsLivePrice && !/idempotency key/i.test(result.message)) {
        outcome = await this.verifyLive(connector, attempt, outcome);
      }
      if (outcome.status === 'retry') {
        if (this.givesUp(attempt, changes.get(attempt.priceChangeId))) outcome = { ...outcome, status: 'failed' };
        else backoff.set(attempt.priceChangeId, Math.max(backoff.get(attempt.priceChangeId) ?? 0, this.retryDelayMs(attempt, result)));
      }
      outcomes.push([attempt, outcome]);
    }
    await this.record(outcomes);
  }

  /** The live price is not the one the change replaced: either our earlier send landed, or someone else moved it. */
  private async verifyLive(connector: PlatformConnector, attempt: AttemptRow, refused: Outcome): Promise<Outcome> {
    try {
      const live = await connector.pricing.getPrice(attempt.listing.externalId, attempt.listing.marketplaceId ? { marketplaceId: attempt.listing.marketplaceId } : {});
      if (live.price.currency === attempt.currency && live.price.amount === attempt.amount) {
        return { status: 'applied', reference: 'verified:live-price', appliedAt: new Date(), message: null, code: null };
      }
      return { ...refused, message: `${refused.message ?? 'conflict'} (live price ${live.price.amount} ${live.price.currency}; the change expected ${attempt.previousAmount})` };
    } catch {
      return refused;
    }
  }

  /**
   * Read the outcome of attempts the platform accepted but hadn't finished (Amazon feeds), or that were in
   * flight when a process died, with getUpdateResult: nothing is sent again. A key the platform never
   * received (the process died before the send reached it) is sent again, under the same key.
   */
  private async poll(connector: PlatformConnector, attempts: AttemptRow[], changes: Map<string, ChangeRow>, backoff: Map<string, number>): Promise<void> {
    const outcomes: Array<[AttemptRow, Outcome]> = [];
    const unknown: AttemptRow[] = [];
    const settle = (attempt: AttemptRow, result: PriceUpdateResult | null) => {
      if (result === null) return void unknown.push(attempt);
      // Still pending: only a new stage is worth a write (accepted: the merchant sees it is waiting to go live).
      if (result.status === 'pending') {
        if ((result.stage ?? null) !== attempt.stage) outcomes.push([attempt, outcomeOf(result)]);
        return;
      }
      let outcome = outcomeOf(result);
      // The platform kept a retryable failure for the key (a lost answer, a refusal): sent again under a fresh key, after the backoff.
      if (outcome.status === 'retry') {
        if (this.givesUp(attempt, changes.get(attempt.priceChangeId))) outcome = { ...outcome, status: 'failed' };
        else backoff.set(attempt.priceChangeId, Math.max(backoff.get(attempt.priceChangeId) ?? 0, this.retryDelayMs(attempt, result)));
      }
      outcomes.push([attempt, outcome]);
    };
    const keyOf = (attempt: AttemptRow) => this.updateFor(connector, attempt, changes).idempotencyKey;
    try {
      await readResults(connector, attempts, keyOf, this.chunkSize(connector), this.options.resultConcurrency, settle);
    } catch (error) {
      this.options.log?.(`[pricing push] asking ${connector.platform} about ${attempts.length} pending update(s) failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.record(outcomes);
    // Never received (the process died before the send reached the platform): back in the queue, sent
    // again under the same key at the next round.
    for (const ids of slices(unknown.map((a) => a.id))) {
      await db.priceChangeAttempt.updateMany({ where: { id: { in: ids }, status: 'pending' }, data: { status: 'queued' } });
    }
  }

  /**
   * A transient failure becomes final after maxSends sends, or once the change is older than retryForMs
   * and this attempt had its first few sends (so a merchant's retry of an old change still gets them).
   */
  private givesUp(attempt: AttemptRow, change: ChangeRow | undefined): boolean {
    const sends = attempt.attemptCount + 1;
    if (sends >= this.options.maxSends) return true;
    if (sends < MIN_SENDS_BEFORE_GIVING_UP) return false;
    const since = change?.approvedAt ?? attempt.createdAt;
    return Date.now() - since.getTime() >= this.options.retryForMs;
  }

  /** Exponential backoff (±20 % jitter) per send of this attempt, never sooner than the platform's Retry-After. */
  private retryDelayMs(attempt: AttemptRow, source: unknown): number {
    const hint = source && typeof source === 'object' && 'retryAfter' in source && typeof source.retryAfter === 'number' ? source.retryAfter * 1000 : 0;
    const exponential = this.options.retryBaseMs * 2 ** Math.min(20, attempt.attemptCount);
    const delay = Math.min(this.options.retryMaxMs, Math.max(hint, exponential));
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  /** The platform update for an attempt: the same content every time it is sent (same key, same fingerprint). */
  private updateFor(connector: PlatformConnector, a: AttemptRow, changes: Map<string, ChangeRow>): PriceUpdate {
    const change = changes.get(a.priceChangeId)!;
    const guardsLivePrice = connector.capabilities.priceUpdateMode === 'synchronous';
    return {
      idempotencyKey: a.idempotencyKey ?? attemptKey(change.idempotencyKey, a.listingId),
      externalId: a.listing.externalId,
      ...(a.listing.sku ? { sku: a.listing.sku } : {}),
      ...(a.listing.marketplaceId ? { marketplaceId: a.listing.marketplaceId } : {}),
      price: { amount: a.amount, currency: a.currency },
      ...(guardsLivePrice && a.previousAmount ? { expectedCurrentPrice: { amount: a.previousAmount, currency: a.currency } } : {}),
      reason: `Calibrate price change ${change.id}`,
    };
  }

  private async recordGroupError(attempts: AttemptRow[], error: unknown, backoff: Map<string, number>, changes?: Map<string, ChangeRow>): Promise<void> {
    const code = isConnectorError(error) ? error.code : 'internal';
    const message = error instanceof Error ? error.message : String(error);
    const transient = !isConnectorError(error) || TRANSIENT.has(code);
    this.options.log?.(`[pricing push] ${attempts.length} update(s) not sent: ${message}`);
    const outcomes: Array<[AttemptRow, Outcome]> = attempts.map((a) => {
      const final = !transient || error instanceof AuthenticationError || this.givesUp(a, changes?.get(a.priceChangeId));
      if (!final) backoff.set(a.priceChangeId, Math.max(backoff.get(a.priceChangeId) ?? 0, this.retryDelayMs(a, error)));
      return [a, { status: final ? 'failed' : 'retry', code: isConnectorError(error) && error.platformError ? error.platformError.code : code, message }];
    });
    await this.record(outcomes);
  }

  private async record(outcomes: Array<[AttemptRow, Outcome]>): Promise<void> {
    const now = new Date();
    for (let i = 0; i < outcomes.length; i += 200) {
      const part = outcomes.slice(i, i + 200);
      const writes: Prisma.PrismaPromise<unknown>[] = [];
      for (const [attempt, outcome] of part) {
        if (outcome.status === 'retry') {
          // Not sent after all (outage, rate limit): back in the queue, to be sent again after the backoff.
          const key = outcome.rekey ? nextAttemptKey(attempt.idempotencyKey) : undefined;
          writes.push(
            db.priceChangeAttempt.update({
              where: { id: attempt.id },
              data: { status: 'queued', platformCode: outcome.code ?? null, platformMessage: outcome.message ?? null, ...(key ? { idempotencyKey: key } : {}) },
            }),
          );
          continue;
        }
        writes.push(
          db.priceChangeAttempt.update({
            where: { id: attempt.id },
            data: {
              status: outcome.status,
              // The platform's own reference ("kind:id"), opaque here: shown to the merchant, never looked up.
              platformReference: outcome.reference ?? attempt.platformReference,
              platformCode: outcome.status === 'failed' ? (outcome.code ?? null) : null,
              platformMessage: outcome.status === 'failed' ? (outcome.message ?? null) : null,
              stage: outcome.status === 'pending' ? (outcome.stage ?? null) : null,
              ...(outcome.status === 'applied' ? { appliedAt: outcome.appliedAt ?? now } : {}),
            },
          }),
        );
        if (outcome.status === 'applied') {
          // The platform has our price now: keep the listing and its price history in step.
          writes.push(db.listing.update({ where: { id: attempt.listingId }, data: { priceAmount: attempt.amount, currency: attempt.currency } }));
          writes.push(
            db.listingPriceSnapshot.create({
              data: { projectId: attempt.projectId, listingId: attempt.listingId, platform: attempt.platform, currency: attempt.currency, amount: attempt.amount, source: 'push', observedAt: outcome.appliedAt ?? now },
            }),
          );
        }
      }
      if (writes.length > 0) await db.$transaction(writes);
    }
  }

  /** Settle each change from its attempts and complete its job, or reschedule the job for what is still open. */
  private async finish(changeIds: string[], context: BatchContext, jobOf: Map<string, ClaimedJob>, backoff: Map<string, number>, pendingPoll: Map<string, number>): Promise<void> {
    const changes = await findInSlices(changeIds, (ids) =>
      db.priceChange.findMany({ where: { id: { in: ids } }, include: { attempts: { select: { status: true, platform: true, platformMessage: true } } } }),
    );
    const now = Date.now();
    for (const change of changes) {
      const job = jobOf.get(change.id)!;
      if (context.lost(job)) continue;
      const statuses = change.attempts.map((a) => a.status);
      const open = statuses.some((s) => s === 'queued' || s === 'pending');
      if (open) {
        // Sent again after its backoff, or asked again about what is pending: the job's runAt is the timer.
        const wait = statuses.some((s) => s === 'queued') ? (backoff.get(change.id) ?? 0) : (pendingPoll.get(change.id) ?? this.options.pendingPollMs ?? DEFAULT_PENDING_POLL_MS);
        await context.reschedule(job, new Date(now + wait));
        continue;
      }
      const applied = statuses.filter((s) => s === 'applied').length;
      const status = applied === statuses.length && applied > 0 ? 'applied' : applied > 0 ? 'partially_applied' : 'failed';
      // The change's status and its job's end commit together, and only while we still hold the job.
      const count = await db.$transaction(async (tx) => {
        if ((await context.complete(job, { client: tx })) !== 1) return 0;
        await tx.priceChange.update({ where: { id: change.id }, data: { status, completedAt: new Date() } });
        return 1;
      });
      if (count !== 1) continue;
      if (status === 'applied' && change.rollbackOfId) {
        await db.priceChange.updateMany({ where: { id: change.rollbackOfId }, data: { status: 'rolled_back' } });
      }
      await db.auditLog.create({
        data: {
          projectId: change.projectId,
          actor: 'system',
          actorType: 'system',
          action: `price_change.${status}`,
          entityType: 'PriceChange',
          entityId: change.id,
          data: {
            from: change.fromAmount,
            to: change.toAmount,
            currency: change.currency,
            source: change.source,
            pushedBy: this.instanceId,
            platforms: Object.fromEntries(change.attempts.map((a) => [a.platform, a.status === 'failed' ? `failed: ${a.platformMessage ?? ''}` : a.status])),
          },
        },
      });
    }
  }
}

/**
 * The latest result of each attempt's key (null: never received): with getUpdateResults, `chunk` keys per
 * call; otherwise getUpdateResult, `concurrency` at a time. Stops at the first call that fails.
 */
async function readResults(
  connector: PlatformConnector,
  attempts: AttemptRow[],
  keyOf: (attempt: AttemptRow) => string,
  chunk: number,
  concurrency: number,
  settle: (attempt: AttemptRow, result: PriceUpdateResult | null) => void,
): Promise<void> {
  const readMany = connector.pricing.getUpdateResults?.bind(connector.pricing);
  if (readMany) {
    for (let i = 0; i < attempts.length; i += chunk) {
      const part = attempts.slice(i, i + chunk);
      const { results } = await readMany(part.map(keyOf));
      part.forEach((attempt, index) => settle(attempt, results[index] ?? null));
    }
    return;
  }
  const read = connector.pricing.getUpdateResult?.bind(connector.pricing);
  if (!read) throw new Error(`${connector.platform} answers later but has no getUpdateResult`);
  let next = 0;
  const worker = async () => {
    while (next < attempts.length) {
      const attempt = attempts[next++]!;
      try {
        settle(attempt, await read(keyOf(attempt)));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        settle(attempt, null);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, attempts.length) }, worker));
}

function outcomeOf(result: PriceUpdateResult): Outcome {
  switch (result.status) {
    case 'applied':
      return { status: 'applied', reference: result.platformReference ? `${result.platformReference.kind}:${result.platformReference.id}` : null, appliedAt: new Date(result.appliedAt) };
    case 'pending':
      return { status: 'pending', reference: `${result.platformReference.kind}:${result.platformReference.id}`, stage: result.stage ?? null };
    case 'failed':
      return {
        status: result.retryable ? 'retry' : 'failed',
        rekey: result.retryable,
        code: result.platformError?.code ?? result.reason,
        message: result.platformError ? `${result.platformError.message}` : result.message,
      };
  }
}

