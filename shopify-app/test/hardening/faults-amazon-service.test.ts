// The Amazon service (our own process between the app and SP-API) stops while the app runs, then starts
// again on the same address: once before a push reaches it, and once while a feed it submitted is being
// processed. Meanwhile the console shows Shopify applied and Amazon retrying (or pending with its feed),
// and the Amazon card unavailable; once the service is back the push resumes by itself (the service's
// feed worker picks its feed up from the database) and every price is applied exactly once.
import { sandboxRuntimeHooks } from '@calibr/sandbox/routing';
import { startAmazonService, type RunningAmazonService } from '@calibr/amazon-service';
import { testDatabaseProviders } from '@calibr/db';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_SECRET } from '../pricing/support/push-world';
import { attemptOf, pendingAmazonFeed, startFaultWorld, waitFor, waitForApplied, waitForRetrying, type FaultWorld } from './support/fault-world';

describe.each(testDatabaseProviders())('the Amazon service down while the app runs (%s)', (provider) => {
  let f: FaultWorld;
  let restarted: RunningAmazonService | undefined;
  beforeAll(async () => {
    // LOG_LEVEL warn: the app's failed polls of a pending feed are counted from its log (pollFailures).
    f = await startFaultWorld({ size: 8, provider, shop: `calibr-faults-service-${provider}.myshopify.com`, appEnv: { LOG_LEVEL: 'warn' }, onClose: async () => restarted?.close() });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  const running = () => restarted ?? f.w.amazon;
  async function stopService() {
    await running().close();
  }
  /** The same service again (same port, database and settings as push-world's). */
  async function startServiceAgain() {
    const port = f.w.amazon.port;
    const seed = await f.control<{ amazon: { apps: Array<{ applicationId: string; clientId: string; clientSecret: string }> } }>('seed');
    const lwa = seed.amazon.apps[0]!;
    restarted = await startAmazonService({
      port,
      db: f.w.amazonDatabase.db,
      logger: pino({ level: 'silent' }),
      env: {} as NodeJS.ProcessEnv,
      hooks: sandboxRuntimeHooks(f.w.sandbox.url),
      config: { sharedSecret: SHARED_SECRET, lwaClientId: lwa.clientId, lwaClientSecret: lwa.clientSecret, applicationId: lwa.applicationId, draftApp: true, logLevel: 'silent' },
      feedTiming: { firstPollMs: 200, maxPollMs: 1000 },
      workerTickMs: 200,
    });
  }
  /** Counts, from now on, the app's polls of Amazon-pending updates that failed (its log says so each time). */
  function pollFailures(): () => number {
    let count = 0;
    let partial = '';
    f.app.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      count += lines.filter((line) => line.includes('[pricing push] asking amazon about')).length;
    });
    return () => count;
  }
  async function amazonCard() {
    const res = await f.w.api(f.app, '/api/platforms/amazon/status');
    expect(res.status).toBe(200);
    return (await res.json()) as { connection: { status: string }; health: { status: string; message?: string } };
  }

  it('down before the push reaches it: Amazon retrying, card unavailable; back: applied once', async () => {
    const items = f.take(2);
    await stopService();
    const changeIds = await f.approve(items);
    const during = await waitForRetrying(f, changeIds, 'amazon', 2, 120_000);
    for (const change of during) {
      expect(change.status).toBe('pushing');
      expect(attemptOf(change, 'amazon')!.platformMessage).toBeTruthy();
    }
    const card = await amazonCard();
    expect(card.health.status).toBe('unavailable');
    expect(card.connection.status, 'an unreachable service is not a lost authorization').toBe('connected');

    await startServiceAgain();
    await waitForApplied(f, changeIds, 120_000, 'once the service is back');
    await f.expectExactlyOnce(items, changeIds);
    expect((await amazonCard()).health.status).not.toBe('unavailable');
  });

  it('down while its feed is being processed: pending with the feed; back: the feed is finished, applied once', async () => {
    const items = f.take(6); // a feed
    await f.control('amazon/feeds/fault', { fault: 'stall', count: 1 });
    const changeIds = await f.approve(items);
    const pending = await waitFor('Amazon pending on its feed', async () => pendingAmazonFeed(await f.changes(changeIds)), 120_000);
    const failedPolls = pollFailures();
    await stopService();
    // Amazon finishes the feed while the service is away.
    await f.control('amazon/feeds/fault', { feedId: pending, fault: 'off' });
    await waitFor('the feed to end in the sandbox', async () => f.feeds().find((feed) => feed.feedId === pending)?.processingStatus === 'DONE', 60_000);
    // A few of the app's polls fail meanwhile (counted, not waited for by the clock); the changes stay
    // pending with their feed, nothing fails.
    await waitFor('three of the app’s polls to fail while the service is away', async () => failedPolls() >= 3, 120_000);
    for (const change of await f.changes(changeIds)) {
      expect(change.status).toBe('pushing');
      expect(attemptOf(change, 'amazon')).toMatchObject({ outcome: 'pending', platformReference: `feed:${pending}` });
    }
    expect((await amazonCard()).health.status).toBe('unavailable');

    await startServiceAgain();
    await waitForApplied(f, changeIds, 120_000, 'once the service is back');
    await f.expectExactlyOnce(items, changeIds);
  });
});
