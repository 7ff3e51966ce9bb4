// The closed set of error kinds, their HTTP status and their problem `type` URI.

export const ERROR_CODES = [
  'authentication',
  'authorization',
  'validation',
  'not_found',
  'rate_limited',
  'conflict',
  'platform_unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Problem `type` URIs are URNs: stable identifiers that don't pretend to be dereferenceable pages. */
export const PROBLEM_TYPE_PREFIX = 'urn:calibr:problem:';

export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  authentication: 401,
  authorization: 403,
  validation: 400,
  not_found: 404,
  rate_limited: 429,
  conflict: 409,
  platform_unavailable: 503,
  internal: 500,
};

export const ERROR_TITLE: Readonly<Record<ErrorCode, string>> = {
  authentication: 'Authentication required',
  authorization: 'Not allowed',
  validation: 'Invalid input',
  not_found: 'Not found',
  rate_limited: 'Rate limited',
  conflict: 'Conflict',
  platform_unavailable: 'Platform unavailable',
  internal: 'Internal error',
};

export function problemTypeFor(code: ErrorCode): string {
  return `${PROBLEM_TYPE_PREFIX}${code.replace(/_/g, '-')}`;
}

export function errorCodeFromProblemType(type: string): ErrorCode | undefined {
  if (!type.startsWith(PROBLEM_TYPE_PREFIX)) return undefined;
  const code = type.slice(PROBLEM_TYPE_PREFIX.length).replace(/-/g, '_');
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : undefined;
}
