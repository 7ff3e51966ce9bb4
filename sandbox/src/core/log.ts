// The request/delivery log read by GET /_sandbox/log: a bounded ring of entries with increasing ids,
// so a test can ask "what happened since entry N". Secrets never reach it: callers pass redacted paths.
import type { SandboxLogEntry } from '../platform';

export interface LoggedEntry extends SandboxLogEntry {
  id: number;
  at: string;
}

export interface LogQuery {
  platform?: string;
  kind?: string;
  since?: number;
  limit?: number;
  path?: string;
}

const SENSITIVE_PARAMS = /^(code|hmac|id_token|session|client_secret|refresh_token|access_token|signature|x-goog-signature|x-goog-credential|policy|subject_token|spapi_oauth_code)$/i;

/** Replace secret-bearing query parameters with "[redacted]". */
export function redactPath(pathWithQuery: string): string {
  const q = pathWithQuery.indexOf('?');
  if (q < 0) return pathWithQuery;
  const params = new URLSearchParams(pathWithQuery.slice(q + 1));
  for (const key of [...params.keys()]) if (SENSITIVE_PARAMS.test(key)) params.set(key, '[redacted]');
  const rest = params.toString();
  return rest ? `${pathWithQuery.slice(0, q)}?${rest}` : pathWithQuery.slice(0, q);
}

export class RequestLog {
  private entries: LoggedEntry[] = [];
  private nextId = 1;

  constructor(private readonly capacity = 10_000) {}

  add(entry: SandboxLogEntry): LoggedEntry {
    const logged: LoggedEntry = { ...entry, id: this.nextId++, at: entry.at ?? new Date().toISOString() };
    this.entries.push(logged);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return logged;
  }

  query(q: LogQuery = {}): LoggedEntry[] {
    let out = this.entries;
    if (q.since !== undefined) out = out.filter((e) => e.id > q.since!);
    if (q.platform) out = out.filter((e) => e.platform === q.platform);
    if (q.kind) out = out.filter((e) => e.kind === q.kind);
    if (q.path) out = out.filter((e) => e.path?.includes(q.path!));
    if (q.limit !== undefined) out = out.slice(-q.limit);
    return out;
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  clear(): void {
    this.entries = [];
  }
}
