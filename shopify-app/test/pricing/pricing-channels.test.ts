// Per-channel prices, the whole loop against the sandbox over real HTTP (the Remix app, the Amazon
// service running for real, the sandbox playing Shopify and Amazon): a rule prices Amazon and Shopify
// follows at +5 %: a competitor undercuts on Amazon (the sandbox's control API) → the monitor reads it →
// one suggestion with each channel's price → approved through the app's route → one change, an attempt
// per channel with its own amount → the sandbox's Amazon listing and Shopify variant show them. Then the
// rule keeps the storefront price: the next change has no Shopify attempt and the variant stays as it
// was. Finally a price edited at approval moves Amazon and Shopify's offset follows it. The app and the
// Amazon service run on two databases (SQLite files; PostgreSQL schemas when TEST_DATABASE_URL is set).
import { hasTestPostgres } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, SHOP, US, approveAndApply, connectAndSync, firstLinkedProduct, readJson, sandboxControl, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';
import { usdAmount, usdCents } from '../support/money';

interface ChannelPrice {
  listingId: string;
  platform: string;
  currency: string;
  amount: string | null;
  reason: string;
}
interface Suggestion {
  id: string;
  itemId: string;
  current: { amount: string; currency: string };
  suggested: { amount: string; currency: string };
  channelPrices: ChannelPrice[] | null;
}
interface Change {
  id: string;
  status: string;
  to: string;
  attempts: Array<{ platform: string; status: string; amount: string; previousAmount: string | null }>;
}

let w: PlatformsWorld;
const COMPETITOR = 'A1CHANNELCUT';

beforeAll(async () => {
  process.env.PRICING_MONITOR = 'off';
  process.env.PRICING_PUSH_POLL_MS = '200';
  process.env.PRICING_PENDING_POLL_MS = '300';
  w = await startPlatformsWorld({ timeScale: 20, provider: hasTestPostgres() ? 'postgresql' : 'sqlite' });
  await connectAndSync(w);
}, 300_000);
afterAll(async () => {
  const { stopPricing } = await import('../../app/pricing/startup.server');
  await stopPricing().catch(() => undefined);
  await w?.close();
});

/** +5 %, half up to a cent (the rule sets no price ending). */
const plus5 = (amount: string) => usdAmount((usdCents(amount) * 105n + 50n) / 100n);

async function sandboxPrices(shopifyVariantId: string, sku: string): Promise<{ shopify: string; amazon: string }> {
  const { products } = await sandboxControl<{ products: Array<{ variants: Array<{ id: number | string; price: string }> }> }>(w.sandbox, `shopify/shops/${SHOP}/products`);
  const numericId = shopifyVariantId.split('/').pop();
  const variant = products.flatMap((p) => p.variants).find((v) => String(v.id) === numericId || String(v.id) === shopifyVariantId);
  const seller = await sandboxControl<{ listings: Array<{ sku: string; offers: Array<{ marketplaceId: string; price: string }> }> }>(w.sandbox, `amazon/sellers/${DEMO_SELLER}`);
  const listing = (Array.isArray(seller.listings) ? seller.listings : []).find((l) => l.sku === sku);
  return { shopify: variant?.price ?? 'missing', amazon: listing?.offers.find((o) => o.marketplaceId === US)?.price ?? 'missing' };
}

async function monitor(asin: string) {
  const read = await readJson<{ error?: string; recorded: number; suggestions: { created: number } | null }>(await w.api('/api/pricing/monitor', { json: { asins: [asin] } }));
  expect(read.error).toBeUndefined();
  return read;
}

async function pendingFor(itemId: string, sku: string): Promise<Suggestion> {
  const list = await readJson<{ rows: Suggestion[] }>(await w.api(`/api/pricing/suggestions?status=pending&q=${encodeURIComponent(sku)}`));
  const found = list.rows.find((s) => s.itemId === itemId);
  expect(found, 'a pending suggestion').toBeTruthy();
  return found!;
}

