// Why processing a delivery failed decides what happens next:
// - permanent: the delivery itself is bad (a payload we can't read, an impossible price). Retrying
//   can't help, so it is marked failed with the reason at once;
// - transient: the database was busy or unreachable, a connection was reset, Shopify was unavailable or
//   throttled us (a delivery that asks Shopify first: ./shopify-checks.server.ts). Retried in process with
//   jittered exponential backoff;
// - unknown: anything else (most likely a bug). Retried a few times, then marked failed with the reason.
import { isConnectorError } from '@calibr/shared-contracts';

export type FailureKind = 'permanent' | 'transient' | 'unknown';

/** Thrown by a topic handler for a delivery that can never be processed. */
export class PermanentWebhookError extends Error {
  override name = 'PermanentWebhookError';
}

// Prisma codes: P1001 can't reach, P1002 timed out, P1008 operation timed out, P1017 server closed the
// connection, P2024 pool timeout, P2028 transaction API error, P2034 write conflict / deadlock.
const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
// PostgreSQL SQLSTATEs: class 08 (connection), 40001 serialization, 40P01 deadlock, 53xxx resources,
// 57P01–57P03 admin shutdown / crash shutdown / cannot connect now (e.g. pg_terminate_backend).
const TRANSIENT_SQLSTATE = /^(08...|40001|40P01|53...|57P0[123])$/;
const TRANSIENT_TEXT =
  /SQLITE_BUSY|SQLITE_LOCKED|database is locked|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|Connection terminated|terminating connection|connection.*(closed|ended|reset)|server closed the connection|timeout exceeded when trying to connect|Transaction already closed|Unable to start a transaction/i;

export function classifyFailure(error: unknown): FailureKind {
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PermanentWebhookError) return 'permanent';
    if (isConnectorError(e) && e.code === 'validation') return 'permanent';
    if (isConnectorError(e) && (e.code === 'platform_unavailable' || e.code === 'rate_limited')) return 'transient';
    const { code, originalCode, kind } = e as { code?: unknown; originalCode?: unknown; kind?: unknown };
    if (typeof code === 'string' && (TRANSIENT_PRISMA_CODES.has(code) || TRANSIENT_SQLSTATE.test(code))) return 'transient';
    if (typeof originalCode === 'string' && TRANSIENT_SQLSTATE.test(originalCode)) return 'transient';
    if (typeof kind === 'string' && /^(SocketTimeout|DatabaseNotReachable|ConnectionClosed|TransactionWriteConflict|TooManyConnections)$/.test(kind)) return 'transient';
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
    if (TRANSIENT_TEXT.test(message)) return 'transient';
  }
  return 'unknown';
}

/** Attempts before a delivery is marked failed for good. */
export const MAX_ATTEMPTS: Record<FailureKind, number> = { permanent: 1, transient: 12, unknown: 3 };

/** Jittered exponential backoff before attempt `attempts + 1`: 0.5 s, 1 s, 2 s, … capped at 5 min, ±50%. */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const base = Math.min(300_000, 500 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.5 + random()));
}

/** A short reason for logs and `lastError`: Prisma's messages quote source code first and end with the cause. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 1000);
  const lines = error.message.split('\n').map((l) => l.trim()).filter(Boolean);
  const cause = lines.length > 1 ? lines[lines.length - 1]! : (lines[0] ?? '');
  const raw = (error as Error & { code?: unknown }).code;
  const code = typeof raw === 'string' ? ` ${raw}` : '';
  return `${error.name === 'Error' ? '' : `${error.name}${code}: `}${cause}`.slice(0, 1000);
}
