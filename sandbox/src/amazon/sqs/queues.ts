// Amazon SQS as the sandbox plays it: standard queues (at-least-once, best-effort order), visibility
// timeouts and redelivery, long polling, a dead-letter queue after maxReceiveCount receives, and the faults
// a consumer must survive (unreachable, slow, duplicated, out of order). Durations are sandbox seconds on
// Amazon's clock (AmazonWorld.ms / now), so a time-scaled sandbox ages messages faster. Queues and their
// messages go into the platform's snapshot, so a sandbox with a state file keeps them across a restart as
// SQS keeps messages for its retention period.
import { createHash, randomUUID } from 'node:crypto';
import { Rng, hash32 } from '../market-sim/prng';
import type { AmazonWorld } from '../world';

/** The account id in the sandbox's queue URLs and ARNs. */
export const SANDBOX_ACCOUNT_ID = '000000000000';
export const SANDBOX_SQS_REGION = 'us-east-1';

export class SqsError extends Error {
  constructor(
    /** The JSON protocol's error shape name (com.amazonaws.sqs#…). */
    readonly type: string,
    /** The Query protocol's code the SDK's query-compat layer reads from x-amzn-query-error. */
    readonly queryCode: string,
    message: string,
    readonly status = 400,
    readonly fault: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export const nonExistentQueue = () =>
  new SqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
export const invalidParameter = (message: string) => new SqsError('InvalidParameterValue', 'InvalidParameterValue', message);
export const receiptHandleIsInvalid = (handle: string) =>
  new SqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);

export interface StoredMessage {
  messageId: string;
  body: string;
  md5: string;
  sentAt: number;
  /** Amazon-clock instant from which the message may be received again. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The receipt handle of the latest receive; older handles no longer change visibility. */
  receiptHandle?: string;
}

export interface QueueAttributes {
  VisibilityTimeout: number;
  MessageRetentionPeriod: number;
  ReceiveMessageWaitTimeSeconds: number;
  DelaySeconds: number;
  MaximumMessageSize: number;
  RedrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
}

/** Faults a test switches on through /_sandbox/amazon/sqs/faults; not persisted. */
export interface SqsFaults {
  /** Every call fails: '503' answers ServiceUnavailable, 'reset' drops the connection unanswered (what a client sees of a queue it cannot reach). */
  unreachable?: '503' | 'reset';
  /** Every answer is held this many real milliseconds first. */
  slowMs?: number;
  /** The next this-many messages delivered to any queue arrive twice (two copies, distinct message ids, same body). */
  duplicateNext?: number;
  /** Share (0..1) of messages delivered twice, drawn from a seeded generator (Amazon's "at least once"). */
  duplicateRate?: number;
  /** Receives hand out the visible messages newest first instead of oldest first. */
  outOfOrder?: boolean;
}

/** A queue as the state file holds it. */
export interface QueueSnapshot {
  name: string;
  attributes: QueueAttributes;
  createdAt: number;
  messages: StoredMessage[];
}

interface Waiter {
  wake: () => void;
}

export class SqsQueue {
  readonly messages: StoredMessage[] = [];
  readonly waiters = new Set<Waiter>();
  readonly createdAt: number;

  constructor(
    readonly name: string,
    public attributes: QueueAttributes,
    now: number,
  ) {
    this.createdAt = now;
  }

  get arn(): string {
    return `arn:aws:sqs:${SANDBOX_SQS_REGION}:${SANDBOX_ACCOUNT_ID}:${this.name}`;
  }

  wakeAll(): void {
    for (const w of [...this.waiters]) w.wake();
  }
}

const DEFAULT_ATTRIBUTES: QueueAttributes = {
  VisibilityTimeout: 30,
  MessageRetentionPeriod: 345_600,
  ReceiveMessageWaitTimeSeconds: 0,
  DelaySeconds: 0,
  MaximumMessageSize: 262_144,
};

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

export class SqsService {
  readonly queues = new Map<string, SqsQueue>();
  faults: SqsFaults = {};
  private rng = new Rng(hash32('sqs-duplicates'));
  private timers = new Set<NodeJS.Timeout>();
  /** Copies delivered twice so far (duplicates the consumer must drop). */
  duplicatesDelivered = 0;

  constructor(private readonly world: AmazonWorld) {}

  /** Seeds the duplicate generator, so a run's duplicates are repeatable. */
  seedDuplicates(seed: string): void {
    this.rng = new Rng(hash32(seed));
  }

