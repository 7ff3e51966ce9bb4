// The Shopify app: `@shopify/shopify-app-remix` configured for an embedded App Store app whose
// embedded auth is token exchange with expiring offline tokens, plus a second instance on the
// authorization-code grant for shops installing from outside Admin (`/auth`, `/auth/callback`).
import '@shopify/shopify-app-remix/adapters/node';
import { AppDistribution, LogSeverity, shopifyApp, type Session } from '@shopify/shopify-app-remix/server';
import { SHOPIFY_API_VERSION } from './platforms/shopify/connector/api-version';
import { appConfig } from './config.server';
import { db } from './db.server';
import { recordInstallation } from './platforms/shopify/installation.server';
import { readShopDetailsAfterAuth } from './platforms/shopify/shop-details.server';
import { EncryptedSessionStorage } from '@calibr/db/session-storage';
import { logger } from './lib/logger.server';
import { refuseTokenWithoutShop } from './platforms/shopify/session-token-dest.server';

/** Session tokens (JWTs) and Shopify access/refresh tokens and secrets, wherever they sit in a message. */
const TOKEN_IN_TEXT = /eyJ[\w-]+\.[\w-]+\.[\w-]*|shp(?:at|ua|rt|ss|ca|pa)_\w+/g;

/**
 * Shopify's library logs through this, as pino lines: at debug level it prints whole session tokens
 * ("Attempting to authenticate session token | {sessionToken: …}"), so tokens are masked first.
 */
function logShopifyLibrary(severity: LogSeverity, message: string): void {
  const msg = message.replace(TOKEN_IN_TEXT, '[redacted]');
  if (severity === LogSeverity.Error) logger.error({ source: 'shopify-library' }, msg);
  else if (severity === LogSeverity.Warning) logger.warn({ source: 'shopify-library' }, msg);
  else if (severity === LogSeverity.Info) logger.info({ source: 'shopify-library' }, msg);
  else logger.debug({ source: 'shopify-library' }, msg);
}

const config = appConfig();
// Shopify's PrismaSessionStorage with the access and refresh tokens encrypted at rest (@calibr/db).
const sessionStorage = new EncryptedSessionStorage(db);

const base = {
  apiKey: config.apiKey,
  apiSecretKey: config.apiSecret,
  apiVersion: SHOPIFY_API_VERSION,
  scopes: config.scopes,
  appUrl: config.appUrl,
  authPathPrefix: '/auth',
  sessionStorage,
  distribution: AppDistribution.AppStore,
  isEmbeddedApp: true,
  hooks: {
    afterAuth: async ({ session }: { session: Session }) => {
      const { projectId } = await recordInstallation(session);
      // The shop's time zone (where its day starts), name and currency, from the first moment.
      await readShopDetailsAfterAuth(session.shop, projectId);
    },
  },
  logger: { level: process.env.LOG_LEVEL === 'debug' ? LogSeverity.Debug : LogSeverity.Warning, log: logShopifyLibrary },
};

const shopify = shopifyApp({
  ...base,
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
});

/** The authorization-code grant (install from outside Admin): HMAC, state cookie and timestamp checked. */
export const installFlow = shopifyApp({
  ...base,
  future: { unstable_newEmbeddedAuthStrategy: false, expiringOfflineAccessTokens: true },
});

export default shopify;
export const apiVersion = SHOPIFY_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
/** Shopify's authentication; `admin` first refuses a session token whose `dest` is no shop (the library would answer 500). */
export const authenticate = {
  ...shopify.authenticate,
  admin: (async (request: Request) => {
    refuseTokenWithoutShop(request);
    return shopify.authenticate.admin(request);
  }) as typeof shopify.authenticate.admin,
};
export const unauthenticated = shopify.unauthenticated;
export const login = installFlow.login;
export const registerWebhooks = shopify.registerWebhooks;
export { sessionStorage };
/** Every page and API route scopes what it reads by the shop's Project: the one we have, or the installation recorded now. */
export { projectIdForSession } from './platforms/shopify/installation.server';
/** The acting staff member's name, read from Shopify (online token exchange) and kept for "Approved by". */
export { rememberStaffMember } from './platforms/shopify/staff-member.server';
