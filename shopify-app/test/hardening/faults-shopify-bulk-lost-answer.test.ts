// Large Shopify price pushes go as one bulk mutation (stagedUploadsCreate, the JSONL upload,
// bulkOperationRunMutation, then bulkOperation(id) polls); here every batch takes that path
// (SHOPIFY_BULK_MUTATION_THRESHOLD=0). Each step's answer is lost after Shopify acted (the sandbox's
// drop_answer fault). Each case ends with every change applied exactly once: one bulk operation ran over
// the case's prices (no second run), the attempts name the operation Shopify actually ran, and Shopify
// changed each product's price once; meanwhile the console (GET /api/pricing/changes) shows the attempt
// retrying with what was lost (nothing ran) or pending (the operation runs and we wait for its answer).
// Also an upload that never arrived (reset): Shopify's NO_SUCH_FILE tells, and nothing runs.
// And a run answer lost with the check after it (bulkOperations, searched for our run's key) lost too: the next send finds the run
// still going (the sandbox's bulk-pace slows it), waits for it and reads its results instead of running again.
import { testDatabaseProviders } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptOf, startFaultWorld, waitFor, waitForApplied, type FaultItem, type FaultWorld } from './support/fault-world';

const GRAPHQL = '/admin/api/*/graphql.json';
const STAGED_UPLOADS_HOST = 'shopify-staged-uploads.storage.googleapis.com';

