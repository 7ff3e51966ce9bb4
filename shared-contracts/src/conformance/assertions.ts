// Assertions that work with or without a test runner, so checks can run programmatically.
import { inspect, isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { issuesToFieldErrors } from '..';

export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}

/** Thrown by a check that can't run against this connector (reported as skipped). */
export class CheckSkipped extends Error {
  override readonly name = 'CheckSkipped';
}

export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

export function ensureEqual<T>(actual: T, expected: T, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new ConformanceFailure(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Parse with a schema; on failure say which fields are wrong. */
export function ensureShape<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = issuesToFieldErrors(result.error.issues)
      .map((e) => `${e.path || '(root)'}: ${e.message}`)
      .join('; ');
    throw new ConformanceFailure(`${what} has the wrong shape: ${problems}`);
  }
  return result.data;
}

/** Await `fn` and require it to reject with an instance of `type`. */
export async function ensureRejects<E extends Error>(
  fn: () => Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  what: string,
): Promise<E> {
  let value: unknown;
  try {
    value = await fn();
  } catch (error) {
    if (error instanceof type) return error;
    const got = error instanceof Error ? `${error.name}: ${error.message}` : show(error);
    throw new ConformanceFailure(`${what}: expected ${type.name}, got ${got}`);
  }
  throw new ConformanceFailure(`${what}: expected ${type.name}, but it resolved with ${show(value)}`);
}

export function show(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: Infinity });
}
