// The control API's notifications and SQS routes (/_sandbox/amazon/notifications, /_sandbox/amazon/sqs/…):
// what was subscribed and sent, the sandbox's queues, and the queue faults a consumer must survive.
import type { SqsFaults, SqsService } from '../sqs/queues';
import type { AmazonWorld } from '../world';
import type { NotificationPublisher } from './publisher';

export class NotificationsControlError extends Error {
  constructor(message: string) {
    super(message);
  }
}

const bad = (message: string) => new NotificationsControlError(message);

export interface NotificationsControlDeps {
  world: AmazonWorld;
  sqs: SqsService;
  notifications: NotificationPublisher;
  baseUrl: string;
}

function faultsFrom(body: Record<string, unknown>, current: SqsFaults): SqsFaults {
  const next: SqsFaults = { ...current };
  if ('unreachable' in body) {
    const v = body.unreachable;
    if (v === null || v === false || v === 'off') delete next.unreachable;
    else if (v === '503' || v === 'reset') next.unreachable = v;
    else throw bad('unreachable must be "503", "reset" or "off"');
  }
  if ('slowMs' in body) {
    const v = Number(body.slowMs);
    if (!(Number.isInteger(v) && v >= 0 && v <= 60_000)) throw bad('slowMs must be an integer 0..60000');
    next.slowMs = v || undefined;
  }
  if ('duplicateNext' in body) {
    const v = Number(body.duplicateNext);
    if (!(Number.isInteger(v) && v >= 0)) throw bad('duplicateNext must be an integer >= 0');
    next.duplicateNext = v || undefined;
  }
  if ('duplicateRate' in body) {
    const v = Number(body.duplicateRate);
    if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw bad('duplicateRate must be a number 0..1');
    next.duplicateRate = v || undefined;
  }
  if ('outOfOrder' in body) {
    if (typeof body.outOfOrder !== 'boolean') throw bad('outOfOrder must be a boolean');
    next.outOfOrder = body.outOfOrder || undefined;
  }
  return next;
}

export function notificationsRoute(
  path: string,
  method: string,
  body: Record<string, unknown>,
  deps: NotificationsControlDeps,
): { status?: number; body: unknown } | undefined {
  const { world, sqs, notifications } = deps;
  if (path === 'notifications' && method === 'GET') {
    const state = world.state.notifications ?? { destinations: {}, subscriptions: {} };
    return {
      body: {
        destinations: Object.values(state.destinations),
        subscriptions: Object.values(state.subscriptions),
        sent: notifications.sent,
        duplicatesDelivered: sqs.duplicatesDelivered,
      },
    };
  }
  if (path === 'sqs/queues' && method === 'GET') {
    return {
      body: {
        endpoint: `${deps.baseUrl}/sqs`,
        queues: [...sqs.queues.values()].map((q) => ({
          name: q.name,
          url: sqs.queueUrl(deps.baseUrl, q.name),
          arn: q.arn,
          attributes: sqs.attributesOf(q, ['All']),
        })),
      },
    };
  }
  if (path === 'sqs/faults') {
    if (method === 'GET') return { body: sqs.faults };
    if (method === 'DELETE') {
      sqs.faults = {};
      return { body: sqs.faults };
    }
    if (method === 'POST') {
      if (typeof body.duplicateSeed === 'string') sqs.seedDuplicates(body.duplicateSeed);
      sqs.faults = faultsFrom(body, sqs.faults);
      world.log({ platform: 'amazon', kind: 'event', detail: { sqsFaults: sqs.faults } });
      return { status: 201, body: sqs.faults };
    }
  }
  return undefined;
}
