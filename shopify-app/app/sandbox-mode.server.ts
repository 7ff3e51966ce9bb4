// Sandbox mode (SANDBOX_URL set): Shopify's hosts are routed to the sandbox on loopback, and App
// Bridge loads from the sandbox's stand-in. Without SANDBOX_URL nothing changes: real hosts.
import { installSandboxRouting, sandboxAppBridgeUrl } from '@calibr/sandbox/routing';

const sandboxUrl = process.env.SANDBOX_URL?.replace(/\/$/, '') || undefined;

if (sandboxUrl) {
  installSandboxRouting(sandboxUrl);
  process.env.APP_BRIDGE_URL ||= sandboxAppBridgeUrl(sandboxUrl);
}

export const sandboxMode = Boolean(sandboxUrl);
/** The App Bridge script the pages load (Shopify's CDN unless overridden). */
export const appBridgeUrl = process.env.APP_BRIDGE_URL || 'https://cdn.shopify.com/shopifycloud/app-bridge.js';