  queueUrl(baseUrl: string, name: string): string {
    return `${baseUrl.replace(/\/$/, '')}/sqs/${SANDBOX_ACCOUNT_ID}/${name}`;
  }

  /** The queue an SQS ARN (`arn:aws:sqs:<region>:<account>:<name>`) names, if the sandbox holds it. */
  byArn(arn: string): SqsQueue | undefined {
    const m = /^arn:aws:sqs:[^:]+:[^:]+:([^:]+)$/.exec(arn);
    return m ? this.queues.get(m[1]!) : undefined;
  }

  /** The queue a queue URL names (any host: the path's last segment is the name). */
  byUrl(url: unknown): SqsQueue {
    if (typeof url !== 'string' || !url) throw invalidParameter('Value for parameter QueueUrl is invalid. Reason: QueueUrl is required.');
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw nonExistentQueue();
    }
    const name = path.split('/').filter(Boolean).pop();
    const queue = name ? this.queues.get(name) : undefined;
    if (!queue) throw nonExistentQueue();
    return queue;
  }

  createQueue(name: unknown, attributes: Record<string, string> = {}): SqsQueue {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw invalidParameter('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    const parsed = this.parseAttributes(attributes);
    const existing = this.queues.get(name);
    if (existing) {
      // Amazon: same name and same attributes returns the queue; different attributes are an error.
      for (const [k, v] of Object.entries(parsed)) {
        if (JSON.stringify(existing.attributes[k as keyof QueueAttributes]) !== JSON.stringify(v)) {
          throw new SqsError('QueueNameExists', 'QueueAlreadyExists', `A queue already exists with the same name and a different value for attribute ${k}`);
        }
      }
      return existing;
    }
    const queue = new SqsQueue(name, { ...DEFAULT_ATTRIBUTES, ...parsed }, this.world.now());
    this.queues.set(name, queue);
    this.dirty();
    return queue;
  }

  setAttributes(queue: SqsQueue, attributes: Record<string, string>): void {
    queue.attributes = { ...queue.attributes, ...this.parseAttributes(attributes) };
    this.dirty();
  }

  private parseAttributes(raw: Record<string, string>): Partial<QueueAttributes> {
    const out: Partial<QueueAttributes> = {};
    const int = (k: string, min: number, max: number) => {
      const n = Number(raw[k]);
      if (!Number.isInteger(n) || n < min || n > max) throw invalidParameter(`Invalid value for the parameter ${k}.`);
      return n;
    };
    for (const key of Object.keys(raw)) {
      switch (key) {
        case 'VisibilityTimeout':
          out.VisibilityTimeout = int(key, 0, 43_200);
          break;
        case 'MessageRetentionPeriod':
          out.MessageRetentionPeriod = int(key, 60, 1_209_600);
          break;
        case 'ReceiveMessageWaitTimeSeconds':
          out.ReceiveMessageWaitTimeSeconds = int(key, 0, 20);
          break;
        case 'DelaySeconds':
          out.DelaySeconds = int(key, 0, 900);
          break;
        case 'MaximumMessageSize':
          out.MaximumMessageSize = int(key, 1024, 262_144);
          break;
        case 'RedrivePolicy': {
          let policy: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
          try {
            policy = JSON.parse(raw[key]!) as typeof policy;
          } catch {
            throw invalidParameter('Value for parameter RedrivePolicy is invalid. Reason: Invalid JSON.');
          }
          const max = Number(policy.maxReceiveCount);
          if (typeof policy.deadLetterTargetArn !== 'string' || !Number.isInteger(max) || max < 1 || max > 1000) {
            throw invalidParameter('Value for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map or deadLetterTargetArn / maxReceiveCount is missing.');
          }
          if (!this.byArn(policy.deadLetterTargetArn)) {
            throw invalidParameter('Value for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.');
          }
          out.RedrivePolicy = { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: max };
          break;
        }
        case 'Policy':
        case 'KmsMasterKeyId':
        case 'SqsManagedSseEnabled':
          break; // accepted, not played
        default:
          throw new SqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${key}.`);
      }
    }
    return out;
  }

  attributesOf(queue: SqsQueue, names: string[]): Record<string, string> {
    const now = this.world.now();
    const all: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.visibleAt <= now).length),
      ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => m.visibleAt > now).length),
      ApproximateNumberOfMessagesDelayed: '0',
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      VisibilityTimeout: String(queue.attributes.VisibilityTimeout),
      MessageRetentionPeriod: String(queue.attributes.MessageRetentionPeriod),
      ReceiveMessageWaitTimeSeconds: String(queue.attributes.ReceiveMessageWaitTimeSeconds),
      DelaySeconds: String(queue.attributes.DelaySeconds),
      MaximumMessageSize: String(queue.attributes.MaximumMessageSize),
      ...(queue.attributes.RedrivePolicy ? { RedrivePolicy: JSON.stringify(queue.attributes.RedrivePolicy) } : {}),
    };
    if (names.length === 0) return {};
    if (names.includes('All')) return all;
    const out: Record<string, string> = {};
    for (const n of names) {
      if (!(n in all) && !['RedrivePolicy', 'Policy'].includes(n)) throw new SqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${n}.`);
      if (n in all) out[n] = all[n]!;
    }
    return out;
  }

  /**
   * Puts a message on the queue. `deliver` is what publishers (the sandbox's Amazon) use: it applies the
   * duplicate faults, as SQS's at-least-once delivery may hand a consumer the same notification twice.
   */
  send(queue: SqsQueue, body: string, options: { delaySeconds?: number; deliver?: boolean } = {}): { MessageId: string; MD5OfMessageBody: string } {
    if (Buffer.byteLength(body, 'utf8') > queue.attributes.MaximumMessageSize) {
      throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${queue.attributes.MaximumMessageSize} bytes.`);
    }
    const first = this.store(queue, body, options.delaySeconds ?? queue.attributes.DelaySeconds);
    if (options.deliver && this.shouldDuplicate()) {
      this.store(queue, body, options.delaySeconds ?? queue.attributes.DelaySeconds);
      this.duplicatesDelivered++;
      this.world.log({ platform: 'amazon', kind: 'event', detail: { sqsDuplicate: queue.name, messageId: first.messageId } });
    }
    queue.wakeAll();
    this.dirty();
    return { MessageId: first.messageId, MD5OfMessageBody: first.md5 };
  }

  private shouldDuplicate(): boolean {
    const f = this.faults;
    if (f.duplicateNext && f.duplicateNext > 0) {
      f.duplicateNext--;
      return true;
    }
    return !!f.duplicateRate && this.rng.next() < f.duplicateRate;
  }

  private store(queue: SqsQueue, body: string, delaySeconds: number): StoredMessage {
    const now = this.world.now();
    const message: StoredMessage = { messageId: randomUUID(), body, md5: md5(body), sentAt: now, visibleAt: now + this.world.ms(delaySeconds), receiveCount: 0 };
    queue.messages.push(message);
    if (delaySeconds > 0) this.wakeLater(queue, message.visibleAt);
    return message;
  }

  /** Receives up to `max` visible messages, waiting up to `waitSeconds` for one to arrive (long polling). */
  async receive(
    queue: SqsQueue,
    options: { max: number; visibilityTimeout?: number; waitSeconds?: number; attributeNames?: string[] },
    aborted: () => boolean,
  ): Promise<ReceivedMessage[]> {
    const wait = options.waitSeconds ?? queue.attributes.ReceiveMessageWaitTimeSeconds;
    const deadline = this.world.now() + this.world.ms(wait);
    for (;;) {
      const got = this.take(queue, options);
      if (got.length > 0 || wait <= 0 || aborted()) return got;
      const remaining = deadline - this.world.now();
      if (remaining <= 0) return got;
      await this.waitFor(queue, remaining);
      if (aborted()) return [];
    }
  }

  private waitFor(queue: SqsQueue, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        wake: () => {
          clearTimeout(timer);
          this.timers.delete(timer);
          queue.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => waiter.wake(), ms);
      timer.unref();
      this.timers.add(timer);
      queue.waiters.add(waiter);
    });
  }

  /** A message becoming visible again (timeout over, delay over) wakes the long polls on its queue. */
  private wakeLater(queue: SqsQueue, at: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      queue.wakeAll();
    }, Math.max(0, at - this.world.now()) + 1);
    timer.unref();
    this.timers.add(timer);
  }

  private take(queue: SqsQueue, options: { max: number; visibilityTimeout?: number; attributeNames?: string[] }): ReceivedMessage[] {
    const now = this.world.now();
    this.expire(queue, now);
    const visible = queue.messages.filter((m) => m.visibleAt <= now);
    if (this.faults.outOfOrder) visible.reverse();
    const out: ReceivedMessage[] = [];
    const timeout = options.visibilityTimeout ?? queue.attributes.VisibilityTimeout;
    for (const m of visible) {
      if (out.length >= options.max) break;
      // Redrive: a message already received maxReceiveCount times moves to the dead-letter queue instead.
      const policy = queue.attributes.RedrivePolicy;
      if (policy && m.receiveCount >= policy.maxReceiveCount) {
        const dlq = this.byArn(policy.deadLetterTargetArn);
        queue.messages.splice(queue.messages.indexOf(m), 1);
        if (dlq) {
          dlq.messages.push({ ...m, visibleAt: now, receiptHandle: undefined });
          dlq.wakeAll();
          this.world.log({ platform: 'amazon', kind: 'event', detail: { sqsDeadLetter: queue.name, to: dlq.name, messageId: m.messageId } });
        }
        continue;
      }
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.visibleAt = now + this.world.ms(timeout);
      m.receiptHandle = `${m.messageId}#${randomUUID()}`;
      if (timeout > 0) this.wakeLater(queue, m.visibleAt);
      this.dirty();
      out.push({
        MessageId: m.messageId,
        ReceiptHandle: Buffer.from(`${queue.name}:${m.receiptHandle}`).toString('base64'),
        MD5OfBody: m.md5,
        Body: m.body,
        ...(options.attributeNames?.length ? { Attributes: this.messageAttributes(m, options.attributeNames) } : {}),
      });
    }
    return out;
  }

  private messageAttributes(m: StoredMessage, names: string[]): Record<string, string> {
    const all: Record<string, string> = {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      SenderId: SANDBOX_ACCOUNT_ID,
    };
    if (names.includes('All')) return all;
    return Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]!]));
  }

  private expire(queue: SqsQueue, now: number): void {
    const horizon = now - this.world.ms(queue.attributes.MessageRetentionPeriod);
    for (let i = queue.messages.length - 1; i >= 0; i--) if (queue.messages[i]!.sentAt < horizon) queue.messages.splice(i, 1);
  }

  private find(queue: SqsQueue, receiptHandle: unknown): { message?: StoredMessage; handle: string } {
    if (typeof receiptHandle !== 'string' || !receiptHandle) throw receiptHandleIsInvalid(String(receiptHandle ?? ''));
    const decoded = Buffer.from(receiptHandle, 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    if (sep < 0 || decoded.slice(0, sep) !== queue.name) throw receiptHandleIsInvalid(receiptHandle);
    const handle = decoded.slice(sep + 1);
    const messageId = handle.split('#')[0];
    return { message: queue.messages.find((m) => m.messageId === messageId), handle };
  }

  /** Amazon deletes with any handle of a message still in the queue; an already deleted message is a no-op. */
  delete(queue: SqsQueue, receiptHandle: unknown): void {
    const { message } = this.find(queue, receiptHandle);
    if (message) queue.messages.splice(queue.messages.indexOf(message), 1);
    this.dirty();
  }

  changeVisibility(queue: SqsQueue, receiptHandle: unknown, seconds: unknown): void {
    const n = Number(seconds);
    if (!Number.isInteger(n) || n < 0 || n > 43_200) throw invalidParameter('Value for parameter VisibilityTimeout is invalid.');
    const { message, handle } = this.find(queue, receiptHandle);
    if (!message || message.receiptHandle !== handle || message.visibleAt <= this.world.now()) {
      throw new SqsError('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.');
    }
    message.visibleAt = this.world.now() + this.world.ms(n);
    this.dirty();
    if (n === 0) queue.wakeAll();
    else this.wakeLater(queue, message.visibleAt);
  }

  purge(queue: SqsQueue): void {
    queue.messages.length = 0;
    this.dirty();
  }

  snapshot(): QueueSnapshot[] {
    return [...this.queues.values()].map((q) => ({ name: q.name, attributes: structuredClone(q.attributes), createdAt: q.createdAt, messages: structuredClone(q.messages) }));
  }

  restore(queues: QueueSnapshot[] | undefined): void {
    this.close();
    this.queues.clear();
    for (const saved of queues ?? []) {
      const queue = new SqsQueue(saved.name, saved.attributes, saved.createdAt);
      queue.messages.push(...saved.messages);
      this.queues.set(saved.name, queue);
    }
  }

  /** The state file is written again (debounced) after a change to the queues. */
  private dirty(): void {
    this.world.ctx.markDirty();
  }

  /** Drops every queue and fault (sandbox reset). */
  reset(): void {
    this.close();
    this.queues.clear();
    this.faults = {};
    this.duplicatesDelivered = 0;
    this.rng = new Rng(hash32('sqs-duplicates'));
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const q of this.queues.values()) q.wakeAll();
  }
}
