// Error <-> problem details, both directions, so errors survive a hop over HTTP.
import {
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  ConnectorError,
  NotFoundError,
  PlatformUnavailableError,
  RateLimitedError,
  ValidationError,
  type ConnectorErrorOptions,
} from './connector-errors';
import { errorCodeFromProblemType, type ErrorCode } from './error-codes';
import type { FieldError, PlatformErrorInfo, ProblemDetails } from './problem-details';

/**
 * Any thrown value as a problem document. Unknown errors become a 500 whose detail does not leak the
 * original message (it may hold secrets or internals); log the original yourself.
 */
export function toProblem(error: unknown, instance?: string): ProblemDetails {
  if (error instanceof ConnectorError) return error.toProblem(instance);
  return new ConnectorError('internal', 'Internal error', {
    detail: 'An unexpected error occurred',
    ...(instance === undefined ? {} : { instance }),
  }).toProblem();
}

/** Rebuild the typed error from a problem document (from our own server or a foreign one). */
export function fromProblem(problem: unknown, fallbackStatus?: number): ConnectorError {
  const p = (isRecord(problem) ? problem : {}) as Partial<ProblemDetails>;
  const status = typeof p.status === 'number' ? p.status : (fallbackStatus ?? 500);
  const code: ErrorCode =
    (typeof p.type === 'string' ? errorCodeFromProblemType(p.type) : undefined) ??
    (typeof p.code === 'string' && isErrorCode(p.code) ? p.code : undefined) ??
    codeFromStatus(status);
  const detail = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : undefined;
  const options: ConnectorErrorOptions = {};
  if (detail !== undefined) options.detail = detail;
  if (typeof p.instance === 'string') options.instance = p.instance;
  if (typeof p.platform === 'string') options.platform = p.platform;
  const platformError = readPlatformError(p.platformError);
  if (platformError) options.platformError = platformError;
  const message = detail ?? `HTTP ${status}`;
  const retryAfter = typeof p.retryAfter === 'number' ? p.retryAfter : undefined;

  switch (code) {
    case 'authentication':
      return new AuthenticationError(message, options);
    case 'authorization':
      return new AuthorizationError(message, options);
    case 'validation': {
      const errors = readFieldErrors(p.errors);
      return new ValidationError(errors.length > 0 ? errors : [{ path: '', message }], options);
    }
    case 'not_found': {
      const extra: { resource?: string; resourceId?: string } = {};
      if (typeof p.resource === 'string') extra.resource = p.resource;
      if (typeof p.resourceId === 'string') extra.resourceId = p.resourceId;
      return new NotFoundError(message, { ...options, ...extra });
    }
    case 'rate_limited':
      return new RateLimitedError(retryAfter ?? 0, message, options);
    case 'conflict':
      return new ConflictError(message, options);
    case 'platform_unavailable':
      return new PlatformUnavailableError(message, {
        ...options,
        ...(retryAfter === undefined ? {} : { retryAfter }),
      });
    default:
      return new ConnectorError('internal', message, options);
  }
}

function codeFromStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'validation';
    case 401:
      return 'authentication';
    case 403:
      return 'authorization';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 429:
      return 'rate_limited';
    case 502:
    case 503:
    case 504:
      return 'platform_unavailable';
    default:
      return 'internal';
  }
}

function isErrorCode(value: string): value is ErrorCode {
  return errorCodeFromProblemType(`urn:calibr:problem:${value.replace(/_/g, '-')}`) !== undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  const out: FieldError[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item.message !== 'string') continue;
    const path = typeof item.path === 'string' ? item.path : '';
    out.push(
      typeof item.code === 'string'
        ? { path, message: item.message, code: item.code }
        : { path, message: item.message },
    );
  }
  return out;
}

function readPlatformError(value: unknown): PlatformErrorInfo | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.code !== 'string' || typeof value.message !== 'string') return undefined;
  return { code: value.code, message: value.message };
}
