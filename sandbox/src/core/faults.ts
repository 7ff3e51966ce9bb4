// Fault injection: latency, an HTTP error status, a connection reset, forced throttling, or an answer lost
// after the platform acted (drop_answer), per platform and host/path pattern (and optionally a string the
// request body must contain), each optionally limited to a number of matching requests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http';

export type FaultKind = 'latency' | 'status' | 'reset' | 'throttle' | 'drop_answer';

export interface FaultSpec {
  /** Platform name ("shopify", "amazon") or "*" for any. */
  platform?: string;
  kind: FaultKind;
  /** Glob on the Host header (e.g. "*.myshopify.com"); default any. */
  host?: string;
  /** Glob on the path without query (e.g. "/admin/api/*\/graphql.json"); default any. */
  path?: string;
  method?: string;
  /** Only requests whose body contains this text (e.g. a GraphQL mutation's name). */
  bodyContains?: string;
  /** How many matching requests to affect; omitted = until removed. */
  count?: number;
  /** For "latency": milliseconds added before the request is handled (real time, not scaled). */
  latencyMs?: number;
  /** For "status": the status to answer (default 503), and an optional body (JSON if an object). */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Requests this fault has affected so far. */
  hits: number;
  remaining: number | null;
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

export function validateFault(input: unknown): FaultSpec {
  if (!input || typeof input !== 'object') throw new HttpError(400, 'fault must be an object');
  const f = input as Record<string, unknown>;
  const kinds: FaultKind[] = ['latency', 'status', 'reset', 'throttle', 'drop_answer'];
  if (!kinds.includes(f.kind as FaultKind)) throw new HttpError(400, `fault.kind must be one of ${kinds.join(', ')}`);
  for (const key of ['platform', 'host', 'path', 'method', 'bodyContains'] as const) {
    if (f[key] !== undefined && typeof f[key] !== 'string') throw new HttpError(400, `fault.${key} must be a string`);
  }
  if (f.count !== undefined && (!Number.isInteger(f.count) || (f.count as number) < 1)) {
    throw new HttpError(400, 'fault.count must be a positive integer');
  }
  if (f.kind === 'latency' && (typeof f.latencyMs !== 'number' || f.latencyMs < 0)) {
    throw new HttpError(400, 'a latency fault needs latencyMs >= 0');
  }
  if (f.status !== undefined && (!Number.isInteger(f.status) || (f.status as number) < 100 || (f.status as number) > 599)) {
    throw new HttpError(400, 'fault.status must be an HTTP status');
  }
  return f as unknown as FaultSpec;
}

export class FaultTable {
  private faults: Fault[] = [];
  private seq = 0;

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: `fault-${++this.seq}`, hits: 0, remaining: spec.count ?? null };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * Matching faults for this request, consuming one use of each. `body` is read only when a fault that
   * otherwise matches asks for `bodyContains`.
   */
  async take(platform: string, req: IncomingMessage, host: string, body: () => Promise<string>): Promise<Fault[]> {
    const path = (req.url ?? '/').split('?')[0]!;
    const hit: Fault[] = [];
    for (const f of [...this.faults]) {
      if (f.platform && f.platform !== '*' && f.platform !== platform) continue;
      if (f.method && f.method.toUpperCase() !== req.method) continue;
      if (f.host && !globToRegExp(f.host).test(host)) continue;
      if (f.path && !globToRegExp(f.path).test(path)) continue;
      if (f.bodyContains !== undefined && !(await body()).includes(f.bodyContains)) continue;
      if (f.remaining !== null && f.remaining <= 0) continue;
      f.hits++;
      if (f.remaining !== null) f.remaining--;
      hit.push({ ...f });
    }
    this.faults = this.faults.filter((f) => f.remaining === null || f.remaining > 0);
    return hit;
  }
}

/** Applies latency/status/reset; returns "throttle" when the platform must throttle this request itself. */
export async function applyFaultList(
  faults: Fault[],
  req: IncomingMessage,
  res: ServerResponse,
  errorBody: (status: number) => unknown,
  onAnswerDropped: (status: number) => void = () => undefined,
): Promise<'handled' | 'throttle' | 'continue'> {
  let throttle = false;
  let drop = false;
  for (const f of faults) {
    if (f.kind === 'latency') await new Promise((r) => setTimeout(r, f.latencyMs ?? 0));
  }
  for (const f of faults) {
    if (f.kind === 'reset') {
      req.socket.destroy();
      return 'handled';
    }
    if (f.kind === 'status') {
      const status = f.status ?? 503;
      const body = f.body ?? errorBody(status);
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
        ...(f.headers ?? {}),
      });
      res.end(text);
      return 'handled';
    }
    if (f.kind === 'throttle') throttle = true;
    if (f.kind === 'drop_answer') drop = true;
  }
  if (drop) dropAnswer(req, res, onAnswerDropped);
  return throttle ? 'throttle' : 'continue';
}

/**
 * The platform handles the request in full (state changes, webhooks), then the connection is destroyed
 * before any byte of its answer is sent: what a client sees when a connection drops after the platform acted.
 */
function dropAnswer(req: IncomingMessage, res: ServerResponse, onAnswerDropped: (status: number) => void): void {
  let status = 200;
  let dropped = false;
  res.writeHead = ((code: number) => {
    status = code;
    return res;
  }) as typeof res.writeHead;
  res.write = (() => true) as typeof res.write;
  res.end = (() => {
    if (!dropped) {
      dropped = true;
      onAnswerDropped(res.statusCode !== 200 ? res.statusCode : status);
      req.socket.destroy();
    }
    return res;
  }) as typeof res.end;
}
