// bench:webhooks — products/update deliveries to the running app over real HTTP with valid HMACs
// (10% duplicates by webhook id, some out of order by updated_at), on SQLite and then PostgreSQL.
// Prints sustained deliveries per second, p50/p99 reply latency, and how many deliveries were lost or
// applied twice, checked from the database after processing drains. One JSON line per database,
// PostgreSQL's last: {"database","per_second","p50_ms","p99_ms","lost","doubled"}.
//
// per_second is end to end: deliveries sent ÷ (sending time + the time until the last one is processed),
// so a backlog the app can't keep up with lowers it. The reply rate is printed beside it.
//
// Env: BENCH_DELIVERIES (5000), BENCH_PRODUCTS (250), BENCH_CONCURRENCY (16 deliveries in flight),
//      BENCH_DATABASES (sqlite,postgresql), BENCH_CPU_PROF (a folder: the app process writes a CPU profile there),
//      TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test; a fresh schema, dropped after).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@calibr/db/testing';
import {
  drainDeliveries,
  percentile,
  planWebhookLoad,
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

async function startAppProcess(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/webhooks/app-process.ts'], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, SANDBOX_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app did not start within 90 s')), 90_000);
    child.once('exit', (code) => reject(new Error(`the app exited (${code}) before listening`)));
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) {
          clearTimeout(timer);
          resolve(parsed.url);
        }
      } catch {
        process.stderr.write(`[app] ${line}\n`);
      }
    });
  });
  return { url, child };
}

async function run(provider: 'sqlite' | 'postgresql') {
  let database: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  try {
    database = await createTestDatabase({ provider });
    await seedLoadShop(database.db, SHOP);
    const app = await startAppProcess(database.url);
    child = app.child;
    const plan = planWebhookLoad({ shop: SHOP, secret: API_SECRET, deliveries, products, seed: 42 });

    // The catalog as synced (version 0 of each product), which also warms the app's modules and pools.
    const warm = await sendDeliveries(app.url, SHOP, plan.catalog, concurrency);
    if (!(await drainDeliveries(database.db, SHOP, DRAIN_TIMEOUT_MS))) throw new Error('the catalog deliveries did not drain');

    const t0 = performance.now();
    const load = await sendDeliveries(app.url, SHOP, plan.deliveries, concurrency);
    const drained = await drainDeliveries(database.db, SHOP, DRAIN_TIMEOUT_MS);
    const totalSeconds = (performance.now() - t0) / 1000;
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
        `${plan.variantsPerProduct} variants each), ${concurrency} in flight; replies in ${load.seconds.toFixed(2)} s ` +
        `(${Math.round(plan.deliveries.length / load.seconds)}/s), all processed after ${totalSeconds.toFixed(2)} s${drained ? '' : ' (DRAIN TIMED OUT)'}; ` +
        `${load.duplicatesAnswered} answered as duplicates; non-200: ${JSON.stringify(load.failures)}; max ${sorted.at(-1)?.toFixed(1)} ms`,
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

const results = [];
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgresql').split(',').filter((d): d is 'sqlite' | 'postgresql' => d === 'sqlite' || d === 'postgresql');
for (const provider of databases) results.push(await run(provider));
for (const figures of results) console.log(JSON.stringify(figures));
process.exit(0);
