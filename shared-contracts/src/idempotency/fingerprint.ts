// A price update's fingerprint: what "the same content" means for an idempotent retry.
import { createHash } from 'node:crypto';
import type { PriceUpdate } from '../types';

/** JSON with sorted keys, so property order never changes the fingerprint. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * SHA-256 over the update minus `reason` (a note, not part of what is applied). Call it on a
 * validated update so "19.9" and "19.90" fingerprint the same.
 */
export function fingerprintPriceUpdate(update: PriceUpdate): string {
  const { reason: _reason, ...content } = update;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
