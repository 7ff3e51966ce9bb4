// Notifications API v1 with amazon-sp-api: destinations with a grantless token (client_credentials, scope
// sellingpartnerapi::notifications), subscriptions per seller and notification type, and their errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectConforms } from './conformance';
import { raw, startAmazonSandbox, NA_SELLER, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;

beforeAll(async () => {
  // The Notifications API's usage plan is 1/s burst 5; a fast clock keeps the test from waiting on it.
  sb = await startAmazonSandbox({ timeScale: 1000 });
  sp = sb.client();
});
afterAll(() => sb.close());

const ARN = 'arn:aws:sqs:us-east-1:000000000000:calibr-notifications-api';

describe('destinations and subscriptions', () => {
  test('lifecycle: create, read, conflict, delete, in the order Amazon requires', async () => {
    const created = await raw(sp, { operation: 'notifications.createDestination', body: { name: 'calibrate', resourceSpecification: { sqs: { arn: ARN } } } });
    expect(created.status).toBe(200);
    expectConforms('createDestination', 200, created.body);
    const destinationId = created.body.payload.destinationId as string;
    expect(created.body.payload).toEqual({ name: 'calibrate', destinationId, resource: { sqs: { arn: ARN } } });
    // The grantless token came from LWA's client_credentials grant with the notifications scope.
    const grants = sb.log.query({ platform: 'amazon' }).filter((e) => (e.detail as { lwa?: string } | undefined)?.lwa === 'client_credentials');
    expect(grants.length).toBeGreaterThan(0);

    const again = await raw(sp, { operation: 'notifications.createDestination', body: { name: 'calibrate', resourceSpecification: { sqs: { arn: ARN } } } });
    expect(again.status).toBe(409);
    expect(again.body.errors[0].code).toBe('Conflict');

    const list = await raw(sp, { operation: 'notifications.getDestinations' });
    expect(list.status).toBe(200);
    expectConforms('getDestinations', 200, list.body);
    expect(list.body.payload.map((d: { destinationId: string }) => d.destinationId)).toEqual([destinationId]);
    const one = await raw(sp, { operation: 'notifications.getDestination', path: { destinationId } });
    expect(one.body.payload.resource.sqs.arn).toBe(ARN);

    // The subscription is the seller's (a seller-authorized call), to the application's destination.
    const sub = await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType: 'ANY_OFFER_CHANGED' }, body: { payloadVersion: '1.0', destinationId } });
    expect(sub.status).toBe(200);
    expectConforms('createSubscription', 200, sub.body);
    const subscriptionId = sub.body.payload.subscriptionId as string;
    expect(sub.body.payload).toEqual({ subscriptionId, payloadVersion: '1.0', destinationId });

    const twice = await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType: 'ANY_OFFER_CHANGED' }, body: { payloadVersion: '1.0', destinationId } });
    expect(twice.status).toBe(409);
    expectConforms('createSubscription', 409, twice.body);
    expect(twice.body.errors[0].message).toContain(subscriptionId);

    const got = await raw(sp, { operation: 'notifications.getSubscription', path: { notificationType: 'ANY_OFFER_CHANGED' } });
    expect(got.status).toBe(200);
    expectConforms('getSubscription', 200, got.body);
    expect(got.body.payload.subscriptionId).toBe(subscriptionId);
    const byId = await raw(sp, { operation: 'notifications.getSubscriptionById', path: { notificationType: 'ANY_OFFER_CHANGED', subscriptionId } });
    expect(byId.status).toBe(200);
    expect(byId.body.payload.destinationId).toBe(destinationId);

    // A destination in use can't go; the subscription first.
    const busy = await raw(sp, { operation: 'notifications.deleteDestination', path: { destinationId } });
    expect(busy.status).toBe(409);
    const unsub = await raw(sp, { operation: 'notifications.deleteSubscriptionById', path: { notificationType: 'ANY_OFFER_CHANGED', subscriptionId } });
    expect(unsub.status).toBe(200);
    expectConforms('deleteSubscriptionById', 200, unsub.body);
    const gone = await raw(sp, { operation: 'notifications.getSubscription', path: { notificationType: 'ANY_OFFER_CHANGED' } });
    expect(gone.status).toBe(404);
    expectConforms('getSubscription', 404, gone.body);
    const unsubAgain = await raw(sp, { operation: 'notifications.deleteSubscriptionById', path: { notificationType: 'ANY_OFFER_CHANGED', subscriptionId } });
    expect(unsubAgain.status).toBe(404);

    const deleted = await raw(sp, { operation: 'notifications.deleteDestination', path: { destinationId } });
    expect(deleted.status).toBe(200);
    expect((await raw(sp, { operation: 'notifications.getDestination', path: { destinationId } })).status).toBe(404);
  });

  test('invalid requests: the model checks the body, the sandbox the type, payload version and destination', async () => {
    const noArn = await raw(sp, { operation: 'notifications.createDestination', body: { name: 'x', resourceSpecification: { sqs: { arn: 'not-an-arn' } } } });
    expect(noArn.status).toBe(400);
    expect(noArn.body.errors[0].code).toBe('InvalidInput');
    const dest = await raw(sp, { operation: 'notifications.createDestination', body: { name: 'x', resourceSpecification: { sqs: { arn: `${ARN}-2` } } } });
    const destinationId = dest.body.payload.destinationId as string;

    const missing = await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType: 'ANY_OFFER_CHANGED' }, body: { payloadVersion: '1.0' } });
    expect(missing.status).toBe(400);
    const badVersion = await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType: 'FEED_PROCESSING_FINISHED' }, body: { payloadVersion: '1.0', destinationId } });
    expect(badVersion.status).toBe(400);
    // amazon-sp-api refuses an unknown type itself; Amazon does too, on the wire.
    await sp.refreshAccessToken();
    const badType = await sb.request({
      method: 'POST',
      host: 'sellingpartnerapi-na.amazon.com',
      path: '/notifications/v1/subscriptions/NOT_A_TYPE',
      headers: { 'x-amz-access-token': sp.access_token, 'content-type': 'application/json' },
      body: JSON.stringify({ payloadVersion: '1.0', destinationId }),
    });
    expect(badType.status).toBe(400);
    const badDestination = await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType: 'PRICING_HEALTH' }, body: { payloadVersion: '1.0', destinationId: 'nope' } });
    expect(badDestination.status).toBe(400);
    const feed = await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType: 'FEED_PROCESSING_FINISHED' }, body: { payloadVersion: '2020-09-04', destinationId } });
    expect(feed.status).toBe(200);
    const health = await raw(sp, { operation: 'notifications.createSubscription', path: { notificationType: 'PRICING_HEALTH' }, body: { payloadVersion: '1.0', destinationId } });
    expect(health.status).toBe(200);
    const state = (await sb.control('GET', 'notifications')).body;
    expect(state.subscriptions.filter((s: { sellerId: string }) => s.sellerId === NA_SELLER).map((s: { notificationType: string }) => s.notificationType).sort()).toEqual(['FEED_PROCESSING_FINISHED', 'PRICING_HEALTH']);
  });

  test('a seller token does not reach grantless operations; a grantless token does not reach seller ones', async () => {
    await sp.refreshAccessToken();
    const sellerToken = sp.access_token;
    const host = 'sellingpartnerapi-na.amazon.com';
    const asSeller = await sb.request({ method: 'GET', host, path: '/notifications/v1/destinations', headers: { 'x-amz-access-token': sellerToken } });
    expect(asSeller.status).toBe(403);
    expect(JSON.parse(asSeller.body.toString()).errors[0].code).toBe('Unauthorized');

    const identity = sb.identities().sellers.find((s) => s.sellerId === NA_SELLER)!;
    const token = await sb.request({
      method: 'POST',
      host: 'api.amazon.com',
      path: '/auth/o2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'sellingpartnerapi::notifications', client_id: identity.lwa.clientId, client_secret: identity.lwa.clientSecret }).toString(),
    });
    const grantless = JSON.parse(token.body.toString()).access_token as string;
    const ok = await sb.request({ method: 'GET', host, path: '/notifications/v1/destinations', headers: { 'x-amz-access-token': grantless } });
    expect(ok.status).toBe(200);
    const sellerOp = await sb.request({ method: 'GET', host, path: '/notifications/v1/subscriptions/ANY_OFFER_CHANGED', headers: { 'x-amz-access-token': grantless } });
    expect(sellerOp.status).toBe(403);
  });

  test("one application doesn't see another's destinations or subscriptions", async () => {
    const mine = await raw(sp, { operation: 'notifications.createDestination', body: { name: 'mine', resourceSpecification: { sqs: { arn: `${ARN}-mine` } } } });
    const destinationId = mine.body.payload.destinationId as string;
    const app = (await sb.control('POST', 'apps', { applicationId: 'amzn1.sp.solution.other-app', name: 'Other' })).body;
    const auth = (await sb.control('POST', 'authorize', { sellerId: NA_SELLER, applicationId: 'amzn1.sp.solution.other-app' })).body;
    const other = sb.client({ clientId: app.clientId, clientSecret: app.clientSecret, refreshToken: auth.refreshToken });
    const theirs = await raw(other, { operation: 'notifications.getDestinations' });
    expect(theirs.status).toBe(200);
    expect(theirs.body.payload).toEqual([]);
    expect((await raw(other, { operation: 'notifications.getDestination', path: { destinationId } })).status).toBe(404);
    const sub = await raw(other, { operation: 'notifications.createSubscription', path: { notificationType: 'ANY_OFFER_CHANGED' }, body: { payloadVersion: '1.0', destinationId } });
    expect(sub.status).toBe(400);
  });
});
