// The loop, reacting: over real HTTP, the sandbox playing Amazon with its notifications (ANY_OFFER_CHANGED
// to an SQS queue), the Amazon service subscribing the seller and consuming the queue, and the app with its
// monitor on (PRICING_MONITOR=on: the offer-change pull, priority polling and the policy queue all run by
// themselves). A competitor undercuts → a suggestion appears, no monitor call made → approved, our new
// price is live on Amazon. Then the queue is unreachable (the sandbox's SQS fault): the channel is `down`,
// and polling alone still brings the next move to a suggestion. The app and the service run on two
// databases (SQLite; PostgreSQL schemas when TEST_DATABASE_URL is set).
import { hasTestPostgres } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOP, US, connectAndSync, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from '../platforms/support/harness';
import { usdAmount, usdCents } from '../support/money';

interface Suggestion {
  id: string;
  itemId: string;
  status: string;
  suggested: { amount: string; currency: string };
  explanation: { trigger: { kind: string; platform: string } | null };
}

let w: PlatformsWorld;

beforeAll(async () => {
  // The app runs in this process: its background work reads these when it starts.
  process.env.PRICING_MONITOR = 'on';
  process.env.PRICING_OFFER_CHANGES_WAIT_SECONDS = '2';
  process.env.PRICING_PUSH_POLL_MS = '200';
  process.env.PRICING_PENDING_POLL_MS = '300';
  // Amazon's clocks 10× faster: polling's 0.1 getItemOffersBatch call/s is 1/s here (the service's limiter scales with it).
  w = await startPlatformsWorld({ provider: hasTestPostgres() ? 'postgresql' : 'sqlite', notifications: true, timeScale: 10 });
  await connectAndSync(w);
});
afterAll(async () => {
  const { stopPricing } = await import('../../app/pricing/startup.server');
  await stopPricing().catch(() => undefined);
  await w?.close();
});

/** Two products sold on both platforms with an Amazon listing in the US marketplace. */
async function linkedProducts() {
  const links = await w.database.db.productLink.findMany({
    where: { project: { shopDomain: SHOP }, listings: { some: { platform: 'amazon', asin: { not: null }, marketplaceId: US, status: 'active' } } },
    include: { listings: true },
    orderBy: { sku: 'asc' },
    take: 2,
  });
  return links.map((link) => ({ link, amazon: link.listings.find((l) => l.platform === 'amazon' && l.marketplaceId === US)! }));
}

/** Undercuts the lowest offer on the ASIN (ours included) by 2.00 with a new competitor; the new lowest. */
async function undercut(asin: string, sellerId: string): Promise<string> {
  const { offers } = await sandboxControl<{ offers: Array<{ landedPrice: string }> }>(w.sandbox, `amazon/offers?asin=${asin}&marketplaceId=${US}`);
  const lowest = offers.map((o) => usdCents(o.landedPrice)).reduce((a, b) => (b < a ? b : a));
  const price = usdAmount(lowest - 200n);
  await sandboxControl(w.sandbox, 'amazon/competitors', { asin, marketplaceId: US, sellerId, sellerName: sellerId, price, feedbackPercent: 99 });
  return price;
}

async function pendingSuggestion(itemId: string, sku: string): Promise<Suggestion | undefined> {
  const { rows } = await readJson<{ rows: Suggestion[] }>(await w.api(`/api/pricing/suggestions?status=pending&q=${encodeURIComponent(sku)}`));
  return rows.find((s) => s.itemId === itemId);
}

describe('the loop, reacting to Amazon’s notifications', () => {
  let products: Awaited<ReturnType<typeof linkedProducts>>;

  it('a competitor undercuts → the notification becomes a suggestion with no monitor call → approved, live on Amazon', async () => {
    products = await linkedProducts();
    expect(products).toHaveLength(2);
    const rule = await w.api('/api/pricing/rules', {
      json: { name: 'Undercut by 50c', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '0.50' }, currency: 'USD', floorAmount: '1.00', maxStepPercent: '40', autoApproveMaxPercent: null },
    });
    expect(rule.status, await rule.clone().text()).toBe(201);
    // The service subscribed the seller when Amazon was connected; the app's pull sees the channel live.
    await waitFor('the notification channel live', () => w.database.db.offerChangeCursor.findFirst({ where: { platform: 'amazon', state: 'live' } }), 60_000);

    const [first] = products;
    const price = await undercut(first!.amazon.asin!, 'A1NOTIFIED');
    const suggestion = await waitFor('a suggestion for the undercut', () => pendingSuggestion(first!.link.id, first!.link.sku), 60_000);
    expect(suggestion.suggested.amount).toBe(usdAmount(usdCents(price) - 50n));
    expect(suggestion.explanation.trigger).toMatchObject({ platform: 'amazon' });
    // The notification was stored as a reading of the listing, marked as such, with the competitor's price.
    const notified = await waitFor('the notification stored as a reading', () =>
      w.database.db.competitorPriceObservation.findFirst({ where: { listingId: first!.amazon.id, source: 'notification', lowestOfferAmount: price } }),
    );
    expect(notified.notificationId).toBeTruthy();
    const fresh = await w.database.db.competitiveFreshness.findUniqueOrThrow({ where: { listingId: first!.amazon.id } });
    expect(fresh.source === 'notification' || fresh.source === 'poll').toBe(true);

    const approved = await readJson<{ approved: Array<{ changeId: string }>; refused: unknown[] }>(await w.api('/api/pricing/suggestions', { json: { action: 'approve', items: [{ id: suggestion.id }] } }));
    expect(approved.refused).toEqual([]);
    await waitFor('our new price live on Amazon', async () => {
      const { offers } = await sandboxControl<{ offers: Array<{ sellerId: string; price: string }> }>(w.sandbox, `amazon/offers?asin=${first!.amazon.asin}&marketplaceId=${US}`);
      return offers.some((o) => o.sellerId === 'A2CALIBRDEMONA' && o.price === suggestion.suggested.amount);
    }, 60_000);
  });

  it('the queue unreachable: the channel shows down, and polling alone brings the next move to a suggestion', async () => {
    await sandboxControl(w.sandbox, 'amazon/sqs/faults', { unreachable: '503' });
    try {
      await waitFor('the channel down', () => w.database.db.offerChangeCursor.findFirst({ where: { platform: 'amazon', state: 'down' } }), 60_000);
      const second = products[1]!;
      const since = new Date();
      const price = await undercut(second.amazon.asin!, 'A1POLLED');
      const suggestion = await waitFor('a suggestion from polling', () => pendingSuggestion(second.link.id, second.link.sku), 90_000);
      expect(suggestion.suggested.amount).toBe(usdAmount(usdCents(price) - 50n));
      // Only the monitor's reads saw it: no notification came through.
      const readings = await w.database.db.competitorPriceObservation.findMany({ where: { listingId: second.amazon.id, observedAt: { gte: since } }, select: { source: true, lowestOfferAmount: true } });
      expect(readings.filter((r) => r.lowestOfferAmount === price).map((r) => r.source)).toContain('poll');
      expect(readings.filter((r) => r.source === 'notification')).toEqual([]);
    } finally {
      await fetch(`${w.sandbox.url}/_sandbox/amazon/sqs/faults`, { method: 'DELETE' }).catch(() => undefined);
    }
  });
});
