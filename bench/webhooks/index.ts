// bench:webhooks — products/update deliveries to the running app over real HTTP with valid HMACs
// (10% duplicates by webhook id, some out of order by updated_at), on SQLite and then PostgreSQL.
// Prints sustained deliveries per second, p50/p99 reply latency, and how many deliveries were lost or
// applied twice, checked from the database after processing drains. One JSON line per database,
// PostgreSQL's last: {"database","per_second","p50_ms","p99_ms","lost","doubled"}.
//
// per_second is end to end: deliveries sent ÷ (sending time + the time until the last one is processed),
// so a backlog the app can't keep up with lowers it. The reply rate is printed beside it.
//
// The app runs as in production (`npm run start:prod`): the Remix build served by shopify-app/server/production.ts,
// started by server/production-main.ts with WEB_CONCURRENCY workers (a node:cluster on one port) in its own
// process tree, logging at LOG_LEVEL info (pino JSON, a line per request) like a default deploy. The build is
// made first when our copy of it is missing or older than the app's sources (`npm run build -w @calibr/shopify-app`).
//
// Env: BENCH_DELIVERIES (5000), BENCH_PRODUCTS (250), BENCH_CONCURRENCY (16 deliveries in flight),
//      BENCH_DATABASES (sqlite,postgresql), BENCH_CPU_PROF (a folder: the app process writes a CPU profile there),
//      BENCH_WEB_CONCURRENCY (the app's WEB_CONCURRENCY; default: cores − 1 on PostgreSQL, 1 on SQLite),
//      BENCH_LOG_LEVEL (the app's LOG_LEVEL, default info), BENCH_SKIP_BUILD=1 (use the build as it is),
//      TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test; a fresh schema, dropped after).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@calibr/db/testing';
import {
  drainDeliveries,
  percentile,
  planWebhookLoad,
  seedLoadCatalog,
  seedLoadShop,
  sendDeliveries,
  verifyLoad,
} from '../../shopify-app/test/hardening/support/webhook-load';

const deliveries = Number(process.env.BENCH_DELIVERIES ?? 5000);
const products = Number(process.env.BENCH_PRODUCTS ?? 250);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DRAIN_TIMEOUT_MS = 180_000;
const API_KEY = 'bench0webhooks0api0key000000000a';
const API_SECRET = 'shpss_bench_webhooks_secret_0000000000001';
const SHOP = 'bench-webhooks.myshopify.com';
process.env.TEST_DATABASE_URL ||= 'postgresql://postgres@127.0.0.1:5432/test';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// The app runs with NODE_ENV=production, which requires explicit encryption keys.
const ENCRYPTION_KEYS = `v1:${randomBytes(32).toString('base64')}`;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// The bench serves its own copy of the build: other work (tests, a second bench) may rebuild or clean
// shopify-app/build while we run. The copy stays under shopify-app/ (in a gitignored .cache folder) so the
// built server resolves its packages exactly as the original does.
const benchBuild = join(repoRoot, 'shopify-app/.cache/bench-webhooks/build');

/** `npm run build -w @calibr/shopify-app` and copy it, unless our copy is newer than every source file of the app. */
function ensureBuild(): void {
  const copy = join(benchBuild, 'server/index.js');
  if (process.env.BENCH_SKIP_BUILD === '1' && existsSync(copy)) return;
  if (existsSync(copy) && statSync(copy).mtimeMs > newestMtime(join(repoRoot, 'shopify-app/app'))) return;
  for (let attempt = 1; ; attempt++) {
    console.log('building the app (npm run build -w @calibr/shopify-app) …');
    const result = spawnSync('npm', ['run', 'build', '-w', '@calibr/shopify-app'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      if (result.status !== 0) throw new Error('the app build failed');
      rmSync(benchBuild, { recursive: true, force: true });
      cpSync(join(repoRoot, 'shopify-app/build'), benchBuild, { recursive: true });
      if (!existsSync(copy)) throw new Error('the build vanished while being copied');
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
      console.log(`${error instanceof Error ? error.message : error}: building again`);
    }
  }
}

/**
 * How many worker processes the app runs (WEB_CONCURRENCY): BENCH_WEB_CONCURRENCY, else on PostgreSQL one per
 * core but one, and 1 on SQLite. The load generator and PostgreSQL run on this machine too and need a core: on
 * 2 cores, two workers made 253–542/s where one made 357–680/s (each worker also spends more CPU per delivery,
 * 2.2–3.1 ms against 1.5–2.0: its group commits and processing batches are half as full, and it warms up on its
 * own). SQLite has one writer per file: workers take turns on its write lock through the busy timeout, so a
 * cluster on SQLite is correct (nothing lost or doubled) but was no faster (175–609/s against 368–649).
 */
function webConcurrencyFor(provider: 'sqlite' | 'postgresql'): number {
  if (process.env.BENCH_WEB_CONCURRENCY) return Number(process.env.BENCH_WEB_CONCURRENCY);
  return provider === 'sqlite' ? 1 : Math.max(1, cpus().length - 1);
}

/** `npm run start:prod` as production runs it: server/production-main.ts, a cluster of WEB_CONCURRENCY workers when > 1. */
async function startAppProcess(databaseUrl: string, workers: number): Promise<{ url: string; child: ChildProcess; pids: number[] }> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'shopify-app/server/production-main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      WEB_CONCURRENCY: String(workers),
      DATABASE_URL: databaseUrl,
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      ENCRYPTION_KEYS,
      APP_BUILD_DIR: benchBuild,
      PRICING_WORKER: 'off',
      PRICING_MONITOR: 'off',
      SANDBOX_URL: '',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ url: string; pids: number[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app did not start within 90 s')), 90_000);
    child.once('exit', (code) => reject(new Error(`the app exited (${code}) before listening`)));
    lines.on('line', (line) => {
      try {
        // The one ready line: the primary's once every worker listens (or the single process's).
        const parsed = JSON.parse(line) as { msg?: string; url?: string; pid: number; workers?: number[] };
        if (parsed.msg === 'ready' && parsed.url) {
          clearTimeout(timer);
          resolve({ url: parsed.url, pids: [parsed.pid, ...(parsed.workers ?? [])] });
        }
      } catch {
        process.stderr.write(`[app] ${line}\n`);
      }
    });
  });
  // From here on the app's request logs are only drained (reading them would take CPU from the app).
  lines.close();
  child.stdout!.resume();
  return { ...ready, child };
}

