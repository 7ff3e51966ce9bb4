// Opaque page tokens (nextToken/previousToken/pageToken): an offset bound to the query that produced it.
import { createHash } from 'node:crypto';
import { invalidInput } from './errors';

export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodePageToken(offset: number, query: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: query })).toString('base64url');
}

/** The offset a token points at; 400 when it is malformed or belongs to another query. */
export function decodePageToken(token: string | undefined, query: string, name = 'pageToken'): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && (query === '*' || parsed.q === query)) return parsed.o;
  } catch {
    // fall through to the error
  }
  throw invalidInput(`Invalid ${name} provided.`);
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
  previousToken?: string;
}

export function paginate<T>(all: T[], offset: number, pageSize: number, query: string): Page<T> {
  const items = all.slice(offset, offset + pageSize);
  return {
    items,
    nextToken: offset + pageSize < all.length ? encodePageToken(offset + pageSize, query) : undefined,
    previousToken: offset > 0 ? encodePageToken(Math.max(0, offset - pageSize), query) : undefined,
  };
}
