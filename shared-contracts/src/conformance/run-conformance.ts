// Run the checks without a test runner: for the kit's own tests, scripts, and CI reports.
import { CheckSkipped } from './assertions';
import { CONFORMANCE_CHECKS, type ConformanceCheck } from './checks';
import { createContext } from './context';
import type { CheckId, CheckResult, ConformanceOptions, ConformanceReport } from './types';

/** Run one check against a fresh, authenticated connector. Never throws: the outcome is the result. */
export async function runCheck(check: ConformanceCheck, options: ConformanceOptions): Promise<CheckResult> {
  const started = performance.now();
  const done = (status: CheckResult['status'], message?: string, error?: unknown): CheckResult => ({
    id: check.id,
    title: check.title,
    status,
    ...(message === undefined ? {} : { message }),
    ...(error === undefined ? {} : { error }),
    durationMs: Math.round(performance.now() - started),
  });
  const skipReason = options.skip?.[check.id];
  if (skipReason) return done('skipped', skipReason);

  let connector;
  try {
    connector = await options.makeConnector();
    await connector.authenticate(options.fixtures.credentials);
    await check.run(createContext(connector, options, check.id));
    return done('passed');
  } catch (error) {
    if (error instanceof CheckSkipped) return done('skipped', error.message);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return done('failed', message, error);
  } finally {
    if (connector) {
      try {
        await (options.release ? options.release(connector) : connector.dispose?.());
      } catch {
        // Releasing is best effort; the check's own outcome is what matters.
      }
    }
  }
}

export interface RunConformanceOptions {
  /** Run only these checks. */
  only?: readonly CheckId[];
}

export async function runConformance(options: ConformanceOptions, run: RunConformanceOptions = {}): Promise<ConformanceReport> {
  const checks = run.only ? CONFORMANCE_CHECKS.filter((c) => run.only?.includes(c.id)) : CONFORMANCE_CHECKS;
  const results: CheckResult[] = [];
  for (const check of checks) results.push(await runCheck(check, options));
  return {
    results,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    failures: results.filter((r) => r.status === 'failed').map((r) => r.id),
  };
}

/** A readable multi-line summary of a report. */
export function formatReport(report: ConformanceReport): string {
  const lines = report.results.map((r) => {
    const mark = r.status === 'passed' ? 'ok  ' : r.status === 'failed' ? 'FAIL' : 'skip';
    return `${mark} ${r.id}: ${r.title}${r.message ? `\n       ${r.message}` : ''}`;
  });
  lines.push(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
  return lines.join('\n');
}
