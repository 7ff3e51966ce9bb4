// Notifications API v1: destinations (grantless: an application's SQS queues) and subscriptions (a seller's
// notification types delivered to one of the application's destinations), with the errors Amazon gives:
// a second subscription of a type and payload version is a 409 Conflict, a destination named twice too, an
// unknown id a 404.
import { randomUUID } from 'node:crypto';
import { SpApiError, invalidInput, notFound } from '../spapi/errors';
import type { GrantlessHandler, SpHandler } from '../spapi/router';
import type { NotificationDestination, NotificationSubscription, NotificationsState } from '../state';
import type { AmazonWorld } from '../world';
import type { SqsService } from '../sqs/queues';

/** The payload version each notification type the sandbox knows is sent in (Amazon's current ones). */
export const PAYLOAD_VERSIONS: Record<string, string> = {
  ANY_OFFER_CHANGED: '1.0',
  B2B_ANY_OFFER_CHANGED: '1.0',
  FEED_PROCESSING_FINISHED: '2020-09-04',
  PRICING_HEALTH: '1.0',
  REPORT_PROCESSING_FINISHED: '2020-09-04',
  LISTINGS_ITEM_STATUS_CHANGE: '1.0',
  LISTINGS_ITEM_ISSUES_CHANGE: '2023-12-13',
  ORDER_CHANGE: '1.0',
  FEE_PROMOTION: '1.0',
  ITEM_INVENTORY_EVENT_CHANGE: '1.0',
};

/** The types the sandbox publishes; the others can be subscribed to but never fire. */
export const PUBLISHED_TYPES = ['ANY_OFFER_CHANGED', 'FEED_PROCESSING_FINISHED', 'PRICING_HEALTH'] as const;

const conflict = (message: string) => new SpApiError(409, 'Conflict', message);

export function notificationsState(world: AmazonWorld): NotificationsState {
  return (world.state.notifications ??= { destinations: {}, subscriptions: {} });
}

function destinationView(d: NotificationDestination) {
  return { name: d.name, destinationId: d.destinationId, resource: { sqs: { arn: d.sqsArn } } };
}

function subscriptionView(s: NotificationSubscription) {
  return {
    subscriptionId: s.subscriptionId,
    payloadVersion: s.payloadVersion,
    destinationId: s.destinationId,
    ...(s.processingDirective ? { processingDirective: s.processingDirective } : {}),
  };
}

function notificationType(raw: unknown): string {
  const type = String(raw ?? '');
  if (!(type in PAYLOAD_VERSIONS)) throw invalidInput(`Invalid notificationType: ${type}.`);
  return type;
}

function ownDestination(world: AmazonWorld, clientId: string, id: unknown): NotificationDestination {
  const d = notificationsState(world).destinations[String(id ?? '')];
  if (!d || d.clientId !== clientId) throw notFound('Destination not found.');
  return d;
}

