// The sandbox in its own process (`tsx sandbox/src/main.ts`), so the bench's client and the platform it
// measures don't share one event loop, and the bench's memory figure is its own, not the platform's.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../shopify-app/server/free-port';

export interface SandboxProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface SandboxProcessOptions {
  /** `demo` (the shared catalog and the demo seller) or `none`. */
  seed: 'demo' | 'none';
  /** Shopify's leaky bucket and Amazon's usage plans run this many times faster. */
  timeScale?: number;
  /** LWA access tokens last this many sandbox seconds (default Amazon's 3600, i.e. 3600 ÷ timeScale real seconds). */
  accessTokenTtlSeconds?: number;
  /** Pre-signed document URLs last this many sandbox seconds (default Amazon's 300). */
  presignedUrlTtlSeconds?: number;
}

export async function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'sandbox/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      SANDBOX_PORT: String(port),
      SANDBOX_SEED: options.seed,
      SANDBOX_TIME_SCALE: String(options.timeScale ?? 1),
      SANDBOX_STATE_FILE: '',
      SANDBOX_AMAZON_TOKEN_TTL_SECONDS: String(options.accessTokenTtlSeconds ?? ''),
      SANDBOX_AMAZON_PRESIGNED_URL_TTL_SECONDS: String(options.presignedUrlTtlSeconds ?? ''),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited (${child.exitCode}) before it was ready`);
    try {
      const health = await fetch(`${url}/_sandbox/health`);
      if (health.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error('the sandbox did not become ready within 90 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
