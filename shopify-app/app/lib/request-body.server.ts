// Reading a request body for the API routes, defensively: the body is streamed with a byte cap (413
// past it, without buffering the rest), must be declared as JSON (415 otherwise), must be UTF-8 and parse
// as a JSON object (400 otherwise). Every refusal is an RFC 9457 problem thrown as a Response, so the
// routes' usual `asResponse` passes it through untouched.
import { PROBLEM_TYPE_PREFIX, ValidationError } from '@calibr/shared-contracts';
import { problem } from './problem';

/** Most API bodies are a few kilobytes; 1 MiB leaves room for bulk decisions (10,000 ids). */
export const DEFAULT_JSON_LIMIT_BYTES = 1024 * 1024;

export interface ReadJsonOptions {
  /** Bytes the body may have (default 1 MiB). */
  limitBytes?: number;
}

export function payloadTooLarge(path: string, limitBytes: number): Response {
  return problem({
    type: `${PROBLEM_TYPE_PREFIX}payload-too-large`,
    title: 'Payload too large',
    status: 413,
    code: 'payload_too_large',
    detail: `The body is larger than ${limitBytes} bytes`,
    instance: path,
    errors: [{ path: 'body', message: `at most ${limitBytes} bytes`, code: 'too_large' }],
    limitBytes,
  });
}

export function unsupportedMediaType(path: string, given: string | null, expected = 'application/json'): Response {
  return problem(
    {
      type: `${PROBLEM_TYPE_PREFIX}unsupported-media-type`,
      title: 'Unsupported media type',
      status: 415,
      code: 'unsupported_media_type',
      detail: `Send the body as ${expected}${given ? `, not ${given.slice(0, 100)}` : ' (Content-Type is missing)'}`,
      instance: path,
      errors: [{ path: 'Content-Type', message: `must be ${expected}`, code: 'unsupported_media_type' }],
    },
    undefined,
    // RFC 9110 §15.5.16: say which media types would have been accepted.
    { Accept: expected },
  );
}

/** `application/json` or a `+json` type, in UTF-8 (the only charset JSON has: RFC 8259 §8.1). */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [essence, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (essence !== 'application/json' && !/^application\/[a-z0-9.!#$&^_-]+\+json$/.test(essence ?? '')) return false;
  const charset = params.find((p) => p.startsWith('charset='));
  return !charset || /^charset="?utf-8"?$/.test(charset);
}

/**
 * Past this many bytes a refused body is no longer read to its end: the connection is cut instead. Below
 * it, the rest is read and dropped (never kept), so the client, still sending, gets to read our answer:
 * cancelling the stream would close the socket under it.
 */
const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024;

/** Read what is left of a refused body without keeping it (up to `drainLimitBytes`, then cut it off). */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number, drainLimitBytes: number): Promise<void> {
  let size = alreadyRead;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > drainLimitBytes) return void (await reader.cancel());
    }
  } catch {
    // The client went away: nothing to drain.
  }
}

/** Throw away a body the route refuses before reading it (a wrong content type). */
export async function discardBody(request: Request): Promise<void> {
  if (request.body && !request.bodyUsed) await discard(request.body.getReader(), 0, DRAIN_LIMIT_BYTES);
}

/** A body read under a byte cap: its bytes, or that it was over the cap (and nothing of it kept). */
export type CappedBody = { ok: true; bytes: Uint8Array } | { ok: false };

/**
 * The body's bytes, at most `limitBytes` of them. Past the cap nothing more is kept: the rest is drained
 * up to `drainLimitBytes` (so the sender reads our refusal), and a body declared or sent beyond that has
 * its stream cancelled (the connection is reset).
 */
export async function readCappedBody(request: Request, limitBytes: number, drainLimitBytes = DRAIN_LIMIT_BYTES): Promise<CappedBody> {
  const declared = request.headers.get('content-length');
  // An honest Content-Length over the cap is refused before a byte is kept.
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limitBytes) {
    if (Number(declared) > drainLimitBytes) await request.body?.cancel().catch(() => undefined);
    else if (request.body && !request.bodyUsed) await discard(request.body.getReader(), 0, drainLimitBytes);
    return { ok: false };
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      chunks.length = 0;
      await discard(reader, size, drainLimitBytes);
      return { ok: false };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks, size) };
}

