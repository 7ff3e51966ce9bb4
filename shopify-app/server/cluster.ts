// WEB_CONCURRENCY=N (N > 1): one deployment uses N cores, as Node apps are usually run in production. A
// node:cluster primary applies the migrations once, then forks N workers that each run the production app
// (server/production.ts) on the same port; the primary hands them connections in turn. A worker that dies
// unexpectedly is replaced. SIGTERM / SIGINT go on to every worker as a graceful shutdown; the primary exits
// 0 once all have exited 0, 1 otherwise or when the shutdown deadline passed.
//
// The workers are ordinary instances: what several instances share (webhook deliveries recorded by id,
// price pushes claimed under leases) is already safe across processes. Every log line is pino JSON with
// the process's pid; the primary logs which worker id has which pid.
import cluster, { type Worker } from 'node:cluster';
import { migrateDatabase, redactUrl, resolveDatabaseUrl } from '@calibr/db';
import { createLogger, errorMessage } from '../app/lib/logger.server';

/** Messages a worker sends its primary. */
export type WorkerMessage = { type: 'calibr:ready'; url: string; pid: number };

/** WEB_CONCURRENCY as a whole number ≥ 1 (default 1: no cluster, today's single process). */
export function webConcurrency(value = process.env.WEB_CONCURRENCY): number {
  if (value === undefined || value.trim() === '') return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`WEB_CONCURRENCY must be a whole number ≥ 1, got "${value}"`);
  return n;
}

/** A replaced worker waits this long first, so a worker that keeps crashing doesn't spin the primary. */
const RESTART_DELAY_MS = 1_000;

export async function runClusterPrimary(workers: number): Promise<void> {
  const logger = createLogger({ name: 'shopify-app' }).child({ role: 'primary' });
  // Migrations once, here: the workers start with MIGRATE_ON_START=off and don't race for them.
  if (process.env.MIGRATE_ON_START !== 'off') {
    const databaseUrl = resolveDatabaseUrl();
    const result = await migrateDatabase(databaseUrl);
    logger.info({ provider: result.provider, database: redactUrl(databaseUrl), applied: result.applied, alreadyApplied: result.alreadyApplied.length }, 'migrations');
  }
  const workerEnv = { MIGRATE_ON_START: 'off' };
  const shutdownTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 25_000);

  let stopping = false;
  const ready = new Map<number, string>(); // worker id → its url, once listening
  let announced = false;

  const fork = (): Worker => {
    const worker = cluster.fork(workerEnv);
    logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'worker started');
    worker.on('message', (message: WorkerMessage) => {
      if (message?.type !== 'calibr:ready') return;
      ready.set(worker.id, message.url);
      logger.info({ worker: worker.id, workerPid: message.pid, url: message.url }, 'worker listening');
      if (!announced && ready.size === workers) {
        announced = true;
        const pids = Object.values(cluster.workers ?? {}).map((w) => w?.process.pid);
        // One JSON line for whoever started us (tests, benches, process managers), as a single process prints.
        process.stdout.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: 'ready', url: message.url, pid: process.pid, workers: pids })}\n`);
      }
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const wasReady = ready.delete(worker.id);
    if (stopping) {
      logger.info({ worker: worker.id, workerPid: worker.process.pid, code, signal }, 'worker stopped');
      return;
    }
    if (!wasReady && !announced) {
      // It died while starting (configuration, database): its siblings would too. Stop rather than loop.
      logger.error({ worker: worker.id, workerPid: worker.process.pid, code, signal }, 'worker failed to start; stopping');
      void stop('worker failed to start', 1);
      return;
    }
    logger.error({ worker: worker.id, workerPid: worker.process.pid, code, signal }, 'worker died unexpectedly; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS).unref();
  });

  const stop = async (reason: string, failed = 0) => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    logger.info({ reason, workers: alive.length, timeoutMs: shutdownTimeoutMs }, 'shutting down the workers');
    const codes = await Promise.all(
      alive.map(
        (worker) =>
          new Promise<number | null>((resolve) => {
            worker.once('exit', (code) => resolve(code));
            // Each worker runs its own graceful shutdown (server/production-main.ts) and exits 0 or 1.
            worker.process.kill('SIGTERM');
          }),
      ),
    ).then(
      (all) => all,
      () => [null],
    );
    const ok = failed === 0 && codes.every((code) => code === 0);
    logger.info({ reason, exitCodes: codes }, 'cluster stopped');
    process.exit(ok ? 0 : 1);
  };

  // Past the workers' own deadline (plus a margin for exiting), what is left is killed and we exit 1.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      setTimeout(() => {
        logger.error({ timeoutMs: shutdownTimeoutMs }, 'workers still running after the shutdown deadline; killing them');
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
        process.exit(1);
      }, shutdownTimeoutMs + 5_000).unref();
      void stop(signal);
    });
  }

  try {
    for (let i = 0; i < workers; i++) fork();
  } catch (error) {
    logger.error({ err: errorMessage(error) }, 'could not start the workers');
    process.exit(1);
  }
}
