// Portable raw SQL for the Job table: only the placeholder syntax (`?` / `$n`) and the JSON cast differ.
// SQLite's `?` is positional, so build each statement in textual order (p() appends the value).
import type { Dialect, Job, JobStatus } from './types';

export interface Params {
  readonly values: unknown[];
  p(value: unknown): string;
  /** a JSON value (bound as text; PostgreSQL casts it to jsonb) */
  json(value: unknown): string;
  list(values: readonly unknown[]): string;
}

export function params(dialect: Dialect): Params {
  const values: unknown[] = [];
  const p = (value: unknown) => {
    values.push(value);
    return dialect === 'postgresql' ? `$${values.length}` : '?';
  };
  return {
    values,
    p,
    json: (value) => {
      const placeholder = p(value === undefined || value === null ? null : JSON.stringify(value));
      return dialect === 'postgresql' ? `CAST(${placeholder} AS jsonb)` : placeholder;
    },
    list: (items) => items.map(p).join(', '),
  };
}

export const COLUMNS =
  '"id", "queue", "key", "groupKey", "payload", "status", "attempts", "maxAttempts", "runAt", "claimedBy", "leaseUntil", "lastError", "result", "startedAt", "completedAt", "createdAt", "updatedAt"';

type Row = Record<string, unknown>;

function date(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(typeof value === 'bigint' ? Number(value) : (value as string | number));
}

function json(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** A row as the raw query returned it (SQLite gives JSON as text and may give dates as text) → a Job. */
export function toJob<P>(row: Row): Job<P> {
  return {
    id: String(row.id),
    queue: String(row.queue),
    key: String(row.key),
    groupKey: (row.groupKey as string | null) ?? null,
    payload: json(row.payload) as P,
    status: row.status as JobStatus,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.maxAttempts),
    runAt: date(row.runAt)!,
    claimedBy: (row.claimedBy as string | null) ?? null,
    leaseUntil: date(row.leaseUntil),
    lastError: (row.lastError as string | null) ?? null,
    result: json(row.result),
    startedAt: date(row.startedAt),
    completedAt: date(row.completedAt),
    createdAt: date(row.createdAt)!,
    updatedAt: date(row.updatedAt)!,
  };
}

/** A stable 31-bit number for a name (the PostgreSQL advisory lock of a queue's group-limited claims). */
export function lockNumber(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (hash >>> 1) & 0x7fffffff;
}
