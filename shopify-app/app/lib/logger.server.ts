// The app process's one logger: pino, one JSON object per line on stdout (level, time, msg, …), at
// LOG_LEVEL (default info). Secrets never reach a log line: the request headers that carry them, any
// field named like a token or secret, and the OAuth / session-token query parameters are masked.
import pino, { type Logger } from 'pino';
import { appContext } from '../app-context.server';

/** Query parameters that are credentials or one-time proofs (OAuth code/state/hmac, embedded id_token). */
export const SECRET_QUERY_PARAMS = ['code', 'hmac', 'state', 'id_token', 'session', 'signature', 'token'];

/** Paths pino masks in every logged object (see pino's `redact`). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-shopify-access-token"]',
  'req.headers["x-amz-access-token"]',
  'req.headers["x-calibr-signature"]',
  'req.headers["x-shopify-hmac-sha256"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.apiSecretKey',
  '*.password',
  '*.idToken',
  '*.id_token',
];

export const REDACTED = '[redacted]';

/** A URL path with its secret query parameters masked (`/auth/callback?code=[redacted]&shop=…`). */
export function redactQuery(url: string | undefined): string | undefined {
  if (!url || !url.includes('?')) return url;
  const [path, query] = [url.slice(0, url.indexOf('?')), url.slice(url.indexOf('?') + 1)];
  const params = new URLSearchParams(query);
  for (const name of [...params.keys()]) {
    if (SECRET_QUERY_PARAMS.includes(name.toLowerCase())) params.set(name, REDACTED);
  }
  // URLSearchParams encodes the brackets; keep the mask readable.
  return `${path}?${params.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED)}`;
}

export function createLogger(options: { name: string; level?: string; destination?: pino.DestinationStream }): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return pino(
    {
      level,
      base: { service: options.name, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      // Level names ("info") rather than numbers: what log platforms index.
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}

/** The app's logger: the server entry's (server/production.ts), else one made here (one per process, see app-context.server.ts). */
export const logger: Logger = (appContext().logger ??= createLogger({ name: 'shopify-app' }));

/** Errors as one short line: no stack, no request bodies (Prisma messages can quote whole queries). */
export function errorMessage(error: unknown, max = 300): string {
  const text = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
