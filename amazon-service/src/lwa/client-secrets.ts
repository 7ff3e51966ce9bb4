// The app's own LWA client secret, which Amazon makes us rotate every 180 days. While a new secret rolls
// out, both are valid at Amazon: the service holds both and tries them in order, so a rotation needs no
// restart and no downtime. Sources: AMAZON_LWA_CLIENT_SECRET_FILE (one secret per line, re-read when the
// file changes), else AMAZON_LWA_CLIENT_SECRET and AMAZON_LWA_CLIENT_SECRET_NEXT. Secrets are never logged.
import { readFileSync, statSync } from 'node:fs';
import type { Logger } from 'pino';

/** What the LWA client needs to try an app's secrets in turn and say which one Amazon took. */
export interface ClientSecretRotation {
  /** The secrets to try, the one Amazon last accepted first. */
  secrets(): string[];
  /** Amazon accepted this one: try it first from now on. */
  accepted(secret: string): void;
}

export interface ClientSecretSource {
  secret?: string;
  next?: string;
  /** A file holding the secrets, one per line (the first is tried first until Amazon takes another). */
  file?: string;
}

export class AppClientSecrets implements ClientSecretRotation {
  private preferred?: string;
  private fileRead?: { mtimeMs: number; size: number; secrets: string[] };
  private fileProblem = false;

  constructor(
    private readonly source: ClientSecretSource,
    private readonly logger?: Logger,
  ) {}

  private configured(): string[] {
    const fromEnv = [this.source.secret, this.source.next].filter((s): s is string => Boolean(s));
    if (!this.source.file) return fromEnv;
    try {
      const stat = statSync(this.source.file);
      if (!this.fileRead || this.fileRead.mtimeMs !== stat.mtimeMs || this.fileRead.size !== stat.size) {
        const secrets = readFileSync(this.source.file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
        if (this.fileRead) this.logger?.info({ secrets: secrets.length }, 'LWA client secret file changed: its secrets apply from the next LWA call');
        this.fileRead = { mtimeMs: stat.mtimeMs, size: stat.size, secrets };
        this.fileProblem = false;
      }
      return this.fileRead.secrets.length > 0 ? this.fileRead.secrets : fromEnv;
    } catch (error) {
      if (!this.fileProblem) this.logger?.warn({ code: (error as { code?: string }).code }, 'LWA client secret file unreadable: using the last secrets read (or the environment)');
      this.fileProblem = true;
      return this.fileRead?.secrets.length ? this.fileRead.secrets : fromEnv;
    }
  }

  secrets(): string[] {
    const list = [...new Set(this.configured())];
    if (this.preferred && list.includes(this.preferred)) return [this.preferred, ...list.filter((s) => s !== this.preferred)];
    return list;
  }

  accepted(secret: string): void {
    const list = this.secrets();
    if (list[0] === secret) return;
    this.preferred = secret;
    this.logger?.warn({ position: this.configured().indexOf(secret) + 1 }, 'Login with Amazon refused the first LWA client secret and took another: finish the rotation (make the new secret the first)');
  }
}
