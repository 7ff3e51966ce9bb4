// One instance of Shopify's base library (@shopify/shopify-api) for what the Remix package doesn't expose:
// checking a webhook's HMAC without loading the shop's session, and telling a refused token refresh from a
// lost one (the Remix package answers both with a bare 500).
import '../../shopify.server'; // Shopify's runtime adapter, set up before shopifyApi below is made
import { HttpResponseError, LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';
import { appConfig } from '../../config.server';
import { SHOPIFY_API_VERSION } from './connector/api-version';

let api: Shopify | undefined;

export function shopifyBaseApi(): Shopify {
  if (api) return api;
  const config = appConfig();
  api = shopifyApi({
    apiKey: config.apiKey,
    apiSecretKey: config.apiSecret,
    apiVersion: SHOPIFY_API_VERSION,
    hostName: new URL(config.appUrl || 'http://localhost').host,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error },
  });
  return api;
}

/** Shopify answered a refresh with a client error other than 429: the refresh token is revoked or invalid. */
export function refreshRefused(error: unknown): error is HttpResponseError {
  return error instanceof HttpResponseError && error.response.code >= 400 && error.response.code < 500 && error.response.code !== 429;
}
