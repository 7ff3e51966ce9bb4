-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "name" TEXT,
    "currency" TEXT,
    "timezone" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PlatformIntegration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "platformName" TEXT NOT NULL,
    "externalId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'connected',
    "connectedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnectedAt" DATETIME,
    "lastSyncAt" DATETIME,
    "syncStatus" TEXT NOT NULL DEFAULT 'idle',
    "syncError" TEXT,
    "metadata" JSONB,
    "credentialsCiphertext" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PlatformIntegration_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PlatformSyncLog" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "syncType" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'started',
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME,
    "itemsTotal" INTEGER,
    "itemsSynced" INTEGER NOT NULL DEFAULT 0,
    "itemsFailed" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB,
    CONSTRAINT "PlatformSyncLog_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PlatformSyncLog_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "PlatformIntegration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuthorizationState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "consumedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuthorizationState_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UsedNonce" (
    "purpose" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("purpose", "nonce")
);

-- CreateTable
CREATE TABLE "ShopifyIntegration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "accessTokenCiphertext" TEXT,
    "accessTokenExpiresAt" DATETIME,
    "refreshTokenCiphertext" TEXT,
    "refreshTokenExpiresAt" DATETIME,
    "scope" TEXT NOT NULL,
    "apiVersion" TEXT,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "productsSyncedUpTo" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ShopifyIntegration_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ShopifyWebhookSubscription" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "uri" TEXT NOT NULL,
    "apiVersion" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'app_toml',
    "shopifyId" TEXT,
    "lastDeliveryAt" DATETIME,
    "lastWebhookId" TEXT,
    "deliveriesReceived" INTEGER NOT NULL DEFAULT 0,
    "duplicatesIgnored" INTEGER NOT NULL DEFAULT 0,
    "deliveriesFailed" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "lastErrorAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ShopifyWebhookSubscription_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ShopifyWebhookSubscription_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "ShopifyIntegration" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ShopifyBulkRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "runKey" TEXT NOT NULL,
    "variantIds" TEXT NOT NULL,
    "stagedUploadPath" TEXT NOT NULL,
    "operationId" TEXT,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ShopifyBulkRun_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Listing" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "marketplaceId" TEXT NOT NULL DEFAULT '',
    "productExternalId" TEXT,
    "sku" TEXT,
    "asin" TEXT,
    "title" TEXT NOT NULL,
    "variantTitle" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "currency" TEXT NOT NULL,
    "priceAmount" TEXT NOT NULL,
    "compareAtAmount" TEXT,
    "tags" JSONB,
    "collectionIds" JSONB,
    "inventoryQuantity" INTEGER,
    "platformUpdatedAt" DATETIME,
    "lastSyncedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "productLinkId" TEXT,
    "linkSource" TEXT,
    "data" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Listing_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Listing_productLinkId_fkey" FOREIGN KEY ("productLinkId") REFERENCES "ProductLink" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProductLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "title" TEXT,
    "source" TEXT NOT NULL DEFAULT 'auto',
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ProductLink_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CompetitorPriceObservation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "listingId" TEXT,
    "platform" TEXT NOT NULL DEFAULT 'amazon',
    "marketplaceId" TEXT NOT NULL DEFAULT '',
    "asin" TEXT,
    "sku" TEXT,
    "currency" TEXT NOT NULL,
    "buyBoxAmount" TEXT,
    "buyBoxSellerId" TEXT,
    "buyBoxIsOurs" BOOLEAN,
    "lowestOfferAmount" TEXT,
    "offerCount" INTEGER,
    "details" JSONB,
    "observedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT NOT NULL DEFAULT 'poll',
    "notificationId" TEXT,
    CONSTRAINT "CompetitorPriceObservation_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CompetitorPriceObservation_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CompetitiveFreshness" (
    "listingId" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "readAt" DATETIME NOT NULL,
    "observedAt" DATETIME,
    "source" TEXT,
    "movedAt" DATETIME,
    "valueMinor" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "CompetitiveFreshness_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CompetitiveFreshness_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OfferChangeCursor" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "cursor" TEXT,
    "state" TEXT NOT NULL DEFAULT 'off',
    "lastReceivedAt" DATETIME,
    "received" INTEGER NOT NULL DEFAULT 0,
    "duplicatesDropped" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OfferChangeCursor_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PendingReprice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "trigger" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PendingReprice_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CompetitorPriceMove" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "sellerId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "fromAmount" TEXT,
    "toAmount" TEXT NOT NULL,
    "movedAt" DATETIME NOT NULL,
    CONSTRAINT "CompetitorPriceMove_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CompetitorPriceMove_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PricingFlag" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "productLinkId" TEXT,
    "listingId" TEXT,
    "kind" TEXT NOT NULL,
    "detail" JSONB,
    "raisedAt" DATETIME NOT NULL,
    "clearedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PricingFlag_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PricingRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeValue" TEXT,
    "productLinkId" TEXT,
    "kind" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "currency" TEXT,
    "floorAmount" TEXT,
    "ceilingAmount" TEXT,
    "minMarginPercent" TEXT,
    "maxStepPercent" TEXT,
    "mapAmount" TEXT,
    "rounding" TEXT,
    "autoApproveMaxPercent" TEXT,
    "filters" JSONB,
    "raiseWhenWinning" BOOLEAN NOT NULL DEFAULT false,
    "noCompetitionAmount" TEXT,
    "floorFormula" TEXT,
    "floorMarginPercent" TEXT,
    "maxChangesPerDay" INTEGER,
    "minIntervalMinutes" INTEGER,
    "priceWarMoves" INTEGER,
    "priceWarWindowMinutes" INTEGER,
    "channel" TEXT NOT NULL DEFAULT 'both',
    "shopifyPriceMode" TEXT NOT NULL DEFAULT 'same',
    "shopifyOffsetPercent" TEXT,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PricingRule_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PricingRule_productLinkId_fkey" FOREIGN KEY ("productLinkId") REFERENCES "ProductLink" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProductCost" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "costAmount" TEXT NOT NULL,
    "floorAmount" TEXT,
    "ceilingAmount" TEXT,
    "mapAmount" TEXT,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ProductCost_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PriceSuggestion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "productLinkId" TEXT,
    "listingId" TEXT,
    "ruleId" TEXT,
    "currency" TEXT NOT NULL,
    "currentAmount" TEXT NOT NULL,
    "suggestedAmount" TEXT NOT NULL,
    "explanation" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "approvedAmount" TEXT,
    "channelPrices" JSONB,
    "decidedBy" TEXT,
    "decidedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PriceSuggestion_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PriceSuggestion_productLinkId_fkey" FOREIGN KEY ("productLinkId") REFERENCES "ProductLink" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PriceSuggestion_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PriceSuggestion_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "PricingRule" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PriceChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "suggestionId" TEXT,
    "productLinkId" TEXT,
    "listingId" TEXT,
    "currency" TEXT NOT NULL,
    "fromAmount" TEXT NOT NULL,
    "toAmount" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'suggestion',
    "status" TEXT NOT NULL DEFAULT 'approved',
    "approvedBy" TEXT,
    "approvedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rollbackOfId" TEXT,
    "completedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PriceChange_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PriceChange_suggestionId_fkey" FOREIGN KEY ("suggestionId") REFERENCES "PriceSuggestion" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "PriceChange_productLinkId_fkey" FOREIGN KEY ("productLinkId") REFERENCES "ProductLink" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "PriceChange_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "PriceChange_rollbackOfId_fkey" FOREIGN KEY ("rollbackOfId") REFERENCES "PriceChange" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PriceChangeAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "priceChangeId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "previousAmount" TEXT,
    "idempotencyKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "stage" TEXT,
    "platformReference" TEXT,
    "platformCode" TEXT,
    "platformMessage" TEXT,
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "lastAttemptAt" DATETIME,
    "appliedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PriceChangeAttempt_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PriceChangeAttempt_priceChangeId_fkey" FOREIGN KEY ("priceChangeId") REFERENCES "PriceChange" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PriceChangeAttempt_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ListingPriceSnapshot" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "observedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ListingPriceSnapshot_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ListingPriceSnapshot_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProcessedWebhook" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "webhookId" TEXT NOT NULL,
    "platform" TEXT NOT NULL DEFAULT 'shopify',
    "topic" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "projectId" TEXT,
    "apiVersion" TEXT,
    "eventId" TEXT,
    "triggeredAt" DATETIME,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'received',
    "processedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "payload" JSONB,
    CONSTRAINT "ProcessedWebhook_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "actorType" TEXT NOT NULL DEFAULT 'user',
    "action" TEXT NOT NULL,
    "entityType" TEXT,
    "entityId" TEXT,
    "data" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditLog_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Job" (
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
CREATE TABLE "BackgroundJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "dedupeKey" TEXT,
    "payload" JSONB,
    "result" JSONB,
    "error" TEXT,
    "progressDone" INTEGER NOT NULL DEFAULT 0,
    "progressTotal" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAfter" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedBy" TEXT,
    "leaseUntil" DATETIME,
    "startedAt" DATETIME,
    "completedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "BackgroundJob_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StaffMember" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "StaffMember_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Project_shopDomain_key" ON "Project"("shopDomain");

-- CreateIndex
CREATE INDEX "PlatformIntegration_projectId_idx" ON "PlatformIntegration"("projectId");

-- CreateIndex
CREATE INDEX "PlatformIntegration_platform_idx" ON "PlatformIntegration"("platform");

-- CreateIndex
CREATE UNIQUE INDEX "PlatformIntegration_projectId_platform_key" ON "PlatformIntegration"("projectId", "platform");

-- CreateIndex
CREATE INDEX "PlatformSyncLog_projectId_startedAt_idx" ON "PlatformSyncLog"("projectId", "startedAt");

-- CreateIndex
CREATE INDEX "PlatformSyncLog_integrationId_startedAt_idx" ON "PlatformSyncLog"("integrationId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuthorizationState_nonce_key" ON "AuthorizationState"("nonce");

-- CreateIndex
CREATE INDEX "AuthorizationState_projectId_idx" ON "AuthorizationState"("projectId");

-- CreateIndex
CREATE INDEX "AuthorizationState_expiresAt_idx" ON "AuthorizationState"("expiresAt");

-- CreateIndex
CREATE INDEX "UsedNonce_expiresAt_idx" ON "UsedNonce"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyIntegration_projectId_key" ON "ShopifyIntegration"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyIntegration_shopDomain_key" ON "ShopifyIntegration"("shopDomain");

-- CreateIndex
CREATE INDEX "ShopifyWebhookSubscription_projectId_idx" ON "ShopifyWebhookSubscription"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyWebhookSubscription_integrationId_topic_uri_key" ON "ShopifyWebhookSubscription"("integrationId", "topic", "uri");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyBulkRun_runKey_key" ON "ShopifyBulkRun"("runKey");

-- CreateIndex
CREATE INDEX "ShopifyBulkRun_shopDomain_status_idx" ON "ShopifyBulkRun"("shopDomain", "status");

-- CreateIndex
CREATE INDEX "ShopifyBulkRun_projectId_idx" ON "ShopifyBulkRun"("projectId");

-- CreateIndex
CREATE INDEX "Listing_projectId_platform_sku_idx" ON "Listing"("projectId", "platform", "sku");

-- CreateIndex
CREATE INDEX "Listing_projectId_asin_idx" ON "Listing"("projectId", "asin");

-- CreateIndex
CREATE INDEX "Listing_productLinkId_idx" ON "Listing"("productLinkId");

-- CreateIndex
CREATE UNIQUE INDEX "Listing_projectId_platform_marketplaceId_externalId_key" ON "Listing"("projectId", "platform", "marketplaceId", "externalId");

-- CreateIndex
CREATE INDEX "ProductLink_projectId_idx" ON "ProductLink"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "ProductLink_projectId_sku_key" ON "ProductLink"("projectId", "sku");

-- CreateIndex
CREATE INDEX "CompetitorPriceObservation_projectId_observedAt_idx" ON "CompetitorPriceObservation"("projectId", "observedAt");

-- CreateIndex
CREATE INDEX "CompetitorPriceObservation_listingId_observedAt_idx" ON "CompetitorPriceObservation"("listingId", "observedAt");

-- CreateIndex
CREATE INDEX "CompetitorPriceObservation_projectId_asin_observedAt_idx" ON "CompetitorPriceObservation"("projectId", "asin", "observedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CompetitorPriceObservation_projectId_notificationId_listingId_key" ON "CompetitorPriceObservation"("projectId", "notificationId", "listingId");

-- CreateIndex
CREATE INDEX "CompetitiveFreshness_projectId_readAt_idx" ON "CompetitiveFreshness"("projectId", "readAt");

-- CreateIndex
CREATE INDEX "CompetitiveFreshness_projectId_movedAt_idx" ON "CompetitiveFreshness"("projectId", "movedAt");

-- CreateIndex
CREATE UNIQUE INDEX "OfferChangeCursor_projectId_platform_key" ON "OfferChangeCursor"("projectId", "platform");

-- CreateIndex
CREATE INDEX "PendingReprice_projectId_createdAt_idx" ON "PendingReprice"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "CompetitorPriceMove_listingId_movedAt_idx" ON "CompetitorPriceMove"("listingId", "movedAt");

-- CreateIndex
CREATE INDEX "CompetitorPriceMove_projectId_movedAt_idx" ON "CompetitorPriceMove"("projectId", "movedAt");

-- CreateIndex
CREATE INDEX "PricingFlag_projectId_clearedAt_idx" ON "PricingFlag"("projectId", "clearedAt");

-- CreateIndex
CREATE UNIQUE INDEX "PricingFlag_projectId_itemId_kind_key" ON "PricingFlag"("projectId", "itemId", "kind");

-- CreateIndex
CREATE INDEX "PricingRule_projectId_scope_idx" ON "PricingRule"("projectId", "scope");

-- CreateIndex
CREATE INDEX "PricingRule_productLinkId_idx" ON "PricingRule"("productLinkId");

-- CreateIndex
CREATE INDEX "ProductCost_projectId_idx" ON "ProductCost"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "ProductCost_projectId_sku_key" ON "ProductCost"("projectId", "sku");

-- CreateIndex
CREATE INDEX "PriceSuggestion_projectId_status_createdAt_idx" ON "PriceSuggestion"("projectId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "PriceSuggestion_projectId_updatedAt_idx" ON "PriceSuggestion"("projectId", "updatedAt");

-- CreateIndex
CREATE INDEX "PriceSuggestion_productLinkId_idx" ON "PriceSuggestion"("productLinkId");

-- CreateIndex
CREATE INDEX "PriceSuggestion_listingId_idx" ON "PriceSuggestion"("listingId");

-- CreateIndex
CREATE UNIQUE INDEX "PriceChange_idempotencyKey_key" ON "PriceChange"("idempotencyKey");

-- CreateIndex
CREATE INDEX "PriceChange_projectId_status_createdAt_idx" ON "PriceChange"("projectId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "PriceChange_projectId_updatedAt_idx" ON "PriceChange"("projectId", "updatedAt");

-- CreateIndex
CREATE INDEX "PriceChange_status_idx" ON "PriceChange"("status");

-- CreateIndex
CREATE INDEX "PriceChange_productLinkId_idx" ON "PriceChange"("productLinkId");

-- CreateIndex
CREATE INDEX "PriceChangeAttempt_projectId_status_idx" ON "PriceChangeAttempt"("projectId", "status");

-- CreateIndex
CREATE INDEX "PriceChangeAttempt_projectId_updatedAt_idx" ON "PriceChangeAttempt"("projectId", "updatedAt");

-- CreateIndex
CREATE INDEX "PriceChangeAttempt_listingId_idx" ON "PriceChangeAttempt"("listingId");

-- CreateIndex
CREATE INDEX "PriceChangeAttempt_idempotencyKey_idx" ON "PriceChangeAttempt"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "PriceChangeAttempt_priceChangeId_listingId_key" ON "PriceChangeAttempt"("priceChangeId", "listingId");

-- CreateIndex
CREATE INDEX "ListingPriceSnapshot_listingId_observedAt_idx" ON "ListingPriceSnapshot"("listingId", "observedAt");

-- CreateIndex
CREATE INDEX "ListingPriceSnapshot_projectId_observedAt_idx" ON "ListingPriceSnapshot"("projectId", "observedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProcessedWebhook_webhookId_key" ON "ProcessedWebhook"("webhookId");

-- CreateIndex
CREATE INDEX "ProcessedWebhook_projectId_idx" ON "ProcessedWebhook"("projectId");

-- CreateIndex
CREATE INDEX "ProcessedWebhook_shop_idx" ON "ProcessedWebhook"("shop");

-- CreateIndex
CREATE INDEX "ProcessedWebhook_status_receivedAt_idx" ON "ProcessedWebhook"("status", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProcessedWebhook_shop_topic_eventId_key" ON "ProcessedWebhook"("shop", "topic", "eventId");

-- CreateIndex
CREATE INDEX "AuditLog_projectId_createdAt_idx" ON "AuditLog"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_entityType_entityId_idx" ON "AuditLog"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "Job_queue_status_runAt_idx" ON "Job"("queue", "status", "runAt");

-- CreateIndex
CREATE INDEX "Job_groupKey_status_idx" ON "Job"("groupKey", "status");

-- CreateIndex
CREATE INDEX "Job_status_completedAt_idx" ON "Job"("status", "completedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Job_queue_key_key" ON "Job"("queue", "key");

-- CreateIndex
CREATE UNIQUE INDEX "BackgroundJob_dedupeKey_key" ON "BackgroundJob"("dedupeKey");

-- CreateIndex
CREATE INDEX "BackgroundJob_projectId_kind_createdAt_idx" ON "BackgroundJob"("projectId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "BackgroundJob_status_runAfter_idx" ON "BackgroundJob"("status", "runAfter");

-- CreateIndex
CREATE UNIQUE INDEX "StaffMember_projectId_userId_key" ON "StaffMember"("projectId", "userId");

