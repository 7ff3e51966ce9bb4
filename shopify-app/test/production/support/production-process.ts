// The built app as production runs it (`npm run start:prod`: server/production-main.ts), as a child
// process whose JSON log lines the test keeps, and which it stops with a real signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const appRoot = fileURLToPath(new URL('../../../', import.meta.url));
const main = fileURLToPath(new URL('../../../server/production-main.ts', import.meta.url));

/**
 * The app built by `remix vite:build` (what `npm run build` runs for the app), once per test run and shared by
 * every suite that needs it: the first suite to ask builds it (holding a lock directory, so that parallel files
 * never run two builds in one checkout) and copies it aside, where another build of the checkout (a developer)
 * can't swap it under the running instances; the others wait for that copy. `dir` is the build directory
 * (server/ and client/, for APP_BUILD_DIR); `root` holds it as `build/`, a working directory for remix-serve.
 * The run's global setup (../../support/global-setup.ts) names the place and removes it at the end.
 */
export async function buildApp(): Promise<{ root: string; dir: string }> {
  const root = inject('appBuildRoot');
  const dir = `${root}/build`;
  const complete = `${root}/complete`;
  const failed = `${root}.failed`;
  let owner = true;
  mkdirSync(dirname(root), { recursive: true });
  try {
    mkdirSync(`${root}.lock`, { recursive: false });
  } catch {
    owner = false;
  }
  if (!owner) {
    // Another file of this run is building: wait for its copy (or its failure).
    const deadline = Date.now() + 360_000;
    while (!existsSync(complete)) {
      if (existsSync(failed)) throw new Error(`the run's shared build failed:\n${readFileSync(failed, 'utf8')}`);
      if (Date.now() > deadline) throw new Error('timed out waiting for the run\'s shared build');
      await new Promise((r) => setTimeout(r, 250));
    }
    return { root, dir };
  }
  try {
    // Asynchronously: a worker blocked for the whole build can't answer vitest's own messages in time.
    const child = spawn('npx', ['remix', 'vite:build'], { cwd: appRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    clearTimeout(timer);
    if (status !== 0) throw new Error(`remix vite:build failed (${status}):\n${output.slice(-5000)}`);
    if (!existsSync(`${appRoot}build/server/index.js`)) throw new Error('the build wrote no build/server/index.js');
    cpSync(`${appRoot}build`, dir, { recursive: true });
    writeFileSync(complete, '');
    return { root, dir };
  } catch (error) {
    writeFileSync(failed, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

export interface ProductionProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Every stdout line so far (pino's JSON lines, and the ready line). */
  lines(): string[];
  stderr(): string;
  /** Send a signal and wait for the exit: its code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface ProductionProcessOptions {
  timeoutMs?: number;
  /**
   * Modules node imports before the entry point (`--import`). Default: with SANDBOX_URL, the sandbox's hook
   * (@calibr/sandbox/install), as production code never loads the sandbox itself; else none.
   */
  imports?: string[];
}

export async function startProductionProcess(env: Record<string, string>, options: ProductionProcessOptions = {}): Promise<ProductionProcess> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const imports = options.imports ?? (env.SANDBOX_URL ? ['@calibr/sandbox/install'] : []);
  const child = spawn(process.execPath, ['--import', 'tsx', ...imports.flatMap((i) => ['--import', i]), main], {
    cwd: appRoot,
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-50_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}\n${stderr}`)), timeoutMs);
    const poll = setInterval(() => {
      for (const line of lines) {
        if (!line.includes('"msg":"ready"')) continue;
        const parsed = JSON.parse(line) as { url: string; pid: number };
        clearInterval(poll);
        clearTimeout(timer);
        resolve(parsed);
        return;
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the app exited (${code}) before it was ready:\n${lines.slice(-20).join('\n')}\n${stderr}`));
    });
  });
  return {
    ...ready,
    child,
    lines: () => [...lines, ...(partial ? [partial] : [])],
    stderr: () => stderr,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
