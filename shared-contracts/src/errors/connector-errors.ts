// The typed error family every connector throws. Each maps to one HTTP status and one problem type.
import { ERROR_STATUS, ERROR_TITLE, problemTypeFor, type ErrorCode } from './error-codes';
import type { FieldError, PlatformErrorInfo, ProblemDetails } from './problem-details';

export interface ConnectorErrorOptions {
  /** Human-readable explanation specific to this occurrence (RFC 9457 `detail`). */
  detail?: string;
  /** URI of this occurrence (RFC 9457 `instance`), e.g. the request path. */
  instance?: string;
  platform?: string;
  platformError?: PlatformErrorInfo;
  cause?: unknown;
}

/** Base of the family. Thrown as-is only for `internal` errors; otherwise use a subclass. */
export class ConnectorError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly instance: string | undefined;
  readonly platform: string | undefined;
  readonly platformError: PlatformErrorInfo | undefined;

  constructor(code: ErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.title = ERROR_TITLE[code];
    this.detail = options.detail ?? message;
    this.instance = options.instance;
    this.platform = options.platform;
    this.platformError = options.platformError;
  }

  get type(): string {
    return problemTypeFor(this.code);
  }

  /** Extension members specific to a subclass. */
  protected problemExtensions(): Record<string, unknown> {
    return {};
  }

  toProblem(instance?: string): ProblemDetails {
    const problem: Record<string, unknown> = {
      type: this.type,
      title: this.title,
      status: this.status,
      code: this.code,
    };
    if (this.detail !== undefined) problem.detail = this.detail;
    const inst = instance ?? this.instance;
    if (inst !== undefined) problem.instance = inst;
    if (this.platform !== undefined) problem.platform = this.platform;
    if (this.platformError !== undefined) problem.platformError = { ...this.platformError };
    Object.assign(problem, this.problemExtensions());
    return problem as ProblemDetails;
  }

  toJSON(): ProblemDetails {
    return this.toProblem();
  }
}

/** Credentials missing, expired, revoked, or a request signature that doesn't verify (401). */
export class AuthenticationError extends ConnectorError {
  constructor(message = 'Authentication required', options?: ConnectorErrorOptions) {
    super('authentication', message, options);
  }
}

/** Authenticated, but not allowed: missing scope, other tenant's resource (403). */
export class AuthorizationError extends ConnectorError {
  constructor(message = 'Not allowed', options?: ConnectorErrorOptions) {
    super('authorization', message, options);
  }
}

/** Bad input, with the offending fields (400). */
export class ValidationError extends ConnectorError {
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[] | string, options?: ConnectorErrorOptions) {
    const list: readonly FieldError[] =
      typeof errors === 'string' ? [{ path: '', message: errors }] : errors;
    const message =
      list.length === 0
        ? 'Invalid input'
        : list.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    super('validation', message, options);
    this.errors = list;
  }

  /** Convenience for a single field. */
  static field(path: string, message: string, code?: string): ValidationError {
    return new ValidationError([code === undefined ? { path, message } : { path, message, code }]);
  }

  protected override problemExtensions(): Record<string, unknown> {
    return { errors: this.errors.map((e) => ({ ...e })) };
  }
}

/** The product, listing, tenant or route doesn't exist (404). */
export class NotFoundError extends ConnectorError {
  readonly resource: string | undefined;
  readonly resourceId: string | undefined;

  constructor(
    message = 'Not found',
    options: ConnectorErrorOptions & { resource?: string; resourceId?: string } = {},
  ) {
    super('not_found', message, options);
    this.resource = options.resource;
    this.resourceId = options.resourceId;
  }

  protected override problemExtensions(): Record<string, unknown> {
    const ext: Record<string, unknown> = {};
    if (this.resource !== undefined) ext.resource = this.resource;
    if (this.resourceId !== undefined) ext.resourceId = this.resourceId;
    return ext;
  }
}

/** The platform (or we) throttled the call; retry after `retryAfter` seconds (429). */
export class RateLimitedError extends ConnectorError {
  /** Whole seconds to wait before retrying (>= 0). */
  readonly retryAfter: number;

  constructor(retryAfter: number, message = 'Rate limited', options?: ConnectorErrorOptions) {
    super('rate_limited', message, options);
    this.retryAfter = normalizeRetryAfter(retryAfter);
  }

  protected override problemExtensions(): Record<string, unknown> {
    return { retryAfter: this.retryAfter };
  }
}

/** State doesn't match: expected price changed, idempotency key reused with other content (409). */
export class ConflictError extends ConnectorError {
  constructor(message = 'Conflict', options?: ConnectorErrorOptions) {
    super('conflict', message, options);
  }
}

/** The platform is down, timing out or answering 5xx; maybe retry later (503). */
export class PlatformUnavailableError extends ConnectorError {
  readonly retryAfter: number | undefined;

  constructor(
    message = 'Platform unavailable',
    options: ConnectorErrorOptions & { retryAfter?: number } = {},
  ) {
    super('platform_unavailable', message, options);
    this.retryAfter =
      options.retryAfter === undefined ? undefined : normalizeRetryAfter(options.retryAfter);
  }

  protected override problemExtensions(): Record<string, unknown> {
    return this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter };
  }
}

function normalizeRetryAfter(seconds: number): number {
  // Seconds are a count, not money: rounding a duration up is the safe direction.
  if (!Number.isFinite(seconds) || seconds < 0) return 0;
  return Math.ceil(seconds);
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}
