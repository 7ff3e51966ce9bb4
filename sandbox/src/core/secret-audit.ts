// The sandbox's part of the secret audit (scripts/secret-audit): when CALIBR_SECRET_AUDIT_DIR is set (the
// test run sets it), every token and secret the sandbox issues or holds is appended to that directory, so
// the end-of-run check can look for it in everything Calibrate logged or answered. Without the variable
// this does nothing. The sandbox's own servers are marked so the response tap skips them: their answers
// (token grants, seeds) carry these secrets by design.
import { appendFileSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';

/** What was recorded, per audit directory. */
const recorded = new Map<string, Set<string>>();

/**
 * `logsOnly`: a credential that legitimately comes back in our own responses to the client that sent it
 * (a session token in the id_token query parameter of a redirect, as Shopify's app template does), so
 * only log lines are searched for it.
 */
export function recordIssuedSecret(kind: string, value: string | undefined | null, options: { logsOnly?: boolean } = {}): void {
  const dir = process.env.CALIBR_SECRET_AUDIT_DIR;
  if (!dir || !value) return;
  let seen = recorded.get(dir);
  if (seen?.has(value)) return;
  try {
    const secretsDir = join(dir, 'secrets');
    if (!seen) {
      mkdirSync(secretsDir, { recursive: true });
      recorded.set(dir, (seen = new Set()));
    }
    seen.add(value);
    appendFileSync(join(secretsDir, `${process.pid}-sandbox.jsonl`), `${JSON.stringify({ kind: `sandbox ${kind}`, value, ...(options.logsOnly ? { logsOnly: true } : {}) })}\n`);
  } catch {
    // the audit never breaks the sandbox
  }
}

/** Marks a server as the platforms' (see scripts/secret-audit/capture.mjs). */
export function markPlatformServer(server: Server): void {
  (server as unknown as Record<symbol, boolean>)[Symbol.for('calibr.secretAudit.platformServer')] = true;
}
