// The service's one logger: pino, one JSON object per line (level, time, msg, …) at LOG_LEVEL. Secrets
// never reach a line: LWA/SP-API tokens and client secrets wherever they sit in a logged object, the
// request headers that carry credentials, and OAuth query parameters (Amazon's consent redirect brings
// spapi_oauth_code and state).
import pino, { type Logger } from 'pino';

export const REDACTED = '[redacted]';

const REDACT = [
  '*.refreshToken',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.accessToken',
  '*.access_token',
  '*.lwaClientSecret',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-amz-access-token"]',
  'req.headers["x-calibr-signature"]',
  'res.headers["set-cookie"]',
];

/** Query parameters that are one-time proofs or credentials. */
const SECRET_QUERY_PARAMS = ['code', 'spapi_oauth_code', 'state', 'hmac', 'id_token', 'token', 'signature', 'sig'];

/** A URL path with its secret query parameters masked. */
export function redactQuery(url: string | undefined): string | undefined {
  const at = url?.indexOf('?') ?? -1;
  if (!url || at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const name of [...params.keys()]) if (SECRET_QUERY_PARAMS.includes(name.toLowerCase())) params.set(name, REDACTED);
  return `${url.slice(0, at)}?${params.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED)}`;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'amazon-service', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: REDACTED },
    },
    destination,
  );
}
