// The end of a test run's secret audit, called by the summary reporter: checks the run's audit directory
// and prints the result. Returns false when a secret was found (the run must fail).
import { rmSync } from 'node:fs';
import { checkAuditDir, formatAuditResult } from './check';

export async function finishSecretAudit(write: (text: string) => void): Promise<boolean> {
  const dir = process.env.CALIBR_SECRET_AUDIT_DIR;
  if (!dir || process.env.CALIBR_SECRET_AUDIT === '0') return true;
  const result = await checkAuditDir(dir);
  write(formatAuditResult(dir, result));
  const passed = result.findings.length === 0;
  if (passed && process.env.CALIBR_SECRET_AUDIT_OWNED === '1') {
    // A process still exiting may write one last line meanwhile (ENOTEMPTY): a leftover temp folder is not a failure.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
    } catch (error) {
      write(`secret audit: could not remove ${dir} (${(error as NodeJS.ErrnoException).code ?? error}); left in place`);
    }
  }
  return passed;
}
