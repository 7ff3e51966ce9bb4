// Amazon's error bodies ({errors:[{code,message,details}]}) turned into our typed error family.
import {
  AuthenticationError,
  AuthorizationError,
  ConnectorError,
  NotFoundError,
  PlatformUnavailableError,
  ValidationError,
  type PlatformErrorInfo,
} from '@calibr/shared-contracts';

export interface AmazonApiError {
  code: string;
  message: string;
  details?: string;
}

export function parseAmazonErrors(body: string): AmazonApiError[] {
  try {
    const json = JSON.parse(body) as { errors?: AmazonApiError[] };
    return Array.isArray(json.errors) ? json.errors : [];
  } catch {
    return [];
  }
}

export function platformError(errors: AmazonApiError[], fallback: string): PlatformErrorInfo {
  const first = errors[0];
  return first
    ? { code: String(first.code), message: [first.message, first.details].filter(Boolean).join(' ') }
    : { code: 'Unknown', message: fallback };
}

/** A non-2xx answer (other than 429 and retryable 5xx, handled by the client) as a ConnectorError. */
export function errorFromResponse(operation: string, statusCode: number, body: string): ConnectorError {
  const errors = parseAmazonErrors(body);
  const info = platformError(errors, body.slice(0, 200) || `HTTP ${statusCode}`);
  const detail = `Amazon ${operation}: ${info.message}`;
  const options = { platform: 'amazon', platformError: info, detail };
  switch (statusCode) {
    case 400:
    case 413:
    case 415:
      return new ValidationError([{ path: '', message: info.message, code: info.code }], options);
    case 401:
      return new AuthenticationError(detail, options);
    case 403:
      return new AuthorizationError(detail, options);
    case 404:
      return new NotFoundError(detail, options);
    default:
      if (statusCode >= 500) return new PlatformUnavailableError(detail, options);
      return new ConnectorError('internal', detail, options);
  }
}
