// One row of every model of the app's schema, every scalar field set to a non-null value that exercises its type
// (unicode text, JSON with nesting, BigInt beyond 2^53, millisecond timestamps). Written in
// dependency order; the round-trip test reads each back and compares field by field.
import { encryptSecret } from '../../src/crypto/secrets';
import type { Keyring } from '../../src/crypto/keyring';
import type { Db } from '../../src/client';

const at = (iso: string) => new Date(iso);
const T1 = at('2025-03-04T05:06:07.891Z');
const T2 = at('2025-06-30T23:59:59.999Z');

export interface WrittenRow {
  model: string;
  id: string;
  data: Record<string, unknown>;
  /** The unique key to read it back by, for a model whose key is not `id`. */
  where?: Record<string, unknown>;
}

export async function writeEveryModel(db: Db, keyring: Keyring): Promise<WrittenRow[]> {
  const written: WrittenRow[] = [];
  const suffix = Math.random().toString(36).slice(2, 8);
  async function put<T extends { id: string }>(model: string, create: (data: never) => Promise<T>, data: Record<string, unknown>): Promise<T> {
    const row = await create(data as never);
    written.push({ model, id: row.id, data });
    return row;
  }

  await put('Session', (data) => db.session.create({ data }), {
    id: `offline_shop-${suffix}.myshopify.com`,
    shop: `shop-${suffix}.myshopify.com`,
    state: 'state-é-1',
    isOnline: true,
    scope: 'read_products,write_products,read_inventory',
    expires: T2,
    accessToken: encryptSecret('shpat_session_token', keyring),
    userId: 9007199254740993n,
    firstName: 'Zoë',
    lastName: "O'Brien",
    email: 'zoe@example.com',
    accountOwner: true,
    locale: 'fr-CA',
    collaborator: true,
    emailVerified: true,
    refreshToken: encryptSecret('shprt_session_refresh', keyring),
    refreshTokenExpires: T2,
  });

  const project = await put('Project', (data) => db.project.create({ data }), {
    shopDomain: `shop-${suffix}.myshopify.com`,
    name: 'Boutique « Été »',
    currency: 'EUR',
    timezone: 'Europe/Paris',
    status: 'active',
    createdAt: T1,
  });
  const projectId = project.id;

  const platformIntegration = await put('PlatformIntegration', (data) => db.platformIntegration.create({ data }), {
    projectId,
    platform: 'amazon',
    platformName: 'Amazon (Europe)',
    externalId: 'A1SELLER',
    status: 'needs_reconnect',
    connectedAt: T1,
    disconnectedAt: T2,
    lastSyncAt: T2,
    syncStatus: 'error',
    syncError: 'LWA said: invalid_grant',
    metadata: { capabilities: ['products', 'pricing'], counts: { listings: 3 }, nested: [{ a: null }] },
    credentialsCiphertext: encryptSecret('{"apiKey":"reference-key"}', keyring),
    createdAt: T1,
  });

  await put('PlatformSyncLog', (data) => db.platformSyncLog.create({ data }), {
    projectId,
    integrationId: platformIntegration.id,
    platform: 'amazon',
    syncType: 'incremental',
    status: 'failed',
    startedAt: T1,
    completedAt: T2,
    itemsTotal: 2000,
    itemsSynced: 1998,
    itemsFailed: 2,
    errors: [{ externalId: 'SKU-1', code: 'NOT_FOUND', message: 'gone' }],
  });

  await put('AuthorizationState', (data) => db.authorizationState.create({ data }), {
    projectId,
    platform: 'amazon',
    nonce: `nonce-${suffix}`,
    expiresAt: T2,
    consumedAt: T1,
    createdAt: T1,
  });

  const shopify = await put('ShopifyIntegration', (data) => db.shopifyIntegration.create({ data }), {
    projectId,
    shopDomain: `shop-${suffix}.myshopify.com`,
    accessTokenCiphertext: encryptSecret('shpat_offline_token', keyring),
    accessTokenExpiresAt: T2,
    refreshTokenCiphertext: encryptSecret('shprt_offline_refresh', keyring),
    refreshTokenExpiresAt: T2,
    scope: 'read_products,write_products',
    apiVersion: '2025-07',
    installedAt: T1,
    uninstalledAt: T2,
    isActive: false,
    productsSyncedUpTo: T2,
    createdAt: T1,
  });

  await put('ShopifyWebhookSubscription', (data) => db.shopifyWebhookSubscription.create({ data }), {
    projectId,
    integrationId: shopify.id,
    topic: 'products/update',
    uri: '/webhooks/products/update',
    apiVersion: '2025-07',
    source: 'api',
    shopifyId: 'gid://shopify/WebhookSubscription/1',
    lastDeliveryAt: T2,
    lastWebhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    deliveriesReceived: 10,
    duplicatesIgnored: 2,
    deliveriesFailed: 1,
    lastError: 'handler timed out',
    lastErrorAt: T2,
    createdAt: T1,
  });

  await put('ShopifyBulkRun', (data) => db.shopifyBulkRun.create({ data }), {
    projectId,
    shopDomain: `shop-${suffix}.myshopify.com`,
    runKey: `run-${suffix}`,
    variantIds: JSON.stringify(['gid://shopify/ProductVariant/1', 'gid://shopify/ProductVariant/2']),
    stagedUploadPath: 'tmp/bulk/calibr-variant-prices.jsonl',
    operationId: 'gid://shopify/BulkOperation/3400000001',
    status: 'started',
    createdAt: T1,
  });

  const link = await put('ProductLink', (data) => db.productLink.create({ data }), {
    projectId,
    sku: 'SKU-Ä-1',
    title: 'Tasse',
    source: 'manual',
    createdBy: 'merchant@example.com',
    createdAt: T1,
  });

  const listing = await put('Listing', (data) => db.listing.create({ data }), {
    projectId,
    platform: 'amazon',
    externalId: 'SKU-Ä-1',
    marketplaceId: 'A1PM5X3Y5T5U2',
    productExternalId: 'B0PARENT',
    sku: 'SKU-Ä-1',
    asin: 'B0CHILD01',
    title: 'Tasse « bleue »',
    variantTitle: '250 ml',
    status: 'inactive',
    currency: 'EUR',
    priceAmount: '19.99',
    compareAtAmount: '24.99',
    tags: ['sale', 'été'],
    collectionIds: ['gid://shopify/Collection/1'],
    inventoryQuantity: -3,
    platformUpdatedAt: T2,
    lastSyncedAt: T2,
    productLinkId: link.id,
    linkSource: 'manual',
    data: { fulfillmentChannel: 'AFN', conditionType: 'new_new' },
    createdAt: T1,
  });

  await put('CompetitorPriceObservation', (data) => db.competitorPriceObservation.create({ data }), {
    projectId,
    listingId: listing.id,
    platform: 'amazon',
    marketplaceId: 'A1PM5X3Y5T5U2',
    asin: 'B0CHILD01',
    sku: 'SKU-Ä-1',
    currency: 'EUR',
    buyBoxAmount: '18.49',
    buyBoxSellerId: 'A2OTHER',
    buyBoxIsOurs: false,
    lowestOfferAmount: '17.99',
    offerCount: 12,
    details: { offers: [{ listing: '16.99', shipping: '1.00', condition: 'New', fba: true }] },
    observedAt: T1,
    source: 'notification',
    notificationId: 'c9b3e5a1-notification-ü',
  });

  const freshness = {
    listingId: listing.id,
    projectId,
    readAt: T2,
    observedAt: T1,
    source: 'notification',
    movedAt: T1,
    valueMinor: 9_007_199_254_740_993n,
  };
  await db.competitiveFreshness.create({ data: freshness });
  written.push({ model: 'CompetitiveFreshness', id: listing.id, data: freshness, where: { listingId: listing.id } });

  await put('OfferChangeCursor', (data) => db.offerChangeCursor.create({ data }), {
    projectId,
    platform: 'amazon',
    cursor: '00000000000000000042',
    state: 'live',
    lastReceivedAt: T2,
    received: 7,
    duplicatesDropped: 2,
  });

  await put('PendingReprice', (data) => db.pendingReprice.create({ data }), {
    projectId,
    listingId: listing.id,
    trigger: { kind: 'lowest_offer_moved', platform: 'amazon', from: '17.99', to: '16.99', at: '2025-03-04T05:06:07.891Z' },
    createdAt: T1,
  });

  const rule = await put('PricingRule', (data) => db.pricingRule.create({ data }), {
    projectId,
    name: 'Beat lowest by 1 %',
    scope: 'product',
    scopeValue: 'gid://shopify/Product/1',
    productLinkId: link.id,
    kind: 'beat_lowest_percent',
    params: { percent: '1' },
    currency: 'EUR',
    floorAmount: '12.00',
    ceilingAmount: '39.00',
    minMarginPercent: '15',
    maxStepPercent: '10',
    mapAmount: '14.99',
    rounding: '0.99',
    autoApproveMaxPercent: '2.5',
    filters: { condition: 'new', fulfillment: 'AFN', minFeedbackPercent: 95, excludedSellerIds: ['A1ÉTÉ'], ignoreBelowFloor: true },
    raiseWhenWinning: true,
    noCompetitionAmount: '29.99',
    floorFormula: 'cost_fees_margin',
    floorMarginPercent: '12.5',
    maxChangesPerDay: 24,
    minIntervalMinutes: 15,
    priceWarMoves: 4,
    priceWarWindowMinutes: 120,
    channel: 'amazon',
    shopifyPriceMode: 'offset',
    shopifyOffsetPercent: '5',
    priority: 10,
    isActive: false,
    createdAt: T1,
  });

  await put('CompetitorPriceMove', (data) => db.competitorPriceMove.create({ data }), {
    projectId,
    listingId: listing.id,
    sellerId: 'A2OTHER',
    currency: 'EUR',
    fromAmount: '18.49',
    toAmount: '17.99',
    movedAt: T1,
  });

  await put('PricingFlag', (data) => db.pricingFlag.create({ data }), {
    projectId,
    itemId: link.id,
    productLinkId: link.id,
    listingId: listing.id,
    kind: 'price_war',
    detail: { sellerId: 'A2OTHER', moves: 5, windowMinutes: 120 },
    raisedAt: T1,
    clearedAt: T2,
    createdAt: T1,
  });

  await put('ProductCost', (data) => db.productCost.create({ data }), {
    projectId,
    sku: 'SKU-Ä-1',
    currency: 'EUR',
    costAmount: '8.125',
    floorAmount: '10.00',
    ceilingAmount: '40.00',
    mapAmount: '14.99',
    source: 'csv',
    createdAt: T1,
  });

  const suggestion = await put('PriceSuggestion', (data) => db.priceSuggestion.create({ data }), {
    projectId,
    productLinkId: link.id,
    listingId: listing.id,
    ruleId: rule.id,
    currency: 'EUR',
    currentAmount: '19.99',
    suggestedAmount: '17.81',
    explanation: { trigger: 'lowest_offer_moved', rule: rule.id, guardrails: [{ name: 'maxStep', from: '17.00', to: '17.81' }] },
    status: 'approved',
    statusReason: 'merchant_decision',
    approvedAmount: '17.99',
    channelPrices: [{ listingId: listing.id, platform: 'amazon', currency: 'EUR', amount: '17.81' }, { listingId: null, platform: 'shopify', currency: 'EUR', amount: null }],
    decidedBy: 'merchant@example.com',
    decidedAt: T2,
    createdAt: T1,
  });

  const original = await put('PriceChange', (data) => db.priceChange.create({ data }), {
    projectId,
    idempotencyKey: `change-${suffix}-1`,
    suggestionId: suggestion.id,
    productLinkId: link.id,
    listingId: listing.id,
    currency: 'EUR',
    fromAmount: '19.99',
    toAmount: '17.99',
    source: 'suggestion',
    status: 'partially_applied',
    approvedBy: 'merchant@example.com',
    approvedAt: T1,
    completedAt: T2,
    createdAt: T1,
  });

  const rollback = await put('PriceChange', (data) => db.priceChange.create({ data }), {
    projectId,
    idempotencyKey: `change-${suffix}-2`,
    suggestionId: suggestion.id,
    productLinkId: link.id,
    listingId: listing.id,
    currency: 'EUR',
    fromAmount: '17.99',
    toAmount: '19.99',
    source: 'rollback',
    status: 'approved',
    approvedBy: 'merchant@example.com',
    approvedAt: T2,
    rollbackOfId: original.id,
    completedAt: T2,
    createdAt: T2,
  });

  await put('PriceChangeAttempt', (data) => db.priceChangeAttempt.create({ data }), {
    projectId,
    priceChangeId: rollback.id,
    listingId: listing.id,
    platform: 'amazon',
    currency: 'EUR',
    amount: '19.99',
    previousAmount: '21.49',
    idempotencyKey: `change-${suffix}:listing:retry-1`,
    status: 'pending',
    stage: 'accepted',
    platformReference: `FEED-${suffix}`,
    platformCode: '90000',
    platformMessage: 'pending in feed',
    attemptCount: 2,
    lastAttemptAt: T2,
    appliedAt: T2,
    createdAt: T1,
  });

  await put('ListingPriceSnapshot', (data) => db.listingPriceSnapshot.create({ data }), {
    projectId,
    listingId: listing.id,
    platform: 'amazon',
    currency: 'EUR',
    amount: '19.99',
    source: 'outside_edit',
    observedAt: T2,
  });

  await put('ProcessedWebhook', (data) => db.processedWebhook.create({ data }), {
    webhookId: `wh-${suffix}`,
    eventId: `ev-${suffix}`,
    platform: 'shopify',
    topic: 'products/update',
    shop: `shop-${suffix}.myshopify.com`,
    projectId,
    apiVersion: '2025-07',
    triggeredAt: T1,
    receivedAt: T1,
    status: 'processed',
    processedAt: T2,
    attempts: 1,
    lastError: 'none',
    payload: { id: 1, variants: [{ id: 2, price: '19.99' }], title: 'Tasse' },
  });

  // Keyed by (purpose, nonce), not by id.
  const nonce = { purpose: 'service-request', nonce: `nonce-${suffix}`, expiresAt: T2, createdAt: T1 };
  await db.usedNonce.create({ data: nonce });
  written.push({ model: 'UsedNonce', id: nonce.nonce, data: nonce, where: { purpose_nonce: { purpose: nonce.purpose, nonce: nonce.nonce } } });

  await put('AuditLog', (data) => db.auditLog.create({ data }), {
    projectId,
    actor: 'merchant@example.com',
    actorType: 'user',
    action: 'price_change.approved',
    entityType: 'PriceChange',
    entityId: original.id,
    data: { from: '19.99', to: '17.99', currency: 'EUR' },
    createdAt: T1,
  });

  await put('StaffMember', (data) => db.staffMember.create({ data }), {
    projectId,
    userId: `7000${suffix}`,
    displayName: 'Ada Lovelace',
    createdAt: T1,
  });

  await put('BackgroundJob', (data) => db.backgroundJob.create({ data }), {
    projectId,
    kind: 'price_push',
    status: 'running',
    dedupeKey: `job-${suffix}`,
    payload: { priceChangeIds: [original.id] },
    result: { applied: 1 },
    error: 'transient',
    progressDone: 1,
    progressTotal: 5000,
    attempts: 2,
    runAfter: T1,
    claimedBy: 'instance-a',
    leaseUntil: T2,
    startedAt: T1,
    completedAt: T2,
    createdAt: T1,
  });

  await put('Job', (data) => db.job.create({ data }), {
    queue: 'pricing.push',
    key: `change-${suffix}`,
    groupKey: `shop:${projectId}`,
    payload: { priceChangeId: original.id },
    status: 'running',
    attempts: 2,
    maxAttempts: 7,
    runAt: T1,
    claimedBy: 'instance-a/nonce',
    leaseUntil: T2,
    lastError: 'transient',
    result: { applied: 1 },
    startedAt: T1,
    completedAt: T2,
    createdAt: T1,
  });

  return written;
}
