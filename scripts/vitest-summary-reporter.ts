// Prints one plain closing line, "N passed, N failed, N skipped", that CI tooling can read
// whatever runner it expects.
import { writeSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';
import { finishSecretAudit } from './secret-audit/run-audit';

export default class SummaryReporter implements Reporter {
  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    // The secret audit of the whole run (scripts/secret-audit) counts as one more test: a leak fails the run.
    if (!(await finishSecretAudit((text) => process.stdout.write(text)))) {
      failed++;
      process.exitCode = 1;
    }
    // Written at exit so that it is the last line, after vitest's own summary.
    const line = `tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`;
    process.once('exit', () => writeSync(1, line));
  }
}
