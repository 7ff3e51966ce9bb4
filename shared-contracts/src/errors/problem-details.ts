// RFC 9457 "Problem Details for HTTP APIs": the wire form of every Calibrate error, so a connector
// running in another process (the Amazon service) can hand typed errors back to the app.

/** Media type of a problem document (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One invalid field: `path` is dotted/bracketed (`updates[2].price.amount`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
  /** Machine-readable reason, e.g. `too_many_decimals`, `unknown_currency`, `required`. */
  readonly code?: string;
}

/** What the platform itself said, verbatim (Shopify `userErrors[].code`, SP-API `errors[].code`). */
export interface PlatformErrorInfo {
  readonly code: string;
  readonly message: string;
}

/**
 * A problem details document. `type`, `title`, `status`, `detail`, `instance` are RFC 9457 members;
 * the rest are our extension members (RFC 9457 §3.2).
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  /** Stable error code (`validation`, `rate_limited`, …): same as the last segment of `type`. */
  readonly code?: string;
  /** Validation: the invalid fields. */
  readonly errors?: readonly FieldError[];
  /** Rate limited / unavailable: seconds until a retry may succeed. */
  readonly retryAfter?: number;
  /** The platform the error came from (`shopify`, `amazon`). */
  readonly platform?: string;
  readonly platformError?: PlatformErrorInfo;
  readonly [extension: string]: unknown;
}
