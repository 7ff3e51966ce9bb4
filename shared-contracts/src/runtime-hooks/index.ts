// What the process running Calibrate may plug into it, without the product knowing who does: the sandbox
// does (`npm start`, tests and benches install @calibr/sandbox's hooks); production installs nothing, and
// the product then talks to the real hosts and lets only the platforms' own admins frame its pages.
//
// Outbound HTTP has two doors: global fetch (Shopify's libraries, our own calls), whose hook is Node's own
// process-wide dispatcher (undici's setGlobalDispatcher), and clients that take an https.Agent
// (amazon-sp-api's `https_proxy_agent`: SP-API, LWA and feed documents), whose hook is `httpsAgent` here.
import type { Agent } from 'node:https';

export interface RuntimeHooks {
  /** The agent for outbound HTTPS of clients that take one; none means Node's default (the real hosts). */
  httpsAgent?: Agent;
  /** Origins that may frame our embedded pages besides the platforms' own (CSP frame-ancestors). */
  frameAncestors?: readonly string[];
  /** Where a browser reaches a platform's page served on `host` (e.g. Seller Central's consent page); default https://{host}. */
  browserBaseUrl?: (host: string) => string;
}

// On globalThis, not in this module: the app's modules are loaded by Vite (development) or from the build,
// each with its own copy of this package, while whoever installs the hooks imports it from its own graph.
const KEY = Symbol.for('calibr.runtimeHooks');
type Holder = { [KEY]?: RuntimeHooks };

/** Installs hooks for the whole process (replacing any installed before). */
export function installRuntimeHooks(hooks: RuntimeHooks): void {
  (globalThis as Holder)[KEY] = { ...hooks };
}

/** Removes what installRuntimeHooks installed (tests). */
export function uninstallRuntimeHooks(): void {
  delete (globalThis as Holder)[KEY];
}

/** The hooks installed in this process; none in production. */
export function runtimeHooks(): RuntimeHooks {
  return (globalThis as Holder)[KEY] ?? {};
}

/**
 * A Content-Security-Policy with `origins` added to its frame-ancestors list (each once). A policy without
 * frame-ancestors is returned as is: it doesn't restrict framing, so there is nothing to extend.
 */
export function extendFrameAncestors(csp: string, origins: readonly string[] = []): string {
  if (origins.length === 0 || !/frame-ancestors/i.test(csp)) return csp;
  return csp.replace(/frame-ancestors([^;]*)/i, (_m, list: string) => {
    const present = list.split(/\s+/);
    const missing = [...new Set(origins)].filter((o) => !present.includes(o));
    return `frame-ancestors${list.trimEnd()}${missing.map((o) => ` ${o}`).join('')}`;
  });
}
