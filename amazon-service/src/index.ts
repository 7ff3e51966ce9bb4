// @calibr/amazon-service: the service, and what other parts use from it (the settings link signer and
// the connector's description for the app's registry).
export { startAmazonService, type RunningAmazonService, type StartOptions } from './server';
export { createApp, API_BASE } from './app';
export { signSettingsLink, verifySettingsLink, SETTINGS_LINK_PATH, SETTINGS_LINK_TTL_SECONDS } from './settings-page/settings-link';
export { AMAZON_CAPABILITIES, AMAZON_CONNECTOR_VERSION, createAmazonConnector } from './connector/amazon-connector';
export { planPriceFeeds, renderFeedDocument } from './feeds/feed-documents';
export { amazonDatabaseUrl, createAmazonDb, migrateAmazonDatabase, type AmazonDb } from './database/amazon-db';
