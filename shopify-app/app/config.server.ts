// The app's configuration, from the environment (and shopify.app.toml for what it declares).
import { readAppToml } from './app-toml.server';

export interface AppConfig {
  apiKey: string;
  apiSecret: string;
  appUrl: string;
  scopes: string[];
  /** Set in sandbox mode: Shopify traffic goes to the sandbox at this base URL. */
  sandboxUrl: string | undefined;
}

let cached: AppConfig | undefined;

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
    scopes: (process.env.SCOPES || toml.scopes).split(',').map((s) => s.trim()).filter(Boolean),
    sandboxUrl: process.env.SANDBOX_URL?.replace(/\/$/, '') || undefined,
  };
  return cached;
}
