// One row of every model of the Amazon service's schema (amazon-service/prisma/schema.prisma), every
// scalar field set to a non-null value; the round-trip test reads each back and compares field by field.
import type { PrismaClient as AmazonClient } from '../../../amazon-service/prisma/generated/sqlite';
import { encryptSecret } from '../../src/crypto/secrets';
import type { Keyring } from '../../src/crypto/keyring';
import type { WrittenRow } from './every-model';

const at = (iso: string) => new Date(iso);
const T1 = at('2025-03-04T05:06:07.891Z');
const T2 = at('2025-06-30T23:59:59.999Z');

export async function writeEveryAmazonModel(db: AmazonClient, keyring: Keyring): Promise<WrittenRow[]> {
  const written: WrittenRow[] = [];
  const suffix = Math.random().toString(36).slice(2, 8);
  async function put<T extends { id: string }>(model: string, create: (data: never) => Promise<T>, data: Record<string, unknown>): Promise<T> {
    const row = await create(data as never);
    written.push({ model, id: row.id, data });
    return row;
  }

  const tenant = await put('AmazonTenant', (data) => db.amazonTenant.create({ data }), {
    shopDomain: `shop-${suffix}.myshopify.com`,
    createdAt: T1,
  });
  const projectId = tenant.id;

  await put('AmazonAuthorizationState', (data) => db.amazonAuthorizationState.create({ data }), {
    projectId,
    nonce: `nonce-${suffix}`,
    expiresAt: T2,
    consumedAt: T1,
    createdAt: T1,
  });

  const nonce = { purpose: 'service-request', nonce: `n-${suffix}-é`, expiresAt: T2, createdAt: T1 };
  await db.amazonUsedNonce.create({ data: nonce });
  written.push({ model: 'AmazonUsedNonce', id: nonce.nonce, data: nonce, where: { purpose_nonce: { purpose: nonce.purpose, nonce: nonce.nonce } } });

  const amazon = await put('AmazonIntegration', (data) => db.amazonIntegration.create({ data }), {
    projectId,
    sellingPartnerId: 'A1SELLER',
    region: 'eu',
    marketplaceIds: ['A1PM5X3Y5T5U2', 'A1RKKUPIHCS9HS'],
    authMode: 'self_authorization',
    lwaClientId: 'amzn1.application-oa2-client.abc',
    lwaClientSecretCiphertext: encryptSecret('lwa-client-secret', keyring),
    refreshTokenCiphertext: encryptSecret('Atzr|refresh', keyring),
    accessTokenCiphertext: encryptSecret('Atza|access', keyring),
    accessTokenExpiresAt: T2,
    status: 'needs_reconnect',
    statusReason: 'invalid_grant',
    connectedAt: T1,
    disconnectedAt: T2,
    lastSyncAt: T2,
    createdAt: T1,
  });

  const feed = await put('AmazonPriceFeed', (data) => db.amazonPriceFeed.create({ data }), {
    projectId,
    integrationId: amazon.id,
    feedId: `FEED-${suffix}`,
    feedDocumentId: 'amzn1.tortuga.4.eu.doc',
    feedType: 'JSON_LISTINGS_FEED',
    marketplaceIds: ['A1PM5X3Y5T5U2'],
    batchId: `batch-${suffix}`,
    status: 'DONE',
    messageCount: 25000,
    submittedAt: T1,
    nextPollAt: T2,
    pollCount: 7,
    completedAt: T2,
    resultFeedDocumentId: 'amzn1.tortuga.4.eu.result',
    resultSummary: { messagesProcessed: 25000, messagesAccepted: 24998, messagesInvalid: 2, errors: 2, warnings: 0 },
    resultReport: { issues: [{ messageId: 7, code: '90000', severity: 'ERROR', message: 'bad price' }] },
    createdAt: T1,
  });

  await put('AmazonPriceUpdate', (data) => db.amazonPriceUpdate.create({ data }), {
    projectId,
    integrationId: amazon.id,
    idempotencyKey: `upd-${suffix}`,
    contentHash: 'a'.repeat(64),
    sku: 'SKU-Ä-1',
    marketplaceId: 'A1PM5X3Y5T5U2',
    currency: 'EUR',
    amount: '19.99',
    minAmount: '15.00',
    maxAmount: '29.99',
    channel: 'listings_item',
    priceFeedId: feed.id,
    messageId: 7,
    submissionId: 'sub-1',
    status: 'failed',
    errorCode: '90000',
    errorMessage: 'bad price',
    submittedAt: T1,
    resolvedAt: T2,
    createdAt: T1,
  });

  await put('AmazonListing', (data) => db.amazonListing.create({ data }), {
    projectId,
    externalId: 'SKU-Ä-1',
    marketplaceId: 'A1PM5X3Y5T5U2',
    productExternalId: 'B0PARENT',
    sku: 'SKU-Ä-1',
    asin: 'B0CHILD01',
    title: 'Tasse « bleue »',
    status: 'retired',
    currency: 'EUR',
    priceAmount: '19.99',
    platformUpdatedAt: T2,
    lastSyncedAt: T2,
    data: { productType: 'MUG', minPrice: { amount: '15.00', currency: 'EUR' }, issues: [] },
    createdAt: T1,
  });

  await put('AmazonFeeEstimate', (data) => db.amazonFeeEstimate.create({ data }), {
    projectId,
    sellingPartnerId: 'A1SELLER',
    marketplaceId: 'A1PM5X3Y5T5U2',
    sku: 'SKU-Ä-1',
    fulfillment: 'AFN',
    currency: 'EUR',
    bandFloor: '19.90',
    shipping: '',
    estimatedPrice: '19.99',
    totalAmount: '6.00',
    fees: [{ type: 'ReferralFee', amount: '3.00' }, { type: 'FBAFees', amount: '3.00' }],
    estimatedAt: T1,
    expiresAt: T2,
    createdAt: T1,
  });

  await put('AmazonJob', (data) => db.amazonJob.create({ data }), {
    queue: 'amazon.feeds',
    key: feed.id,
    groupKey: `seller:${amazon.id}`,
    payload: { note: 'Prüfung' },
    status: 'running',
    attempts: 2,
    maxAttempts: 7,
    runAt: T1,
    claimedBy: 'instance-a/nonce',
    leaseUntil: T2,
    lastError: 'transient',
    result: { polled: 1 },
    startedAt: T1,
    completedAt: T2,
    createdAt: T1,
  });

  await put('AmazonNotificationDestination', (data) => db.amazonNotificationDestination.create({ data }), {
    lwaClientId: 'amzn1.application-oa2-client.abc',
    region: 'eu',
    queueArn: `arn:aws:sqs:eu-west-1:123456789012:calibr-${suffix}`,
    destinationId: `dest-${suffix}`,
    createdAt: T1,
  });

  await put('AmazonNotificationSubscription', (data) => db.amazonNotificationSubscription.create({ data }), {
    sellingPartnerId: 'A1SELLER',
    lwaClientId: 'amzn1.application-oa2-client.abc',
    region: 'eu',
    notificationType: 'FEED_PROCESSING_FINISHED',
    payloadVersion: '2020-09-04',
    subscriptionId: `sub-${suffix}`,
    destinationId: `dest-${suffix}`,
    createdAt: T1,
  });

  await put('AmazonUnsubscribeCredential', (data) => db.amazonUnsubscribeCredential.create({ data }), {
    sellingPartnerId: 'A1SELLER',
    lwaClientId: 'amzn1.application-oa2-client.abc',
    region: 'eu',
    lwaClientSecretCiphertext: encryptSecret('lwa-client-secret', keyring),
    createdAt: T1,
    updatedAt: T2,
  });

  const processed = { notificationId: `n-${suffix}-1`, notificationType: 'ANY_OFFER_CHANGED', receivedAt: T1 };
  await db.amazonProcessedNotification.create({ data: processed });
  written.push({ model: 'AmazonProcessedNotification', id: processed.notificationId, data: processed, where: { notificationId: processed.notificationId } });

  const watermark = { sellingPartnerId: 'A1SELLER', marketplaceId: 'A1PM5X3Y5T5U2', asin: `B0${suffix}`, eventTime: T2, notificationId: `n-${suffix}-1` };
  await db.amazonOfferWatermark.create({ data: watermark });
  written.push({
    model: 'AmazonOfferWatermark',
    id: watermark.asin,
    data: watermark,
    where: { sellingPartnerId_marketplaceId_asin: { sellingPartnerId: watermark.sellingPartnerId, marketplaceId: watermark.marketplaceId, asin: watermark.asin } },
  });

  const change = {
    projectId,
    sellingPartnerId: 'A1SELLER',
    notificationId: `n-${suffix}-1`,
    marketplaceId: 'A1PM5X3Y5T5U2',
    asin: `B0${suffix}`,
    cause: 'competitor',
    eventTime: T2,
    listing: { itemId: `B0${suffix}`, currency: 'EUR', buyBox: { amount: '19.99', currency: 'EUR' }, offers: [] },
    receivedAt: T2,
  };
  const changeRow = await db.amazonOfferChange.create({ data: change });
  written.push({ model: 'AmazonOfferChange', id: String(changeRow.id), data: change, where: { id: changeRow.id } });
  const health = {
    projectId,
    sellingPartnerId: 'A1SELLER',
    notificationId: `n-${suffix}-2`,
    marketplaceId: 'A1PM5X3Y5T5U2',
    asin: `B0${suffix}`,
    kind: 'pricingHealth',
    cause: 'unknown',
    eventTime: T2,
    pricingHealth: { itemId: `B0${suffix}`, issue: 'BuyBoxDisqualification', ourPrice: { amount: '24.99', currency: 'EUR' }, referencePrices: [], exceeded: null },
    receivedAt: T2,
  };
  const healthRow = await db.amazonOfferChange.create({ data: health });
  written.push({ model: 'AmazonOfferChange', id: String(healthRow.id), data: health, where: { id: healthRow.id } });

  return written;
}