export function notificationHandlers(sqs: SqsService): { seller: Record<string, SpHandler>; grantless: Record<string, GrantlessHandler> } {
  const createDestination: GrantlessHandler = ({ world, clientId, body }) => {
    const request = body as { name: string; resourceSpecification: { sqs?: { arn: string }; eventBridge?: unknown } };
    const arn = request.resourceSpecification.sqs?.arn;
    if (!arn) throw invalidInput('The sandbox plays SQS destinations only; resourceSpecification.sqs is required.');
    if (request.resourceSpecification.eventBridge) throw invalidInput('Use one resource type (sqs or eventBridge) per destination.');
    const state = notificationsState(world);
    if (Object.values(state.destinations).some((d) => d.clientId === clientId && d.sqsArn === arn)) {
      throw conflict('A destination for this resource already exists.');
    }
    // Amazon checks it may write to the queue; the sandbox's queues take anything, so it makes sure the queue
    // exists (an ARN naming a queue the sandbox does not hold gets one of that name).
    if (!sqs.byArn(arn)) {
      const name = /^arn:aws:sqs:[^:]+:[^:]+:([A-Za-z0-9_-]{1,80})$/.exec(arn)?.[1];
      if (!name) throw invalidInput(`Invalid SQS ARN: ${arn}.`);
      sqs.createQueue(name);
    }
    const destination: NotificationDestination = { destinationId: randomUUID(), clientId, name: request.name, sqsArn: arn };
    state.destinations[destination.destinationId] = destination;
    world.changed();
    world.log({ platform: 'amazon', kind: 'event', detail: { notifications: 'createDestination', destinationId: destination.destinationId } });
    return { status: 200, body: { payload: destinationView(destination) } };
  };

  const getDestinations: GrantlessHandler = ({ world, clientId }) => ({
    status: 200,
    body: { payload: Object.values(notificationsState(world).destinations).filter((d) => d.clientId === clientId).map(destinationView) },
  });

  const getDestination: GrantlessHandler = ({ world, clientId, params }) => ({
    status: 200,
    body: { payload: destinationView(ownDestination(world, clientId, params.destinationId)) },
  });

  const deleteDestination: GrantlessHandler = ({ world, clientId, params }) => {
    const d = ownDestination(world, clientId, params.destinationId);
    const state = notificationsState(world);
    if (Object.values(state.subscriptions).some((s) => s.destinationId === d.destinationId)) {
      throw conflict('The destination has subscriptions; delete them first.');
    }
    delete state.destinations[d.destinationId];
    world.changed();
    return { status: 200, body: {} };
  };

  const createSubscription: SpHandler = ({ world, clientId, seller, params, body }) => {
    const type = notificationType(params.notificationType);
    const request = body as { payloadVersion: string; destinationId: string; processingDirective?: Record<string, unknown> };
    if (request.payloadVersion !== PAYLOAD_VERSIONS[type]) {
      throw invalidInput(`Invalid payloadVersion ${request.payloadVersion} for ${type}; supported: ${PAYLOAD_VERSIONS[type]}.`);
    }
    const state = notificationsState(world);
    const destination = state.destinations[request.destinationId];
    if (!destination || destination.clientId !== clientId) throw invalidInput(`Invalid destinationId: ${request.destinationId}.`);
    const existing = Object.values(state.subscriptions).find(
      (s) => s.clientId === clientId && s.sellerId === seller.sellerId && s.notificationType === type && s.payloadVersion === request.payloadVersion,
    );
    if (existing) throw conflict(`A subscription of ${type} (payload version ${existing.payloadVersion}) already exists: ${existing.subscriptionId}.`);
    const subscription: NotificationSubscription = {
      subscriptionId: randomUUID(),
      clientId,
      sellerId: seller.sellerId,
      notificationType: type,
      payloadVersion: request.payloadVersion,
      destinationId: destination.destinationId,
      ...(request.processingDirective ? { processingDirective: request.processingDirective } : {}),
    };
    state.subscriptions[subscription.subscriptionId] = subscription;
    world.changed();
    world.log({ platform: 'amazon', kind: 'event', detail: { notifications: 'createSubscription', sellerId: seller.sellerId, notificationType: type } });
    return { status: 200, body: { payload: subscriptionView(subscription) } };
  };

  const sellerSubscriptions = (world: AmazonWorld, clientId: string, sellerId: string, type: string, payloadVersion?: unknown) =>
    Object.values(notificationsState(world).subscriptions).filter(
      (s) => s.clientId === clientId && s.sellerId === sellerId && s.notificationType === type && (payloadVersion === undefined || s.payloadVersion === payloadVersion),
    );

  const getSubscription: SpHandler = ({ world, clientId, seller, params }) => {
    const type = notificationType(params.notificationType);
    const found = sellerSubscriptions(world, clientId, seller.sellerId, type, params.payloadVersion)[0];
    if (!found) throw notFound(`No subscription of ${type} was found.`);
    return { status: 200, body: { payload: subscriptionView(found) } };
  };

  const getSubscriptions: SpHandler = ({ world, clientId, seller, params }) => {
    const types = params.notificationTypes as string[];
    const type = notificationType(types[0]);
    return { status: 200, body: { payload: { subscriptions: sellerSubscriptions(world, clientId, seller.sellerId, type, params.payloadVersion).map(subscriptionView) } } };
  };

  const subscriptionById = (world: AmazonWorld, clientId: string, params: Record<string, unknown>): NotificationSubscription => {
    const type = notificationType(params.notificationType);
    const s = notificationsState(world).subscriptions[String(params.subscriptionId ?? '')];
    if (!s || s.clientId !== clientId || s.notificationType !== type) throw notFound('Subscription not found.');
    return s;
  };

  const getSubscriptionById: GrantlessHandler = ({ world, clientId, params }) => ({
    status: 200,
    body: { payload: subscriptionView(subscriptionById(world, clientId, params)) },
  });

  const deleteSubscriptionById: GrantlessHandler = ({ world, clientId, params }) => {
    const s = subscriptionById(world, clientId, params);
    delete notificationsState(world).subscriptions[s.subscriptionId];
    world.changed();
    world.log({ platform: 'amazon', kind: 'event', detail: { notifications: 'deleteSubscriptionById', sellerId: s.sellerId, notificationType: s.notificationType } });
    return { status: 200, body: {} };
  };

  return {
    seller: { createSubscription, getSubscription, getSubscriptions },
    grantless: { createDestination, getDestinations, getDestination, deleteDestination, getSubscriptionById, deleteSubscriptionById },
  };
}
