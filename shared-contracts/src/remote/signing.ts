// Service-to-service authentication: HMAC-SHA256 over method, path, tenant, timestamp and body digest,
// with a shared secret (SERVICE_SHARED_SECRET). Without a valid, fresh signature nothing is served.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors';

export const SIGNATURE_HEADER = 'x-calibr-signature';
export const TIMESTAMP_HEADER = 'x-calibr-timestamp';
export const TENANT_HEADER = 'x-calibr-tenant';
const SCHEME = 'v1';

/** Seconds a signed request stays valid either side of the server's clock. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;
/** A shared secret shorter than this is refused: it would be guessable. */
export const MIN_SECRET_LENGTH = 32;

/**
 * Secrets from `SERVICE_SHARED_SECRET`. Several may be given comma-separated for rotation: the first
 * signs, all verify. Throws if none is set or one is too short (a service must never run open).
 */
export function parseSharedSecrets(value: string | undefined): string[] {
  const secrets = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (secrets.length === 0) {
    throw new Error('SERVICE_SHARED_SECRET is not set: service-to-service calls must be signed');
  }
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(`SERVICE_SHARED_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    }
  }
  return secrets;
}

export type RawBody = string | Uint8Array | undefined;

export function bodyDigest(body: RawBody): string {
  return createHash('sha256').update(body ?? '').digest('hex');
}

/** The exact bytes that are signed. `path` is the request target: path plus query string. */
export function canonicalRequest(method: string, path: string, tenantId: string, timestamp: string, body: RawBody): string {
  return [SCHEME, method.toUpperCase(), path, tenantId, timestamp, bodyDigest(body)].join('\n');
}

function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

export interface SignRequestInput {
  method: string;
  /** Path plus query, exactly as it will be sent (`/connector/pricing/price?externalId=…`). */
  path: string;
  tenantId: string;
  body?: RawBody;
  secret: string;
  /** Unix seconds; default now. */
  timestamp?: number;
}

/** Headers to add to the request. */
export function signRequest(input: SignRequestInput): Record<string, string> {
  assertHeaderSafe(input.tenantId);
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = hmac(input.secret, canonicalRequest(input.method, input.path, input.tenantId, timestamp, input.body));
  return {
    [TENANT_HEADER]: input.tenantId,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: `${SCHEME}=${signature}`,
  };
}

export interface VerifyRequestInput {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body?: RawBody;
  secrets: readonly string[];
  /** Unix seconds; default now. */
  now?: number;
  toleranceSeconds?: number;
}

/** The signed tenant id, or AuthenticationError (401) for a missing, stale or forged signature. */
export function verifyRequest(input: VerifyRequestInput): { tenantId: string } {
  if (input.secrets.length === 0) throw new AuthenticationError('service authentication is not configured');
  const tenantId = header(input.headers, TENANT_HEADER);
  const timestamp = header(input.headers, TIMESTAMP_HEADER);
  const signature = header(input.headers, SIGNATURE_HEADER);
  if (!tenantId || !timestamp || !signature) {
    throw new AuthenticationError('request is not signed', { detail: 'missing service signature headers' });
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new AuthenticationError('invalid signature timestamp');
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance) {
    throw new AuthenticationError('request signature expired', { detail: 'signature timestamp outside the allowed window' });
  }
  const match = /^v1=([0-9a-f]{64})$/.exec(signature);
  if (!match) throw new AuthenticationError('invalid request signature');
  const given = Buffer.from(match[1] as string, 'hex');
  const payload = canonicalRequest(input.method, input.path, tenantId, timestamp, input.body);
  // Check every secret (rotation) without short-circuiting on the first match.
  let ok = false;
  for (const secret of input.secrets) {
    const expected = Buffer.from(hmac(secret, payload), 'hex');
    if (timingSafeEqual(expected, given)) ok = true;
  }
  if (!ok) throw new AuthenticationError('invalid request signature');
  return { tenantId };
}

function header(headers: VerifyRequestInput['headers'], name: string): string | undefined {
  const direct = headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const value = Array.isArray(direct) ? direct[0] : direct;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function assertHeaderSafe(tenantId: string): void {
  if (!/^[\x21-\x7e]{1,128}$/.test(tenantId)) {
    throw new AuthenticationError('tenant id must be 1-128 visible ASCII characters');
  }
}
