// The Shopify app in its own process, run the way production runs it: the Remix build (`npm run build`)
// served by the production server (shopify-app/server/production.ts: Express, pino request logs, health
// endpoints), so the bench's load generator and the app it measures don't share one event loop.
// Prints `{"url"}` once listening; the parent passes DATABASE_URL, SHOPIFY_API_KEY, SHOPIFY_API_SECRET,
// ENCRYPTION_KEYS, and BENCH_BUILD_DIR (the bench's own copy of the build). SIGTERM shuts it down gracefully.
import { startProductionApp } from '../../shopify-app/server/production';

const app = await startProductionApp({
  port: 0,
  host: '127.0.0.1',
  ...(process.env.BENCH_BUILD_DIR ? { buildDir: process.env.BENCH_BUILD_DIR } : {}),
  env: { PRICING_WORKER: 'off', PRICING_MONITOR: 'off' },
});
process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
const stop = () => void app.shutdown('bench done').finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
