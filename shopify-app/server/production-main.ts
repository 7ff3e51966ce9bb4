// `npm run start:prod`: the built app (`npm run build` first) on PORT, configured by the environment
// (see the root README, "Deploying for real"). SIGTERM / SIGINT shut it down gracefully: exit 0 once
// in-flight requests and background work are finished or handed back, 1 if the deadline forced it.
// WEB_CONCURRENCY=N (default 1) runs N worker processes on the port under a cluster primary (server/cluster.ts).
import cluster from 'node:cluster';
import { runClusterPrimary, webConcurrency, type WorkerMessage } from './cluster';
import { startProductionApp } from './production';

const workers = webConcurrency();
if (workers > 1 && cluster.isPrimary) {
  await runClusterPrimary(workers);
} else {
  const app = await startProductionApp();
  if (cluster.isWorker) {
    // The primary prints the one ready line once every worker listens.
    process.send?.({ type: 'calibr:ready', url: app.url, pid: process.pid } satisfies WorkerMessage);
  } else {
    // One JSON line for whoever started us (tests, process managers) besides the logger's own line.
    process.stdout.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: 'ready', url: app.url, pid: process.pid })}\n`);
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // `on`, not `once`: a second signal (Ctrl-C reaches the whole process group, then the primary forwards
    // SIGTERM) must not fall through to the default action and kill us mid-shutdown.
    process.on(signal, () => {
      void app.shutdown(signal).then((result) => process.exit(result.abandonedRequests > 0 ? 1 : 0));
    });
  }
}
