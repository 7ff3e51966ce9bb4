-- CreateTable
CREATE TABLE "AmazonTenant" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmazonTenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonAuthorizationState" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "consumedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmazonAuthorizationState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonUsedNonce" (
    "purpose" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmazonUsedNonce_pkey" PRIMARY KEY ("purpose","nonce")
);

-- CreateTable
CREATE TABLE "AmazonIntegration" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "sellingPartnerId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "marketplaceIds" JSONB NOT NULL,
    "authMode" TEXT NOT NULL,
    "lwaClientId" TEXT,
    "lwaClientSecretCiphertext" TEXT,
    "refreshTokenCiphertext" TEXT NOT NULL,
    "accessTokenCiphertext" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'connected',
    "statusReason" TEXT,
    "connectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnectedAt" TIMESTAMP(3),
    "lastSyncAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmazonIntegration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonPriceFeed" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "feedId" TEXT,
    "feedDocumentId" TEXT,
    "feedType" TEXT NOT NULL DEFAULT 'JSON_LISTINGS_FEED',
    "marketplaceIds" JSONB NOT NULL,
    "batchId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PREPARING',
    "messageCount" INTEGER NOT NULL,
    "submittedAt" TIMESTAMP(3),
    "nextPollAt" TIMESTAMP(3),
    "pollCount" INTEGER NOT NULL DEFAULT 0,
    "completedAt" TIMESTAMP(3),
    "resultFeedDocumentId" TEXT,
    "resultSummary" JSONB,
    "resultReport" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmazonPriceFeed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonPriceUpdate" (
    "id" TEXT NOT NULL,
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
    "submittedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmazonPriceUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonListing" (
    "id" TEXT NOT NULL,
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
    "platformUpdatedAt" TIMESTAMP(3),
    "lastSyncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "data" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmazonListing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonFeeEstimate" (
    "id" TEXT NOT NULL,
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
    "estimatedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmazonFeeEstimate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonJob" (
    "id" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "groupKey" TEXT,
    "payload" JSONB,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedBy" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "result" JSONB,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmazonJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonNotificationDestination" (
    "id" TEXT NOT NULL,
    "lwaClientId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "queueArn" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmazonNotificationDestination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonNotificationSubscription" (
    "id" TEXT NOT NULL,
    "sellingPartnerId" TEXT NOT NULL,
    "lwaClientId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "notificationType" TEXT NOT NULL,
    "payloadVersion" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmazonNotificationSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonUnsubscribeCredential" (
    "id" TEXT NOT NULL,
    "sellingPartnerId" TEXT NOT NULL,
    "lwaClientId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "lwaClientSecretCiphertext" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmazonUnsubscribeCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AmazonProcessedNotification" (
    "notificationId" TEXT NOT NULL,
    "notificationType" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmazonProcessedNotification_pkey" PRIMARY KEY ("notificationId")
);

-- CreateTable
CREATE TABLE "AmazonOfferWatermark" (
    "sellingPartnerId" TEXT NOT NULL,
    "marketplaceId" TEXT NOT NULL,
    "asin" TEXT NOT NULL,
    "eventTime" TIMESTAMP(3) NOT NULL,
    "notificationId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AmazonOfferWatermark_pkey" PRIMARY KEY ("sellingPartnerId","marketplaceId","asin")
);

-- CreateTable
CREATE TABLE "AmazonOfferChange" (
    "id" SERIAL NOT NULL,
    "projectId" TEXT NOT NULL,
    "sellingPartnerId" TEXT NOT NULL,
    "notificationId" TEXT NOT NULL,
    "marketplaceId" TEXT NOT NULL,
    "asin" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'offers',
    "cause" TEXT NOT NULL,
    "eventTime" TIMESTAMP(3) NOT NULL,
    "listing" JSONB,
    "pricingHealth" JSONB,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AmazonOfferChange_pkey" PRIMARY KEY ("id")
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
CREATE UNIQUE INDEX "AmazonFeeEstimate_projectId_sellingPartnerId_marketplaceId__key" ON "AmazonFeeEstimate"("projectId", "sellingPartnerId", "marketplaceId", "sku", "fulfillment", "currency", "bandFloor", "shipping");

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
CREATE UNIQUE INDEX "AmazonNotificationSubscription_sellingPartnerId_lwaClientId_key" ON "AmazonNotificationSubscription"("sellingPartnerId", "lwaClientId", "region", "notificationType");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonUnsubscribeCredential_sellingPartnerId_lwaClientId_re_key" ON "AmazonUnsubscribeCredential"("sellingPartnerId", "lwaClientId", "region");

-- CreateIndex
CREATE INDEX "AmazonProcessedNotification_receivedAt_idx" ON "AmazonProcessedNotification"("receivedAt");

-- CreateIndex
CREATE INDEX "AmazonOfferChange_projectId_id_idx" ON "AmazonOfferChange"("projectId", "id");

-- CreateIndex
CREATE INDEX "AmazonOfferChange_receivedAt_idx" ON "AmazonOfferChange"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AmazonOfferChange_projectId_notificationId_key" ON "AmazonOfferChange"("projectId", "notificationId");

-- AddForeignKey
ALTER TABLE "AmazonAuthorizationState" ADD CONSTRAINT "AmazonAuthorizationState_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmazonIntegration" ADD CONSTRAINT "AmazonIntegration_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmazonPriceFeed" ADD CONSTRAINT "AmazonPriceFeed_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmazonPriceFeed" ADD CONSTRAINT "AmazonPriceFeed_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "AmazonIntegration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmazonPriceUpdate" ADD CONSTRAINT "AmazonPriceUpdate_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmazonPriceUpdate" ADD CONSTRAINT "AmazonPriceUpdate_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "AmazonIntegration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmazonPriceUpdate" ADD CONSTRAINT "AmazonPriceUpdate_priceFeedId_fkey" FOREIGN KEY ("priceFeedId") REFERENCES "AmazonPriceFeed"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmazonListing" ADD CONSTRAINT "AmazonListing_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmazonFeeEstimate" ADD CONSTRAINT "AmazonFeeEstimate_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AmazonOfferChange" ADD CONSTRAINT "AmazonOfferChange_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "AmazonTenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

