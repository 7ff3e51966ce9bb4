// Routes Shopify's hosts to the sandbox in sandbox mode, with Shopify's libraries left unmodified: they call
// https://{shop}.myshopify.com/… with global fetch; this undici dispatcher dials the sandbox on loopback
// (plain TCP) for those hosts, so the request keeps its real URL and Host header, and uses TLS as usual for
// every other host. Also routed: the Google Cloud Storage hosts Shopify hands out for staged uploads and
// bulk operation results.
import net from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';

export const SHOPIFY_STORAGE_HOSTS = ['shopify-staged-uploads.storage.googleapis.com', 'storage.googleapis.com'];

export function isShopifyHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(host) || SHOPIFY_STORAGE_HOSTS.includes(host);
}

export function loopbackTarget(sandboxUrl: string | URL): { host: string; port: number } {
  const url = new URL(sandboxUrl);
  if (url.protocol !== 'http:') throw new Error(`the sandbox is reached over plain http, not ${url.protocol} (${url.href})`);
  return { host: url.hostname, port: Number(url.port || 80) };
}

/**
 * An undici Agent whose connections to hosts matching `routes` go to the sandbox; any other host connects
 * normally (TLS for https). Use as fetch's `dispatcher`, or globally (installSandboxRouting).
 */
export function createRoutingDispatcher(sandboxUrl: string | URL, routes: (hostname: string) => boolean, options: Agent.Options = {}): Dispatcher {
  const target = loopbackTarget(sandboxUrl);
  const direct = buildConnector({});
  return new Agent({
    ...options,
    connect: (opts, callback) => {
      if (!routes(opts.hostname)) return direct(opts, callback);
      const socket = net.connect(target);
      socket.setNoDelay(true);
      socket.once('connect', () => callback(null, socket));
      socket.once('error', (err) => callback(err, null));
    },
  });
}

/** Only Shopify's hosts go to the sandbox. */
export function createShopifySandboxDispatcher(sandboxUrl: string | URL): Dispatcher {
  return createRoutingDispatcher(sandboxUrl, isShopifyHost);
}
