// Start the app (support/app-main.ts) as a child process, and kill it for real (SIGKILL: no cleanup, no
// chance to finish what it was doing).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface AppProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far (for failure messages). */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const main = fileURLToPath(new URL('./app-main.ts', import.meta.url));

export async function startAppProcess(env: Record<string, string>, timeoutMs = 180_000): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app process did not start in ${timeoutMs} ms:\n${stderr.slice(-4000)}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const info = JSON.parse(line) as { url?: string; pid?: number };
          if (info.url && info.pid) {
            clearTimeout(timer);
            resolve({ url: info.url, pid: info.pid });
          }
        } catch {
          // a partial line; wait for the rest
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the app process exited (${code}) before it listened:\n${stderr.slice(-4000)}`));
    });
  });
  return {
    ...started,
    child,
    output: () => stderr,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
