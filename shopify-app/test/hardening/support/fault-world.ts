// The world for the fault suite (faults-*.test.ts): push-world's sandbox, Amazon service and shop (N
// single-variant products sold on Shopify and Amazon, N pending suggestions of +1.00), one app process
// running the push worker, and helpers to inject faults, approve suggestions through the app's route,
// read the changes as the console does (GET /api/pricing/changes), and check "exactly once" against the
// sandbox's own state: each price is the new one on both platforms, Shopify changed each product's price
// once, and Amazon accepted each SKU once (a PATCH answered 200, or a message in a feed that ended DONE).
import type { DatabaseProvider } from '@calibr/db';
import { expect } from 'vitest';
import type { AppProcess } from '../../pricing/support/app-process';
import { startPushWorld, US, type PushWorld } from '../../pricing/support/push-world';
import { gunzipSync } from 'node:zlib';

export interface FaultItem {
  suggestionId: string;
  sku: string;
  /** Shopify product id (numeric string), as the sandbox logs it. */
  productId: string;
  from: string;
  to: string;
}

export interface ChangeView {
  id: string;
  status: string;
  from: string;
  to: string;
  outcome?: string;
  attempts: Array<{
    platform: string;
    status: string;
    outcome?: string;
    stage?: string | null;
    amount: string;
    platformReference: string | null;
    platformCode: string | null;
    platformMessage: string | null;
    attemptCount: number;
    nextAttemptAt?: string | null;
  }>;
}

interface AmazonFeedLike {
  feedId: string;
  feedType: string;
  processingStatus: string;
  inputFeedDocumentId: string;
}

export interface FaultWorld {
  w: PushWorld;
  app: AppProcess;
  provider: DatabaseProvider;
  /** Products not used by a scenario yet; `take(n)` hands out the next n. */
  take(n: number): FaultItem[];
  control<T = unknown>(path: string, body?: unknown, method?: string): Promise<T>;
  fault(spec: Record<string, unknown>): Promise<{ id: string }>;
  clearFaults(): Promise<void>;
  approve(items: FaultItem[]): Promise<string[]>;
  changes(changeIds: string[]): Promise<ChangeView[]>;
  /** Successful PATCHes of a listing per SKU (faulted requests excluded). */
  okPatches(sku: string): number;
  /** Messages for a SKU in feeds Amazon finished DONE. */
  doneFeedMessages(sku: string): number;
  feeds(): AmazonFeedLike[];
  /** The SKUs of a feed's messages, as the sandbox received them. */
  feedSkus(feedId: string): string[];
  expectExactlyOnce(items: FaultItem[], changeIds: string[]): Promise<void>;
  restartApp(extraEnv?: Record<string, string>): Promise<AppProcess>;
  /** The app's recent log lines (stdout and stderr), for failure messages. */
  appLog(): string;
  close(): Promise<void>;
}

