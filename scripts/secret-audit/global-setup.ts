// Vitest global setup (root vitest.config.ts): turns the secret audit on for the whole run. It picks an
// audit directory, preloads capture.mjs into every Node process started from here on (vitest's workers and
// the processes tests spawn inherit NODE_OPTIONS through process.env) and into this main process, which
// prints what the workers' console calls forward to it. The check runs in the summary reporter at the end
// (scripts/vitest-summary-reporter.ts), which fails the run on any finding. CALIBR_SECRET_AUDIT=0 turns it off.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const captureModule = fileURLToPath(new URL('./capture.mjs', import.meta.url));

export default async function setup(): Promise<void> {
  if (process.env.CALIBR_SECRET_AUDIT === '0') return;
  if (!process.env.CALIBR_SECRET_AUDIT_DIR) {
    process.env.CALIBR_SECRET_AUDIT_DIR = mkdtempSync(join(tmpdir(), 'calibr-secret-audit-'));
    // This run made the directory: the reporter removes it when the audit passes.
    process.env.CALIBR_SECRET_AUDIT_OWNED = '1';
  }
  const preload = `--import=${pathToFileURL(captureModule).href}`;
  if (!process.env.NODE_OPTIONS?.includes(preload)) {
    process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' ');
  }
  await import(/* @vite-ignore */ pathToFileURL(captureModule).href);
}
