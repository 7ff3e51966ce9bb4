// Service-to-service authentication: HMAC-SHA256 over method, path, tenant, timestamp, a random nonce
// and the body digest, with a shared secret (SERVICE_SHARED_SECRET). Without a valid, fresh signature
// nothing is served, and a receiver that keeps the nonces it has seen (NonceStore) serves each signed
// request once: a captured request replayed within the clock window is refused.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors';

export const SIGNATURE_HEADER = 'x-calibr-signature';
export const TIMESTAMP_HEADER = 'x-calibr-timestamp';
export const TENANT_HEADER = 'x-calibr-tenant';
export const NONCE_HEADER = 'x-calibr-nonce';
/** v2 signs the nonce too (v1 did not, so a v1 signature is refused as invalid). */
const SCHEME = 'v2';
/** 16 to 64 base64url characters: at least 96 random bits, and safe in a header and a database key. */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

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
export function canonicalRequest(method: string, path: string, tenantId: string, timestamp: string, nonce: string, body: RawBody): string {
  return [SCHEME, method.toUpperCase(), path, tenantId, timestamp, nonce, bodyDigest(body)].join('\n');
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
  /** Default a fresh random one: every request (a retry too) is signed anew with its own nonce. */
  nonce?: string;
}

/** Headers to add to the request. */
export function signRequest(input: SignRequestInput): Record<string, string> {
  assertHeaderSafe(input.tenantId);
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomBytes(18).toString('base64url');
  if (!NONCE_PATTERN.test(nonce)) throw new AuthenticationError('nonce must be 16-64 base64url characters');
  const signature = hmac(input.secret, canonicalRequest(input.method, input.path, input.tenantId, timestamp, nonce, input.body));
  return {
    [TENANT_HEADER]: input.tenantId,
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: `${SCHEME}=${signature}`,
  };
}

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface SignatureHeaderOptions {
  /** Unix seconds; default now. */
  now?: number;
  toleranceSeconds?: number;
}

export interface SignatureHeaders {
  tenantId: string;
  timestamp: string;
  nonce: string;
  /** The signature's hex digits. */
  signature: string;
  /** Unix seconds after which this timestamp is out of the window: a nonce need be kept no longer. */
  validUntil: number;
}

/**
 * Everything about a signature that can be checked without the body: present, well formed, fresh.
 * Call it before reading a body, so an unsigned or stale request is refused without reading it.
 */
export function readSignatureHeaders(headers: Headers, options: SignatureHeaderOptions = {}): SignatureHeaders {
  const tenantId = header(headers, TENANT_HEADER);
  const timestamp = header(headers, TIMESTAMP_HEADER);
  const nonce = header(headers, NONCE_HEADER);
  const signature = header(headers, SIGNATURE_HEADER);
  if (!tenantId || !timestamp || !signature) {
    throw new AuthenticationError('request is not signed', { detail: 'missing service signature headers' });
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new AuthenticationError('invalid signature timestamp');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance) {
    throw new AuthenticationError('request signature expired', { detail: 'signature timestamp outside the allowed window' });
  }
  if (!nonce || !NONCE_PATTERN.test(nonce)) throw new AuthenticationError('invalid request signature', { detail: 'missing or malformed nonce' });
  const match = /^v2=([0-9a-f]{64})$/.exec(signature);
  if (!match) throw new AuthenticationError('invalid request signature');
  return { tenantId, timestamp, nonce, signature: match[1] as string, validUntil: Number(timestamp) + tolerance };
}

export interface VerifyRequestInput extends SignatureHeaderOptions {
  method: string;
  path: string;
  headers: Headers;
  body?: RawBody;
  secrets: readonly string[];
}

export interface VerifiedRequest {
  tenantId: string;
  nonce: string;
  /** Unix seconds: the nonce must be remembered until then (after it the timestamp refuses a replay). */
  validUntil: number;
}

/**
 * The signed tenant id and nonce, or AuthenticationError (401) for a missing, stale or forged signature.
 * This does not know which nonces were seen: `authenticateRequest` adds that (servers use it).
 */
export function verifyRequest(input: VerifyRequestInput): VerifiedRequest {
  if (input.secrets.length === 0) throw new AuthenticationError('service authentication is not configured');
  const signed = readSignatureHeaders(input.headers, input);
  const given = Buffer.from(signed.signature, 'hex');
  const payload = canonicalRequest(input.method, input.path, signed.tenantId, signed.timestamp, signed.nonce, input.body);
  // Check every secret (rotation) without short-circuiting on the first match.
  let ok = false;
  for (const secret of input.secrets) {
    const expected = Buffer.from(hmac(secret, payload), 'hex');
    if (timingSafeEqual(expected, given)) ok = true;
  }
  if (!ok) throw new AuthenticationError('invalid request signature');
  return { tenantId: signed.tenantId, nonce: signed.nonce, validUntil: signed.validUntil };
}

/** Where a server remembers the nonces of the signed requests it served. */
export interface NonceStore {
  /**
   * Records `nonce` as used until `validUntil`; true the first time, false if it was already used (also
   * when two requests with it arrive at once: exactly one gets true).
   */
  claim(nonce: string, validUntil: Date): Promise<boolean>;
}

/** A NonceStore in this process's memory: for a single process (tests, the reference harness). */
export function createMemoryNonceStore(): NonceStore {
  const seen = new Map<string, number>();
  return {
    claim: async (nonce, validUntil) => {
      const now = Date.now();
      // Insertion order is about validUntil order: stop at the first one still valid.
      for (const [n, until] of seen) {
        if (until >= now) break;
        seen.delete(n);
      }
      if (seen.has(nonce)) return false;
      seen.set(nonce, validUntil.getTime());
      return true;
    },
  };
}

/** verifyRequest, then the nonce is used up: a replay of a served request is a 401. */
export async function authenticateRequest(input: VerifyRequestInput & { nonces: NonceStore }): Promise<{ tenantId: string }> {
  const verified = verifyRequest(input);
  if (!(await input.nonces.claim(verified.nonce, new Date(verified.validUntil * 1000)))) {
    throw new AuthenticationError('request already served', { detail: 'this signed request was replayed: sign each request anew' });
  }
  return { tenantId: verified.tenantId };
}

function header(headers: Headers, name: string): string | undefined {
  const direct = headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const value = Array.isArray(direct) ? direct[0] : direct;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function assertHeaderSafe(tenantId: string): void {
  if (!/^[\x21-\x7e]{1,128}$/.test(tenantId)) {
    throw new AuthenticationError('tenant id must be 1-128 visible ASCII characters');
  }
}