describe.each(testDatabaseProviders())('Shopify bulk price runs with lost answers (%s)', (provider) => {
  let f: FaultWorld;
  const shop = `calibr-faults-bulk-lost-${provider}.myshopify.com`;
  beforeAll(async () => {
    f = await startFaultWorld({
      size: 18,
      provider,
      shop,
      appEnv: { SHOPIFY_BULK_MUTATION_THRESHOLD: '0', SHOPIFY_BULK_POLL_MS: '200', PRICING_RETRY_BASE_MS: '3000', PRICING_RETRY_MAX_MS: '3000' },
    });
  }, 300_000);
  afterAll(async () => {
    await f?.close();
  });

  const lastLogId = async () => (await f.control<{ lastId: number }>('log?limit=1')).lastId;
  /** Bulk mutations Shopify finished since `since` (from the sandbox's own events). */
  async function finishedRuns(since: number): Promise<Array<{ id: number; status: string; objectCount: number }>> {
    const log = await f.control<{ entries: Array<{ detail?: { event?: string; id?: number; status?: string; objectCount?: number } }> }>(`log?since=${since}&platform=shopify&kind=event`);
    return log.entries.filter((e) => e.detail?.event === 'bulk_operations/finish').map((e) => ({ id: e.detail!.id!, status: e.detail!.status!, objectCount: e.detail!.objectCount ?? 0 }));
  }
  const hits = async (id: string) => (await f.control<{ faults: Array<{ id: string; hits: number }> }>('faults')).faults.find((x) => x.id === id)?.hits ?? 0;

  /**
   * Waits until the console shows every change's Shopify attempt retrying (after `after`): each change still
   * pushing, its attempt saying `message` and, with `saysWhen`, when it goes again.
   */
  async function expectRetrying(changeIds: string[], after: string, message: RegExp, saysWhen: boolean) {
    const during = await waitFor(`the console to show Shopify retrying after ${after}`, async () => {
      const changes = await f.changes(changeIds);
      return changes.every((c) => attemptOf(c, 'shopify')?.outcome === 'retrying') ? changes : undefined;
    }, 120_000, 100);
    for (const change of during) {
      const shopify = attemptOf(change, 'shopify')!;
      expect(change.status).toBe('pushing');
      expect(shopify.platformMessage).toMatch(message);
      if (saysWhen) expect(Date.parse(shopify.nextAttemptAt ?? ''), 'the console says when it goes again').not.toBeNaN();
    }
  }

  /**
   * Every change applied once, by a bulk operation Shopify ran since `since` whose results the attempt
   * names; the runs together changed each variant once (retries that went apart may run apart).
   */
  async function expectRunOnce(items: FaultItem[], changeIds: string[], since: number, runCount?: number) {
    const settled = await waitForApplied(f, changeIds, 120_000);
    const runs = await finishedRuns(since);
    if (runCount !== undefined) expect(runs, 'bulk mutations over these prices').toHaveLength(runCount);
    expect(runs.every((r) => r.status === 'COMPLETED')).toBe(true);
    expect(runs.reduce((n, r) => n + r.objectCount, 0), 'one line per product over all runs, none run again').toBe(items.length);
    const references = new Set(runs.map((r) => `bulk_operation:gid://shopify/BulkOperation/${r.id}`));
    for (const change of settled) {
      expect(references, 'read from an operation Shopify ran').toContain(attemptOf(change, 'shopify')!.platformReference);
    }
    await f.expectExactlyOnce(items, changeIds);
  }

  it('stagedUploadsCreate answer lost: retrying meanwhile (nothing ran), then one bulk run', async () => {
    const items = f.take(3);
    const since = await lastLogId();
    const { id } = await f.fault({ platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'stagedUploadsCreate' });
    const changeIds = await f.approve(items);
    await expectRetrying(changeIds, 'the lost stagedUploadsCreate answer', /stagedUploadsCreate was lost; no bulk operation was run/, true);
    expect(await finishedRuns(since)).toEqual([]);
    const prices = await f.w.shopifyPrices();
    for (const item of items) expect(prices.get(item.sku)).toBe(item.from);
    await f.control(`faults/${id}`, undefined, 'DELETE');
    await expectRunOnce(items, changeIds, since);
  }, 300_000);

  it('JSONL upload answer lost (the file arrived): the run goes on over that file, one bulk run', async () => {
    const items = f.take(3);
    const since = await lastLogId();
    const { id } = await f.fault({ platform: 'shopify', host: STAGED_UPLOADS_HOST, kind: 'drop_answer' });
    const changeIds = await f.approve(items);
    await expectRunOnce(items, changeIds, since, 1);
    expect(await hits(id), 'the file uploaded once').toBe(1);
    await f.control(`faults/${id}`, undefined, 'DELETE');
  }, 300_000);

  it('JSONL upload lost before it arrived: Shopify has no file (NO_SUCH_FILE), nothing ran, retrying meanwhile', async () => {
    const items = f.take(3);
    const since = await lastLogId();
    const { id } = await f.fault({ platform: 'shopify', host: STAGED_UPLOADS_HOST, kind: 'reset' });
    const changeIds = await f.approve(items);
    await expectRetrying(changeIds, 'the upload never arrived', /JSONL upload got no answer .*Shopify has no file; no bulk operation was run/, true);
    expect(await finishedRuns(since)).toEqual([]);
    await f.control(`faults/${id}`, undefined, 'DELETE');
    await expectRunOnce(items, changeIds, since);
  }, 300_000);

  it('bulkOperationRunMutation answer lost: the operation Shopify started is followed (pending meanwhile), never run again', async () => {
    const items = f.take(3);
    const since = await lastLogId();
    const run = await f.fault({ platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'bulkOperationRunMutation' });
    // Status polls lost too for a while, so the in-between state lasts long enough to see.
    const polls = await f.fault({ platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'CalibrBulkOperationStatus' });
    const changeIds = await f.approve(items);
    await waitFor('Shopify to finish the bulk operation it started', async () => (await finishedRuns(since)).length > 0, 120_000, 100);
    const during = await f.changes(changeIds);
    for (const change of during) {
      expect(change.status).toBe('pushing');
      expect(attemptOf(change, 'shopify')!.outcome, 'sent, waiting for Shopify').toBe('pending');
    }
    const prices = await f.w.shopifyPrices();
    for (const item of items) expect(prices.get(item.sku), `Shopify acted on ${item.sku}`).toBe(item.to);
    await f.control(`faults/${polls.id}`, undefined, 'DELETE');
    await expectRunOnce(items, changeIds, since, 1);
    expect(await hits(run.id), 'bulkOperationRunMutation sent once').toBe(1);
    await f.control(`faults/${run.id}`, undefined, 'DELETE');
  }, 300_000);

  it('status poll answers lost: pending while the operation runs, then its results read', async () => {
    const items = f.take(3);
    const since = await lastLogId();
    const { id } = await f.fault({ platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'CalibrBulkOperationStatus' });
    const changeIds = await f.approve(items);
    await waitFor('Shopify to finish the bulk operation', async () => (await finishedRuns(since)).length > 0, 120_000, 100);
    await waitFor('several lost polls', async () => (await hits(id)) >= 3, 60_000, 100);
    const during = await f.changes(changeIds);
    for (const change of during) {
      expect(change.status).toBe('pushing');
      expect(attemptOf(change, 'shopify')!.outcome, 'sent, waiting for Shopify').toBe('pending');
      expect(attemptOf(change, 'shopify')!.attemptCount).toBe(1);
    }
    await f.control(`faults/${id}`, undefined, 'DELETE');
    await expectRunOnce(items, changeIds, since, 1);
  }, 300_000);

  it('run answer lost and the check after it too: retrying, then the run found still going is waited for and read (no second run)', async () => {
    const items = f.take(3);
    const since = await lastLogId();
    // Shopify's operation takes a while here (each step 8 s), so the next send finds it running.
    await f.control(`shopify/shops/${shop}/bulk-pace`, { seconds: 8 });
    // stagedUploadsCreate held a moment: by then the check before the run was answered, and the check
    // after the lost run answer is the one whose answers are lost.
    const staging = await f.fault({ platform: 'shopify', path: GRAPHQL, kind: 'latency', latencyMs: 1500, bodyContains: 'stagedUploadsCreate', count: 1 });
    const run = await f.fault({ platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'bulkOperationRunMutation' });
    const changeIds = await f.approve(items);
    // A fault with a count leaves the list once used up.
    await waitFor('the app to stage its upload', async () => !(await f.control<{ faults: Array<{ id: string }> }>('faults')).faults.some((x) => x.id === staging.id), 60_000, 20);
    const check = await f.fault({ platform: 'shopify', path: GRAPHQL, kind: 'drop_answer', bodyContains: 'CalibrFindPriceRun' });
    await expectRetrying(changeIds, 'the lost answers', /Shopify's bulk operations could not be read/, false);
    expect(await finishedRuns(since), 'the run Shopify started is still going').toEqual([]);
    await f.control(`faults/${check.id}`, undefined, 'DELETE');
    // The next send waits for that run instead of starting one: pending meanwhile.
    await waitFor('the console to show a Shopify attempt pending on the running operation', async () => {
      const changes = await f.changes(changeIds);
      return changes.some((c) => attemptOf(c, 'shopify')?.outcome === 'pending' && attemptOf(c, 'shopify')!.attemptCount >= 2) ? changes : undefined;
    }, 60_000, 100);
    expect(await finishedRuns(since), 'still running while we wait for it').toEqual([]);

    const settled = await waitForApplied(f, changeIds, 120_000);
    const runs = await finishedRuns(since);
    expect(runs, 'one bulk mutation over these prices, none run again').toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'COMPLETED', objectCount: items.length });
    // Sent again together: read from that run. Retries that went a moment later (backoff jitter) queue
    // behind it, then find our price live (expectedCurrentPrice no longer holds).
    const references = settled.map((c) => attemptOf(c, 'shopify')!.platformReference);
    expect(references).toContain(`bulk_operation:gid://shopify/BulkOperation/${runs[0]!.id}`);
    for (const reference of references) expect([`bulk_operation:gid://shopify/BulkOperation/${runs[0]!.id}`, 'verified:live-price']).toContain(reference);
    await f.expectExactlyOnce(items, changeIds);
    expect(await hits(run.id), 'bulkOperationRunMutation sent once').toBe(1);
    await f.control(`faults/${run.id}`, undefined, 'DELETE');
    await f.control(`shopify/shops/${shop}/bulk-pace`, { seconds: 'off' });
  }, 300_000);
});
