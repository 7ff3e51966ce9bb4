-- CreateTable
CREATE TABLE "AmazonTenant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AmazonAuthorizationState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "consumedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AmazonAuthorizationState_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AmazonUsedNonce" (
    "purpose" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("purpose", "nonce")
);

-- CreateTable
CREATE TABLE "AmazonIntegration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "sellingPartnerId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "marketplaceIds" JSONB NOT NULL,
    "authMode" TEXT NOT NULL,
    "lwaClientId" TEXT,
    "lwaClientSecretCiphertext" TEXT,
    "refreshTokenCiphertext" TEXT NOT NULL,
    "accessTokenCiphertext" TEXT,
    "accessTokenExpiresAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'connected',
    "statusReason" TEXT,
    "connectedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnectedAt" DATETIME,
    "lastSyncAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AmazonIntegration_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AmazonPriceFeed" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "feedId" TEXT,
    "feedDocumentId" TEXT,
    "feedType" TEXT NOT NULL DEFAULT 'JSON_LISTINGS_FEED',
    "marketplaceIds" JSONB NOT NULL,
    "batchId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PREPARING',
    "messageCount" INTEGER NOT NULL,
    "submittedAt" DATETIME,
    "nextPollAt" DATETIME,
    "pollCount" INTEGER NOT NULL DEFAULT 0,
    "completedAt" DATETIME,
    "resultFeedDocumentId" TEXT,
    "resultSummary" JSONB,
    "resultReport" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AmazonPriceFeed_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AmazonPriceFeed_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "AmazonIntegration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AmazonPriceUpdate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "marketplaceId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "minAmount" TEXT,
    "maxAmount" TEXT,
    "channel" TEXT NOT NULL DEFAULT 'feed',
    "priceFeedId" TEXT,
    "messageId" INTEGER,
    "submissionId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "submittedAt" DATETIME,
    "resolvedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AmazonPriceUpdate_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AmazonPriceUpdate_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "AmazonIntegration" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AmazonPriceUpdate_priceFeedId_fkey" FOREIGN KEY ("priceFeedId") REFERENCES "AmazonPriceFeed" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AmazonListing" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "marketplaceId" TEXT NOT NULL,
    "productExternalId" TEXT,
    "sku" TEXT,
    "asin" TEXT,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "currency" TEXT NOT NULL,
    "priceAmount" TEXT NOT NULL,
    "platformUpdatedAt" DATETIME,
    "lastSyncedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "data" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AmazonListing_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AmazonFeeEstimate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "sellingPartnerId" TEXT NOT NULL,
    "marketplaceId" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "fulfillment" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "bandFloor" TEXT NOT NULL,
    "shipping" TEXT NOT NULL,
    "estimatedPrice" TEXT NOT NULL,
    "totalAmount" TEXT NOT NULL,
    "fees" JSONB NOT NULL,
    "estimatedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AmazonFeeEstimate_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AmazonJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "queue" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "groupKey" TEXT,
    "payload" JSONB,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "runAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedBy" TEXT,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "result" JSONB,
    "startedAt" DATETIME,
    "completedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AmazonNotificationDestination" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "lwaClientId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "queueArn" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AmazonNotificationSubscription" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sellingPartnerId" TEXT NOT NULL,
    "lwaClientId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "notificationType" TEXT NOT NULL,
    "payloadVersion" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AmazonUnsubscribeCredential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sellingPartnerId" TEXT NOT NULL,
    "lwaClientId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "lwaClientSecretCiphertext" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AmazonProcessedNotification" (
    "notificationId" TEXT NOT NULL PRIMARY KEY,
    "notificationType" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AmazonOfferWatermark" (
    "sellingPartnerId" TEXT NOT NULL,
    "marketplaceId" TEXT NOT NULL,
    "asin" TEXT NOT NULL,
    "eventTime" DATETIME NOT NULL,
    "notificationId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("sellingPartnerId", "marketplaceId", "asin")
);

-- CreateTable
CREATE TABLE "AmazonOfferChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" TEXT NOT NULL,
    "sellingPartnerId" TEXT NOT NULL,
    "notificationId" TEXT NOT NULL,
    "marketplaceId" TEXT NOT NULL,
    "asin" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'offers',
    "cause" TEXT NOT NULL,
    "eventTime" DATETIME NOT NULL,
    "listing" JSONB,
    "pricingHealth" JSONB,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AmazonOfferChange_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "AmazonTenant_shopDomain_key" ON "AmazonTenant"("shopDomain");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonAuthorizationState_nonce_key" ON "AmazonAuthorizationState"("nonce");