/** CPU seconds (user + system) the app's processes (primary and workers) have used so far, from /proc (Linux). */
function cpuSeconds(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return Number.NaN;
    }
  }
  return total;
}

async function run(provider: 'sqlite' | 'postgresql') {
  let database: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  try {
    database = await createTestDatabase({ provider });
    await seedLoadShop(database.db, SHOP);
    const workers = webConcurrencyFor(provider);
    const app = await startAppProcess(database.url, workers);
    child = app.child;
    const plan = planWebhookLoad({ shop: SHOP, secret: API_SECRET, deliveries, products, seed: 42 });

    // The catalog as synced (version 0 of each product); sending it again warms the app's modules and pools.
    await seedLoadCatalog(database.db, plan);
    const warm = await sendDeliveries(app.url, SHOP, plan.catalog, concurrency);
    if (!(await drainDeliveries(database.db, SHOP, DRAIN_TIMEOUT_MS))) throw new Error('the catalog deliveries did not drain');

    const cpu0 = cpuSeconds(app.pids);
    const t0 = performance.now();
    const load = await sendDeliveries(app.url, SHOP, plan.deliveries, concurrency);
    const drained = await drainDeliveries(database.db, SHOP, DRAIN_TIMEOUT_MS);
    const totalSeconds = (performance.now() - t0) / 1000;
    // The app's own CPU per delivery: what the machine's load (other processes) doesn't change much.
    const appCpuMs = ((cpuSeconds(app.pids) - cpu0) * 1000) / plan.deliveries.length;
    const verdict = await verifyLoad(database.db, plan, [warm, load]);
    const sorted = [...load.latenciesMs].sort((a, b) => a - b);
    const figures = {
      database: provider,
      per_second: Math.round(plan.deliveries.length / totalSeconds),
      p50_ms: Number(percentile(sorted, 50).toFixed(1)),
      p99_ms: Number(percentile(sorted, 99).toFixed(1)),
      lost: verdict.lost,
      doubled: verdict.doubled,
    };
    const dupSent = plan.deliveries.filter((d) => d.duplicate).length;
    console.log(
      `${provider}: ${plan.deliveries.length} deliveries (${dupSent} duplicates, ${products} products × ${plan.newestVersion[0]} versions, ` +
        `${plan.variantsPerProduct} variants each), ${concurrency} in flight, WEB_CONCURRENCY=${workers}; replies in ${load.seconds.toFixed(2)} s ` +
        `(${Math.round(plan.deliveries.length / load.seconds)}/s), all processed after ${totalSeconds.toFixed(2)} s${drained ? '' : ' (DRAIN TIMED OUT)'}; ` +
        `${load.duplicatesAnswered} answered as duplicates; non-200: ${JSON.stringify(load.failures)}; max ${sorted.at(-1)?.toFixed(1)} ms; ` +
        `app CPU ${appCpuMs.toFixed(2)} ms per delivery; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`,
    );
    console.log(`${provider}: verdict ${JSON.stringify(verdict.detail)}`);
    return figures;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await database?.cleanup().catch(() => undefined);
  }
}

ensureBuild();
const results = [];
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgresql').split(',').filter((d): d is 'sqlite' | 'postgresql' => d === 'sqlite' || d === 'postgresql');
for (const provider of databases) results.push(await run(provider));
for (const figures of results) console.log(JSON.stringify(figures));
process.exit(0);
