// zod issues -> our ValidationError, so every layer reports bad input the same way.
import type { z } from 'zod';
import { ValidationError, type FieldError } from '../errors';
import { formatFieldPath } from './field-path';

export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldError[] {
  return issues.map((issue) => {
    const params = (issue as { params?: { code?: unknown } }).params;
    const code = typeof params?.code === 'string' ? params.code : issue.code;
    return { path: formatFieldPath(issue.path, prefix), message: issue.message, code };
  });
}

/** Parse or throw a ValidationError with field paths (prefixed by `path`). */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, path = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(issuesToFieldErrors(result.error.issues, path));
  return result.data;
}

export type SafeResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function safeParseFields<S extends z.ZodType>(schema: S, input: unknown, path = ''): SafeResult<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: issuesToFieldErrors(result.error.issues, path) };
}
