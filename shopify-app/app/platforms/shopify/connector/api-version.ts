// The one place the app names its Admin API version. shopify.app.toml's [webhooks] api_version must
// match (a test checks it).
import { ApiVersion } from '@shopify/shopify-api';

export const SHOPIFY_API_VERSION = ApiVersion.October26;
