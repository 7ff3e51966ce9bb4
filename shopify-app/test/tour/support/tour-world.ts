// A shop as a merchant who has used Calibrate for a while sees it: Shopify and Amazon connected, both
// catalogs synced and linked, a rule, competitors that undercut a few products (so suggestions wait), two
// of them approved and pushed (so price changes show). The phone pass over every page
// (test/tour/phone.browser.test.ts) and the README tour's screenshots (scripts/tour/screenshots.ts) both
// start from it, over real HTTP like every other world.
import { readJson, sandboxControl, startPlatformsWorld, waitFor, connectAndSync, linkedProducts, SHOP, US, type PlatformsWorld } from '../../platforms/support/harness';
import { usdMinus } from '../../support/money';
import { warmUp } from '../../../server/start-app';

export { SHOP };

export const TOUR_RULE = 'Match the Buy Box';

export interface TourWorld {
  w: PlatformsWorld;
  /** A product link with suggestions and a price change: the listing and chart pages show it. */
  itemId: string;
  /** The Admin shell URL of an app path, for the demo shop. */
  adminUrl(appPath: string): string;
  /** A fresh signed link to the Amazon service's settings page (each opens once). */
  amazonSettingsUrl(): Promise<string>;
  close(): Promise<void>;
}

export async function startTourWorld(options: { suggestions?: number } = {}): Promise<TourWorld> {
  // The monitor reads the market only when asked here, so the pages show what this seed made.
  process.env.PRICING_MONITOR = 'off';
  process.env.PRICING_PUSH_POLL_MS = '200';
  process.env.PRICING_PENDING_POLL_MS = '300';
  // Only the platforms a merchant has: no conformance-kit test platform on the pages.
  const w = await startPlatformsWorld({ testPlatforms: '' });
  try {
    await warmUp(w.app).catch(() => undefined);
    await connectAndSync(w);
    const rule = await w.api('/api/pricing/rules', {
      json: { name: TOUR_RULE, scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', floorAmount: '1.00', maxStepPercent: '50' },
    });
    if (rule.status !== 201) throw new Error(`creating the rule: ${rule.status} ${await rule.text()}`);

    // The market read once, then a competitor undercuts some products and wins their Buy Box.
    const count = options.suggestions ?? 6;
    const linked = await linkedProducts(w, { order: 'asc', take: count });
    if (linked.length < 3) throw new Error(`the demo catalog links only ${linked.length} products`);
    const asins = linked.map((p) => p.amazon.asin!);
    await w.api('/api/pricing/monitor', { json: { asins } });
    for (const [i, { amazon }] of linked.entries()) {
      const price = usdMinus(amazon.priceAmount, 150n + 100n * BigInt(i % 3));
      await sandboxControl(w.sandbox, 'amazon/competitors', { asin: amazon.asin, marketplaceId: US, sellerId: 'A1UNDERCUTTER', sellerName: 'Undercutter', price, feedbackPercent: 98, fulfillment: 'AFN' });
      await sandboxControl(w.sandbox, 'amazon/buybox', { asin: amazon.asin, marketplaceId: US, winner: 'A1UNDERCUTTER' });
    }
    await w.api('/api/pricing/monitor', { json: { asins } });
    const pending = await w.database.db.priceSuggestion.findMany({ where: { status: 'pending', productLinkId: { in: linked.map((p) => p.link.id) } }, orderBy: { createdAt: 'asc' } });
    if (pending.length < 3) throw new Error(`expected a suggestion per undercut product, got ${pending.length}`);

    // Two approved: their price changes go to Shopify and Amazon (the Amazon feed settles in the sandbox).
    const approved = pending.slice(0, 2);
    const decided = await readJson<{ approved: Array<{ changeId: string }> }>(await w.api('/api/pricing/suggestions', { json: { action: 'approve', items: approved.map((s) => ({ id: s.id })) } }));
    if (decided.approved.length !== approved.length) throw new Error(`approving: ${JSON.stringify(decided)}`);
    const settled = await waitFor(
      'the approved prices settled',
      async () => {
        const changes = await w.database.db.priceChange.findMany({ where: { id: { in: decided.approved.map((a) => a.changeId) } } });
        return changes.every((c) => !['approved', 'pushing'].includes(c.status)) && changes;
      },
      180_000,
    );
    if (settled.some((c) => c.status !== 'applied')) throw new Error(`the approved prices were not applied: ${settled.map((c) => c.status).join(', ')}`);
    const itemId = approved[0]!.productLinkId!;
    return {
      w,
      itemId,
      adminUrl: (appPath) => `${w.sandbox.adminShellUrl(SHOP)}${appPath}`,
      async amazonSettingsUrl() {
        return (await readJson<{ url: string }>(await w.api('/api/platforms/amazon/settings'))).url;
      },
      async close() {
        const { stopPricing } = await import('../../../app/pricing/startup.server');
        await stopPricing().catch(() => undefined);
        await w.close();
      },
    };
  } catch (error) {
    await w.close();
    throw error;
  }
}