/** Polls until `probe` returns something truthy; fails with the last value seen after a generous deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 90_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function startFaultWorld(options: {
  size: number;
  provider: DatabaseProvider;
  shop: string;
  /** Extra environment for the app process (or made from the world, e.g. a proxied DATABASE_URL). */
  appEnv?: Record<string, string> | ((w: PushWorld) => Promise<Record<string, string>>);
  /** Runs at close, before the world closes (e.g. a proxy or a restarted service). */
  onClose?: () => Promise<void>;
}): Promise<FaultWorld> {
  const w = await startPushWorld({ size: options.size, provider: options.provider, shop: options.shop });
  const db = w.database.db;

  // Count only PATCHes that Amazon answered 2xx: a throttled or faulted request changed nothing.
  const okPatches = new Map<string, number>();
  const add = w.sandbox.log.add.bind(w.sandbox.log);
  w.sandbox.log.add = (entry) => {
    const patch = entry.kind === 'request' && entry.method === 'PATCH' ? /\/listings\/2021-08-01\/items\/[^/]+\/([^/?]+)/.exec(entry.path ?? '') : null;
    const status = (entry as { status?: number }).status ?? 0;
    if (patch && status >= 200 && status < 300) {
      const sku = decodeURIComponent(patch[1]!);
      okPatches.set(sku, (okPatches.get(sku) ?? 0) + 1);
    }
    return add(entry);
  };
  const amazonWorld = (w.sandbox.platforms.find((p) => p.name === 'amazon') as unknown as {
    world: { state: { feeds: Record<string, AmazonFeedLike>; documents: Record<string, { content?: string; compression?: string }> } };
  }).world;

  const control = async <T>(path: string, body?: unknown, method?: string): Promise<T> => {
    const res = await fetch(`${w.sandbox.url}/_sandbox/${path}`, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  // The items, in a stable order: suggestion → SKU, Shopify product id, prices.
  const suggestions = await db.priceSuggestion.findMany({
    where: { projectId: w.projectId, status: 'pending' },
    include: { productLink: { include: { listings: { where: { platform: 'shopify' }, select: { sku: true, productExternalId: true } } } } },
  });
  const pool: FaultItem[] = suggestions
    .map((s) => {
      const listing = s.productLink!.listings[0]!;
      return { suggestionId: s.id, sku: listing.sku!, productId: listing.productExternalId!.split('/').pop()!, from: s.currentAmount, to: s.suggestedAmount };
    })
    .sort((a, b) => a.sku.localeCompare(b.sku));

  // Transient failures retried quickly (the production backoff starts at seconds and grows to minutes).
  const extra = typeof options.appEnv === 'function' ? await options.appEnv(w) : options.appEnv;
  const appEnv = { PRICING_RETRY_BASE_MS: '200', PRICING_RETRY_MAX_MS: '1500', ...extra };
  let appStdout = '';
  const keepStdout = (process: AppProcess) =>
    process.child.stdout?.on('data', (chunk: Buffer) => {
      appStdout = (appStdout + chunk.toString()).slice(-20_000);
    });
  let app = await w.startApp(appEnv);
  keepStdout(app);
  const world: FaultWorld = {
    w,
    get app() {
      return app;
    },
    provider: options.provider,
    take(n) {
      if (pool.length < n) throw new Error(`the world has only ${pool.length} unused products left`);
      return pool.splice(0, n);
    },
    control,
    fault: (spec) => control<{ id: string }>('faults', spec),
    clearFaults: () => control('faults', undefined, 'DELETE'),
    async approve(items) {
      const res = await w.api(app, '/api/pricing/suggestions', { json: { action: 'approve', ids: items.map((i) => i.suggestionId) } });
      const text = await res.text();
      expect(res.status, text.slice(0, 500)).toBe(200);
      const body = JSON.parse(text) as { approved: Array<{ changeId: string }>; refused: unknown[] };
      expect(body.refused).toEqual([]);
      expect(body.approved).toHaveLength(items.length);
      return body.approved.map((a) => a.changeId);
    },
    async changes(changeIds) {
      const res = await w.api(app, `/api/pricing/changes?ids=${changeIds.join(',')}&limit=500`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET /api/pricing/changes: ${res.status} ${text.slice(0, 300)}`);
      return (JSON.parse(text) as { changes: ChangeView[] }).changes;
    },
    okPatches: (sku) => okPatches.get(sku) ?? 0,
    doneFeedMessages(sku) {
      let n = 0;
      for (const feed of Object.values(amazonWorld.state.feeds)) {
        if (feed.feedType !== 'JSON_LISTINGS_FEED' || feed.processingStatus !== 'DONE') continue;
        n += world.feedSkus(feed.feedId).filter((s) => s === sku).length;
      }
      return n;
    },
    feeds: () => Object.values(amazonWorld.state.feeds),
    feedSkus(feedId) {
      const feed = amazonWorld.state.feeds[feedId];
      const doc = feed ? amazonWorld.state.documents[feed.inputFeedDocumentId] : undefined;
      if (!doc?.content) return [];
      const bytes = Buffer.from(doc.content, 'base64');
      const parsed = JSON.parse((doc.compression === 'GZIP' ? gunzipSync(bytes) : bytes).toString('utf8')) as { messages?: Array<{ sku: string }> };
      return (parsed.messages ?? []).map((m) => m.sku);
    },
    async expectExactlyOnce(items, changeIds) {
      // Our records: every change applied, on both platforms, at the approved price.
      const rows = await db.priceChange.findMany({ where: { id: { in: changeIds } }, include: { attempts: true } });
      expect(rows).toHaveLength(items.length);
      for (const row of rows) {
        expect(row.status, `change ${row.id}`).toBe('applied');
        expect(row.attempts.map((a) => [a.platform, a.status, a.amount]).sort()).toEqual([
          ['amazon', 'applied', row.toAmount],
          ['shopify', 'applied', row.toAmount],
        ]);
      }
      // The platforms' side.
      const shopify = await w.shopifyPrices();
      const amazon = w.amazonPrices();
      for (const item of items) {
        expect(shopify.get(item.sku), `Shopify price of ${item.sku}`).toBe(item.to);
        expect(amazon.get(item.sku), `Amazon price of ${item.sku} (${US})`).toBe(item.to);
        expect(w.counts.shopifyChanges.get(item.productId) ?? 0, `Shopify price changes of ${item.sku}`).toBe(1);
        expect(world.okPatches(item.sku) + world.doneFeedMessages(item.sku), `Amazon updates of ${item.sku}`).toBe(1);
      }
    },
    async restartApp(extraEnv) {
      await app.kill('SIGTERM');
      app = await w.startApp({ ...appEnv, ...extraEnv });
      keepStdout(app);
      return app;
    },
    appLog: () => `${appStdout.slice(-6000)}\n${app.output().slice(-6000)}`,
    async close() {
      await app?.kill().catch(() => undefined);
      await options.onClose?.().catch(() => undefined);
      await w.close();
    },
  };
  return world;
}

/** The attempt of one platform in a change. */
export function attemptOf(change: ChangeView | undefined, platform: string) {
  return change?.attempts.find((a) => a.platform === platform);
}

/** Polls the console until every change is applied; returns the changes as it shows them then. */
export function waitForApplied(f: FaultWorld, changeIds: string[], timeoutMs: number, after?: string): Promise<ChangeView[]> {
  return waitFor(`every change to be applied${after ? ` ${after}` : ''}`, async () => {
    const changes = await f.changes(changeIds);
    return changes.every((c) => c.status === 'applied') ? changes : undefined;
  }, timeoutMs);
}

/**
 * Polls the console until every change's `platform` attempt is retrying after at least `minAttempts`
 * sends while the other platform has applied it; returns the changes as it shows them then.
 */
export function waitForRetrying(f: FaultWorld, changeIds: string[], platform: 'amazon' | 'shopify', minAttempts: number, timeoutMs: number): Promise<ChangeView[]> {
  const other = platform === 'amazon' ? 'shopify' : 'amazon';
  return waitFor(
    `the console to show ${platform === 'amazon' ? 'Amazon' : 'Shopify'} retrying`,
    async () => {
      const changes = await f.changes(changeIds);
      const ready = changes.every((c) => {
        const attempt = attemptOf(c, platform);
        return attempt && attempt.attemptCount >= minAttempts && attempt.outcome === 'retrying' && attemptOf(c, other)?.outcome === 'applied';
      });
      return ready ? changes : undefined;
    },
    timeoutMs,
  );
}

/**
 * What the console shows meanwhile for changes whose `platform` attempt is retrying after a lost answer:
 * still pushing, the attempt queued, saying `message` and when it goes again.
 */
export function expectShownRetrying(changes: ChangeView[], platform: 'amazon' | 'shopify', message: RegExp): void {
  for (const change of changes) {
    expect(change.status).toBe('pushing');
    const attempt = attemptOf(change, platform)!;
    expect(attempt.status).toBe('queued');
    expect(attempt.platformMessage).toMatch(message);
    expect(Date.parse(attempt.nextAttemptAt ?? ''), 'the console says when it goes again').not.toBeNaN();
  }
}

/** The feed Amazon is working on when Shopify has applied every change and each Amazon attempt is pending with it. */
export function pendingAmazonFeed(changes: ChangeView[]): string | undefined {
  const ok = changes.every((c) => attemptOf(c, 'shopify')?.outcome === 'applied' && attemptOf(c, 'amazon')?.outcome === 'pending' && attemptOf(c, 'amazon')?.platformReference?.startsWith('feed:'));
  return ok ? attemptOf(changes[0], 'amazon')!.platformReference!.slice('feed:'.length) : undefined;
}
