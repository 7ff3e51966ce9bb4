// @calibr/sandbox/routing: how the app and the Amazon service reach the sandbox in sandbox mode (only then;
// the real hosts stay the default). The product never imports this: it has runtime hooks
// (@calibr/shared-contracts' RuntimeHooks, and Node's global fetch dispatcher), and `npm start`, tests and
// benches install the sandbox's into them (installSandbox here, or `node --import @calibr/sandbox/install`).
// Shopify's libraries use global fetch -> an undici dispatcher; amazon-sp-api takes an https.Agent as
// `https_proxy_agent` (see amazon-agent.ts).
import { extendFrameAncestors, installRuntimeHooks, uninstallRuntimeHooks, type RuntimeHooks } from '@calibr/shared-contracts';
import { getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { classifyHost } from '../amazon/hosts';
import { createAmazonSandboxAgent, sellerCentralBaseUrl } from './amazon-agent';
import { createRoutingDispatcher, isShopifyHost } from './shopify-dispatcher';

export { createRoutingDispatcher, createShopifySandboxDispatcher, isShopifyHost, loopbackTarget, SHOPIFY_STORAGE_HOSTS } from './shopify-dispatcher';
export { AmazonSandboxAgent, createAmazonSandboxAgent, createAmazonSandboxDispatcher, sellerCentralBaseUrl } from './amazon-agent';

/** Every host the sandbox plays: Shopify's and Amazon's. */
export function isSandboxHost(hostname: string): boolean {
  return isShopifyHost(hostname) || classifyHost(hostname) !== undefined;
}

/** A fetch dispatcher routing Shopify's and Amazon's hosts to the sandbox, and nothing else. */
export function createSandboxDispatcher(sandboxUrl: string | URL): Dispatcher {
  return createRoutingDispatcher(sandboxUrl, isSandboxHost);
}

/** fetch bound to the sandbox dispatcher (for code that accepts a custom fetch, e.g. admin-api-client's customFetchApi). */
export function createSandboxFetch(sandboxUrl: string | URL): typeof fetch {
  const dispatcher = createSandboxDispatcher(sandboxUrl);
  return ((input: string | URL | Request, init?: RequestInit) =>
    fetch(input, { ...(init ?? {}), dispatcher } as RequestInit)) as typeof fetch;
}

let previous: Dispatcher | null = null;

/**
 * Sandbox mode for global fetch: when `sandboxUrl` (default $SANDBOX_URL) is set, route Shopify's and
 * Amazon's hosts to it process-wide. Returns false (and changes nothing) when no sandbox URL is given.
 */
export function installSandboxRouting(sandboxUrl: string | undefined = process.env.SANDBOX_URL): boolean {
  if (!sandboxUrl) return false;
  if (!previous) previous = getGlobalDispatcher();
  setGlobalDispatcher(createSandboxDispatcher(sandboxUrl));
  return true;
}

/** Undo installSandboxRouting (tests). */
export function uninstallSandboxRouting(): void {
  if (previous) setGlobalDispatcher(previous);
  previous = null;
}

/** The App Bridge stand-in the app loads in sandbox mode (shopify-app-remix reads APP_BRIDGE_URL). */
export function sandboxAppBridgeUrl(sandboxUrl: string | URL): string {
  return `${new URL(sandboxUrl).origin}/cdn/shopifycloud/app-bridge.js`;
}

/** Where a browser reaches a shop's own host (e.g. /admin/oauth/authorize) in sandbox mode. */
export function sandboxShopBaseUrl(sandboxUrl: string | URL, shop: string): string {
  return `${new URL(sandboxUrl).origin}/_shop/${shop}`;
}

/** The sandbox's origin(s) as a browser may use them (127.0.0.1 and localhost are the same loopback). */
function sandboxOrigins(sandboxUrl: string | URL): string[] {
  const url = new URL(sandboxUrl);
  const port = url.port ? `:${url.port}` : '';
  if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return [`${url.protocol}//127.0.0.1${port}`, `${url.protocol}//localhost${port}`];
  return [url.origin];
}

/**
 * In sandbox mode the Admin is the sandbox's shell, which shopify-app-remix's CSP (`frame-ancestors
 * https://{shop} https://admin.shopify.com …`) doesn't name: add the sandbox's origin so the browser lets the
 * shell frame the app. No-op without a sandbox URL or without a frame-ancestors directive.
 */
export function allowSandboxFrameAncestor(headers: Headers, sandboxUrl: string | URL | undefined = process.env.SANDBOX_URL): void {
  const csp = headers.get('Content-Security-Policy');
  if (!sandboxUrl || !csp) return;
  headers.set('Content-Security-Policy', extendFrameAncestors(csp, sandboxOrigins(sandboxUrl)));
}

/**
 * The runtime hooks that put one process's product code in sandbox mode: Amazon's clients dial the sandbox
 * (its https.Agent), the sandbox's Admin shell may frame our pages, and a browser sent to Seller Central,
 * Shopify Admin or a shop's own host goes to the sandbox's stand-in. fetch is routed separately (installSandboxRouting).
 */
export function sandboxRuntimeHooks(sandboxUrl: string | URL): RuntimeHooks {
  return {
    httpsAgent: createAmazonSandboxAgent(sandboxUrl, { keepAlive: true }),
    frameAncestors: sandboxOrigins(sandboxUrl),
    browserBaseUrl: (host) => {
      if (classifyHost(host)?.service === 'consent') return sellerCentralBaseUrl(sandboxUrl, host);
      // Shopify Admin is the sandbox's Admin shell, at the same paths (/store/{store}/apps/{handle}/…).
      if (host === 'admin.shopify.com') return new URL(sandboxUrl).origin;
      if (isShopifyHost(host)) return sandboxShopBaseUrl(sandboxUrl, host);
      return `https://${host}`;
    },
  };
}

/**
 * Sandbox mode for this whole process (`npm start`, the app's test launcher, benches): fetch's dispatcher,
 * the runtime hooks, and the App Bridge stand-in (shopify-app-remix reads APP_BRIDGE_URL). Returns false,
 * changing nothing, without a sandbox URL (default $SANDBOX_URL).
 */
export function installSandbox(sandboxUrl: string | undefined = process.env.SANDBOX_URL): boolean {
  const url = sandboxUrl?.replace(/\/$/, '');
  if (!url) return false;
  installSandboxRouting(url);
  installRuntimeHooks(sandboxRuntimeHooks(url));
  process.env.APP_BRIDGE_URL ||= sandboxAppBridgeUrl(url);
  return true;
}

/** Undo installSandbox (tests); APP_BRIDGE_URL stays, as shopify-app-remix read it once. */
export function uninstallSandbox(): void {
  uninstallSandboxRouting();
  uninstallRuntimeHooks();
}
