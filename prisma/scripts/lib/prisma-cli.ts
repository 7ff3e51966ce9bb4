// Runs the Prisma CLI (the installed `prisma` package) with our prisma.config.ts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { appSchema } from '../../src/schema-set';
import type { SchemaSet } from '../../src/schema-set';
import { packageDir } from '../../src/url';

const require = createRequire(import.meta.url);
const prismaPackageJson = require.resolve('prisma/package.json');
const prismaCli = resolve(dirname(prismaPackageJson), 'build/index.js');

export const prismaVersion: string = (JSON.parse(readFileSync(prismaPackageJson, 'utf8')) as { version: string }).version;

export interface PrismaRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `prisma <args>` in prisma/ (so prisma.config.ts applies, for the schema set named in
 * CALIBR_SCHEMA); never inherits a terminal.
 */
export function runPrisma(args: string[], env: NodeJS.ProcessEnv = {}, set: SchemaSet = appSchema): Promise<PrismaRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args], {
      cwd: packageDir,
      env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1', CALIBR_SCHEMA: set.name, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** Like runPrisma, but a non-zero exit is an error carrying the CLI's output. */
export async function runPrismaOrThrow(args: string[], env?: NodeJS.ProcessEnv, set?: SchemaSet): Promise<PrismaRun> {
  const run = await runPrisma(args, env, set);
  if (run.code !== 0) {
    throw new Error(`prisma ${args.join(' ')} failed (exit ${run.code}):\n${run.stderr || run.stdout}`);
  }
  return run;
}