describe('per-channel prices', () => {
  let product: Awaited<ReturnType<typeof firstLinkedProduct>>;
  let ruleId: string;
  let competitorPrice: bigint;

  it('Amazon moves with the market, Shopify follows at +5 %: one change, an attempt per channel with its own amount, both visible in the sandbox', async () => {
    product = await firstLinkedProduct(w, 'desc');
    const created = await w.api('/api/pricing/rules', {
      json: { name: 'Amazon beats by 50c, Shopify +5 %', scope: 'product', productLinkId: product.link.id, kind: 'beat_lowest_amount', params: { amount: '0.50' }, currency: 'USD', floorAmount: '1.00', maxStepPercent: '40' },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    ruleId = (await readJson<{ id: string }>(created)).id;
    // The channel columns (issue 15's vocabulary) written where the rules API stores them.
    await w.database.db.pricingRule.update({ where: { id: ruleId }, data: { channel: 'both', shopifyPriceMode: 'offset', shopifyOffsetPercent: '5' } });

    expect((await monitor(product.amazon.asin!)).recorded).toBe(1);
    const observed = await w.database.db.competitorPriceObservation.findFirstOrThrow({ where: { listingId: product.amazon.id }, orderBy: [{ observedAt: 'desc' }, { id: 'desc' }] });
    const ours = usdCents(product.amazon.priceAmount);
    const market = observed.lowestOfferAmount && usdCents(observed.lowestOfferAmount) < ours ? usdCents(observed.lowestOfferAmount) : ours;
    competitorPrice = market - 200n;
    await sandboxControl(w.sandbox, 'amazon/competitors', { asin: product.amazon.asin, marketplaceId: US, sellerId: COMPETITOR, sellerName: 'Channel cutter', price: usdAmount(competitorPrice), feedbackPercent: 99 });
    expect((await monitor(product.amazon.asin!)).suggestions?.created).toBeGreaterThanOrEqual(1);

    const suggestion = await pendingFor(product.link.id, product.link.sku);
    const decided = usdAmount(competitorPrice - 50n);
    const shopifyPrice = plus5(decided);
    expect(usdCents(shopifyPrice)).toBeGreaterThan(usdCents(decided));
    expect(suggestion.suggested.amount).toBe(decided);
    expect(suggestion.channelPrices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ listingId: product.amazon.id, platform: 'amazon', amount: decided }),
        expect.objectContaining({ listingId: product.shopify.id, platform: 'shopify', amount: shopifyPrice, reason: expect.stringContaining('+ 5 %') }),
      ]),
    );

    const change = await approveAndApply<Change>(w, [{ id: suggestion.id }]);
    expect(change.attempts.map((a) => [a.platform, a.status, a.amount, a.previousAmount]).sort()).toEqual([
      ['amazon', 'applied', decided, product.amazon.priceAmount],
      ['shopify', 'applied', shopifyPrice, product.shopify.priceAmount],
    ]);
    expect(await sandboxPrices(product.shopify.externalId, product.amazon.externalId)).toEqual({ shopify: shopifyPrice, amazon: decided });
  });

  it('a `keep` rule moves Amazon only: no Shopify attempt, the variant keeps its price', async () => {
    await w.database.db.pricingRule.update({ where: { id: ruleId }, data: { shopifyPriceMode: 'keep' } });
    const before = await sandboxPrices(product.shopify.externalId, product.amazon.externalId);
    competitorPrice -= 100n;
    await sandboxControl(w.sandbox, 'amazon/competitors/price', { asin: product.amazon.asin, marketplaceId: US, sellerId: COMPETITOR, price: usdAmount(competitorPrice) });
    expect((await monitor(product.amazon.asin!)).suggestions?.created).toBeGreaterThanOrEqual(1);
    const suggestion = await pendingFor(product.link.id, product.link.sku);
    const decided = usdAmount(competitorPrice - 50n);
    expect(suggestion.suggested.amount).toBe(decided);
    expect(suggestion.channelPrices?.find((c) => c.platform === 'shopify')).toMatchObject({ amount: null, reason: expect.stringContaining('keeps') });

    const change = await approveAndApply<Change>(w, [{ id: suggestion.id }]);
    expect(change.attempts.map((a) => [a.platform, a.status, a.amount])).toEqual([['amazon', 'applied', decided]]);
    expect(await sandboxPrices(product.shopify.externalId, product.amazon.externalId)).toEqual({ shopify: before.shopify, amazon: decided });
  });

  it('an edited approval sets the Amazon price and Shopify’s offset follows it', async () => {
    await w.database.db.pricingRule.update({ where: { id: ruleId }, data: { shopifyPriceMode: 'offset', shopifyOffsetPercent: '5' } });
    competitorPrice -= 100n;
    await sandboxControl(w.sandbox, 'amazon/competitors/price', { asin: product.amazon.asin, marketplaceId: US, sellerId: COMPETITOR, price: usdAmount(competitorPrice) });
    expect((await monitor(product.amazon.asin!)).suggestions?.created).toBeGreaterThanOrEqual(1);
    const suggestion = await pendingFor(product.link.id, product.link.sku);
    const edited = usdAmount(competitorPrice - 75n);
    const change = await approveAndApply<Change>(w, [{ id: suggestion.id, amount: edited }]);
    const shopifyPrice = plus5(edited);
    expect(change.to).toBe(edited);
    expect(change.attempts.map((a) => [a.platform, a.amount]).sort()).toEqual([
      ['amazon', edited],
      ['shopify', shopifyPrice],
    ]);
    expect(await sandboxPrices(product.shopify.externalId, product.amazon.externalId)).toEqual({ shopify: shopifyPrice, amazon: edited });
  });
});
