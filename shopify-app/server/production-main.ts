// `npm run start:prod`: the built app (`npm run build` first) on PORT, configured by the environment
// (see the root README, "Deploying for real"). SIGTERM / SIGINT shut it down gracefully: exit 0 once
// in-flight requests and background work are finished or handed back, 1 if the deadline forced it.
import { startProductionApp } from './production';

const app = await startProductionApp();
// One JSON line for whoever started us (tests, process managers) besides the logger's own line.
process.stdout.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: 'ready', url: app.url, pid: process.pid })}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.shutdown(signal).then((result) => process.exit(result.abandonedRequests > 0 ? 1 : 0));
  });
}