-- CreateIndex
CREATE INDEX "AmazonAuthorizationState_projectId_idx" ON "AmazonAuthorizationState"("projectId");

-- CreateIndex
CREATE INDEX "AmazonAuthorizationState_expiresAt_idx" ON "AmazonAuthorizationState"("expiresAt");

-- CreateIndex
CREATE INDEX "AmazonUsedNonce_expiresAt_idx" ON "AmazonUsedNonce"("expiresAt");

-- CreateIndex
CREATE INDEX "AmazonIntegration_projectId_idx" ON "AmazonIntegration"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonIntegration_projectId_sellingPartnerId_key" ON "AmazonIntegration"("projectId", "sellingPartnerId");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonPriceFeed_feedId_key" ON "AmazonPriceFeed"("feedId");

-- CreateIndex
CREATE INDEX "AmazonPriceFeed_projectId_createdAt_idx" ON "AmazonPriceFeed"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "AmazonPriceFeed_integrationId_idx" ON "AmazonPriceFeed"("integrationId");

-- CreateIndex
CREATE INDEX "AmazonPriceFeed_status_nextPollAt_idx" ON "AmazonPriceFeed"("status", "nextPollAt");

-- CreateIndex
CREATE INDEX "AmazonPriceUpdate_priceFeedId_messageId_idx" ON "AmazonPriceUpdate"("priceFeedId", "messageId");

-- CreateIndex
CREATE INDEX "AmazonPriceUpdate_integrationId_sku_idx" ON "AmazonPriceUpdate"("integrationId", "sku");

-- CreateIndex
CREATE INDEX "AmazonPriceUpdate_projectId_status_idx" ON "AmazonPriceUpdate"("projectId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonPriceUpdate_projectId_idempotencyKey_key" ON "AmazonPriceUpdate"("projectId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "AmazonListing_projectId_sku_idx" ON "AmazonListing"("projectId", "sku");

-- CreateIndex
CREATE INDEX "AmazonListing_projectId_asin_idx" ON "AmazonListing"("projectId", "asin");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonListing_projectId_marketplaceId_externalId_key" ON "AmazonListing"("projectId", "marketplaceId", "externalId");

-- CreateIndex
CREATE INDEX "AmazonFeeEstimate_expiresAt_idx" ON "AmazonFeeEstimate"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonFeeEstimate_projectId_sellingPartnerId_marketplaceId_sku_fulfillment_currency_bandFloor_shipping_key" ON "AmazonFeeEstimate"("projectId", "sellingPartnerId", "marketplaceId", "sku", "fulfillment", "currency", "bandFloor", "shipping");

-- CreateIndex
CREATE INDEX "AmazonJob_queue_status_runAt_idx" ON "AmazonJob"("queue", "status", "runAt");

-- CreateIndex
CREATE INDEX "AmazonJob_groupKey_status_idx" ON "AmazonJob"("groupKey", "status");

-- CreateIndex
CREATE INDEX "AmazonJob_status_completedAt_idx" ON "AmazonJob"("status", "completedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonJob_queue_key_key" ON "AmazonJob"("queue", "key");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonNotificationDestination_lwaClientId_region_queueArn_key" ON "AmazonNotificationDestination"("lwaClientId", "region", "queueArn");

-- CreateIndex
CREATE INDEX "AmazonNotificationSubscription_sellingPartnerId_idx" ON "AmazonNotificationSubscription"("sellingPartnerId");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonNotificationSubscription_sellingPartnerId_lwaClientId_region_notificationType_key" ON "AmazonNotificationSubscription"("sellingPartnerId", "lwaClientId", "region", "notificationType");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonUnsubscribeCredential_sellingPartnerId_lwaClientId_region_key" ON "AmazonUnsubscribeCredential"("sellingPartnerId", "lwaClientId", "region");

-- CreateIndex
CREATE INDEX "AmazonProcessedNotification_receivedAt_idx" ON "AmazonProcessedNotification"("receivedAt");

-- CreateIndex
CREATE INDEX "AmazonOfferChange_projectId_id_idx" ON "AmazonOfferChange"("projectId", "id");

-- CreateIndex
CREATE INDEX "AmazonOfferChange_receivedAt_idx" ON "AmazonOfferChange"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonOfferChange_projectId_notificationId_key" ON "AmazonOfferChange"("projectId", "notificationId");

