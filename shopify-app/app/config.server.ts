// The app's configuration, from the environment (and shopify.app.toml for what it declares).
import { readAppToml } from './app-toml.server';

export interface AppConfig {
  apiKey: string;
  apiSecret: string;
  appUrl: string;
  scopes: string[];
  /** The App Bridge script the pages load: Shopify's CDN unless APP_BRIDGE_URL says otherwise (the sandbox's stand-in). */
  appBridgeUrl: string;
}

let cached: AppConfig | undefined;

/** The scopes the app requires (SCOPES, else shopify.app.toml's `scopes`): readable without the app's secrets. */
export function configuredScopes(): string[] {
  return (process.env.SCOPES || readAppToml().scopes).split(',').map((s) => s.trim()).filter(Boolean);
}

export function appConfig(): AppConfig {
  if (cached) return cached;
  const toml = readAppToml();
  const apiKey = process.env.SHOPIFY_API_KEY || toml.clientId;
  const apiSecret = process.env.SHOPIFY_API_SECRET || '';
  if (!apiSecret) {
    throw new Error('SHOPIFY_API_SECRET is not set: the app cannot verify session tokens, OAuth or webhooks without it.');
  }
  cached = {
    apiKey,
    apiSecret,
    appUrl: process.env.SHOPIFY_APP_URL || process.env.HOST || toml.applicationUrl,
    scopes: configuredScopes(),
    appBridgeUrl: process.env.APP_BRIDGE_URL || 'https://cdn.shopify.com/shopifycloud/app-bridge.js',
  };
  return cached;
}
