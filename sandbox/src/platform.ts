// The contract between the sandbox's core (HTTP server, control API, request log, faults, time scale,
// persistence) and each platform it plays (Shopify, Amazon). The core routes every request by its Host
// header to the first platform whose `handles(host)` is true; `/_sandbox/<platform>/…` goes to `control`.
//
// Added after the first version (all optional, so a platform written against the first version still works):
// `pages` (browser pages/assets on the sandbox's own host), `throttle` (forced-throttling faults),
// `errorBody` (the body of an injected 5xx), `reset`, `start`. The core applies faults itself before
// `handle`; `ctx.applyFaults` stays for requests a platform serves another way (it is a no-op, false, for a
// request whose faults were already applied).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SandboxContext {
  /** Public base URL of the sandbox process, e.g. http://127.0.0.1:4010 */
  readonly baseUrl: string;
  /** Multiplies platform clocks: 10 means restore rates, feed delays, retries run 10x faster. */
  readonly timeScale: number;
  /** Append an entry to the request/delivery log read by `GET /_sandbox/log`. */
  log(entry: SandboxLogEntry): void;
  /** Apply the configured faults (latency, 5xx, reset, throttle) for this platform/request; true when handled. */
  applyFaults(platform: string, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Ask the core to persist state soon (when persistence to a file is enabled). */
  markDirty(): void;
}

export interface SandboxLogEntry {
  platform: string;
  kind: 'request' | 'webhook' | 'feed' | 'event';
  at?: string;
  method?: string;
  host?: string;
  path?: string;
  status?: number;
  detail?: unknown;
}

export interface SandboxPlatform {
  readonly name: string;
  handles(host: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<void>;
  /** Control API under /_sandbox/<name>/<rest>; resolve false for an unknown path. */
  control(rest: string, req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<boolean>;
  /** Identities for GET /_sandbox/seed (sandbox-only credentials). */
  seedIdentities(): unknown;
  /** Load the demo seed used by `npm start`. */
  seedDemo(ctx: SandboxContext): void;
  /** JSON-serialisable state for persistence, and its restore. */
  snapshot(): unknown;
  restore(state: unknown): void;
  /** Stop timers (feed processing, webhook retries). */
  close(): Promise<void>;

  /**
   * Pages and assets served on the sandbox's own host (localhost/127.0.0.1) outside `/_sandbox/`, for
   * browsers that cannot reach the platform's hosts (e.g. the Admin shell, a consent page). Resolve false
   * when the path is not yours.
   */
  pages?(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<boolean>;
  /**
   * A "throttle" fault matched this request: answer it the way the platform throttles (resolve true), or
   * prepare the throttle (e.g. drain a bucket) and resolve false to let `handle` run. Without it the core
   * answers 429.
   */
  throttle?(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext): Promise<boolean>;
  /** Body of an injected error status, in the platform's error shape. */
  errorBody?(status: number): unknown;
  /** Forget all state (POST /_sandbox/reset); the core calls seedDemo after it when asked. Default: restore(null). */
  reset?(): void;
  /** Called once the server listens (start timers that need baseUrl). */
  start?(ctx: SandboxContext): void;
}
