// Register the checks as vitest tests: one `it` per rule, so a failure names the rule it broke.
import { describe, it } from 'vitest';
import { CONFORMANCE_CHECKS } from './checks';
import { runCheck } from './run-conformance';
import type { CheckId, ConformanceOptions } from './types';

export interface DescribeConformanceOptions extends ConformanceOptions {
  /** Run only these checks. */
  only?: readonly CheckId[];
  /** Per-check timeout in ms (default 30 s). */
  timeoutMs?: number;
}

/**
 * `describeConformance('shopify connector', { makeConnector, fixtures, settle, simulateRateLimit })`
 * inside a vitest test file. `options` may be a function, evaluated when the tests run (after your
 * `beforeAll` has started servers).
 */
export function describeConformance(
  name: string,
  options: DescribeConformanceOptions | (() => DescribeConformanceOptions),
): void {
  const resolve = () => (typeof options === 'function' ? options() : options);
  const staticOptions = typeof options === 'function' ? undefined : options;
  const checks = staticOptions?.only ? CONFORMANCE_CHECKS.filter((c) => staticOptions.only?.includes(c.id)) : CONFORMANCE_CHECKS;
  describe(`PlatformConnector conformance: ${name}`, () => {
    for (const check of checks) {
      it(
        `${check.id}: ${check.title}`,
        async (ctx) => {
          const opts = resolve();
          if (opts.only && !opts.only.includes(check.id)) ctx.skip();
          const result = await runCheck(check, opts);
          if (result.status === 'skipped') {
            ctx.skip(result.message);
            return;
          }
          if (result.status === 'failed') throw result.error instanceof Error ? result.error : new Error(result.message);
        },
        staticOptions?.timeoutMs ?? 30_000,
      );
    }
  });
}