/** The body's bytes, at most `limitBytes` of them; past that, stop keeping them and throw a 413 problem. */
export async function readBodyBytes(request: Request, limitBytes: number): Promise<Uint8Array> {
  const read = await readCappedBody(request, limitBytes);
  if (!read.ok) throw payloadTooLarge(new URL(request.url).pathname, limitBytes);
  return read.bytes;
}

/**
 * The request's JSON object body. An empty body is `{}` (routes treat every field as optional or say
 * which is required); anything else must be `Content-Type: application/json`, UTF-8, a JSON object and
 * under the byte cap.
 */
export async function readJsonBody(request: Request, options: ReadJsonOptions = {}): Promise<Record<string, unknown>> {
  const path = new URL(request.url).pathname;
  const limitBytes = options.limitBytes ?? DEFAULT_JSON_LIMIT_BYTES;
  const contentType = request.headers.get('content-type');
  if (contentType !== null && !isJsonContentType(contentType)) {
    // The 415 is about the declared type: nothing of the body is kept.
    await discardBody(request);
    throw unsupportedMediaType(path, contentType);
  }
  const bytes = await readBodyBytes(request, limitBytes);
  // No body at all needs no type; a body without one is refused like a wrong one.
  if (bytes.byteLength === 0) return {};
  if (contentType === null) throw unsupportedMediaType(path, null);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw problem(ValidationError.field('body', 'the body is not valid UTF-8', 'invalid_encoding'), path);
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof SyntaxError ? `: ${error.message.slice(0, 200)}` : '';
    throw problem(ValidationError.field('body', `the body is not valid JSON${why}`, 'invalid_json'), path);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw problem(ValidationError.field('body', 'the body must be a JSON object', 'invalid_type'), path);
  }
  const flaw = findFlaw(value, 'body', 0);
  if (flaw) throw problem(ValidationError.field(flaw.path, flaw.message, flaw.code), path);
  return value as Record<string, unknown>;
}

const MAX_DEPTH = 32;

/**
 * What no route wants, whatever its fields: NUL characters (PostgreSQL text refuses them; no SKU, name or
 * amount has one) and nesting deeper than any of our bodies. Checked once here, so every route is spared.
 */
function findFlaw(value: unknown, path: string, depth: number): { path: string; message: string; code: string } | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? { path, message: 'text may not contain NUL characters', code: 'invalid_characters' } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return { path, message: `nested deeper than ${MAX_DEPTH} levels`, code: 'too_deep' };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const flaw = findFlaw(value[i], `${path}[${i}]`, depth + 1);
      if (flaw) return flaw;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return { path, message: 'field names may not contain NUL characters', code: 'invalid_characters' };
    const flaw = findFlaw(child, path === 'body' ? key : `${path}.${key}`, depth + 1);
    if (flaw) return flaw;
  }
  return undefined;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * A form post's fields (`application/x-www-form-urlencoded`, what Remix's <Form> and fetchers send),
 * under a byte cap (64 KiB by default) and with the same problems as readJsonBody.
 */
export async function readFormBody(request: Request, options: ReadJsonOptions = {}): Promise<URLSearchParams> {
  const path = new URL(request.url).pathname;
  const limitBytes = options.limitBytes ?? 64 * 1024;
  const contentType = request.headers.get('content-type');
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== null && essence !== FORM) {
    await discardBody(request);
    throw unsupportedMediaType(path, contentType, FORM);
  }
  const bytes = await readBodyBytes(request, limitBytes);
  if (bytes.byteLength > 0 && contentType === null) throw unsupportedMediaType(path, null, FORM);
  return new URLSearchParams(new TextDecoder().decode(bytes));
}
