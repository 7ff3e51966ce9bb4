// Another app instance, as a process of its own on the same database (DATABASE_URL and the rest of the app's
// environment inherited from the test): it loads the app's sync service, the code behind
// POST /api/platforms/:platform/sync, says it is ready, and on a "go" line on stdin starts a full sync of
// one shop's platform. Each event is one stdout line, `SYNC-INSTANCE {json}`. A run it opened itself is
// worked here until it ends (or until the test kills this process mid-run); then the process exits.
//   node --import tsx test/platforms/support/sync-instance.ts <projectId> <platform>
import { createInterface } from 'node:readline';
import { startPlatformSync, waitForPlatformSync } from '../../../app/platforms/platform-sync.server';
import { waitForSync } from '../../../app/platforms/shopify/catalog-sync.server';

// The app's own log lines share stdout: the test reads only lines with this prefix.
const say = (event: Record<string, unknown>) => process.stdout.write(`SYNC-INSTANCE ${JSON.stringify({ pid: process.pid, ...event })}\n`);

const [projectId, platform] = process.argv.slice(2);
if (!projectId || !platform) throw new Error('usage: sync-instance.ts <projectId> <platform>');

say({ event: 'ready' });
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  try {
    const handle = await startPlatformSync(projectId, platform, { mode: 'full', trigger: 'manual' });
    say({ event: 'started', syncId: handle.syncLogId, alreadyRunning: handle.alreadyRunning });
    if (!handle.alreadyRunning) {
      await Promise.all([waitForSync(handle.syncLogId), waitForPlatformSync(projectId, platform)]);
      say({ event: 'finished', syncId: handle.syncLogId });
    }
  } catch (error) {
    say({ event: 'error', message: error instanceof Error ? error.message : String(error) });
  }
  break;
}
lines.close();
process.exit(0);
