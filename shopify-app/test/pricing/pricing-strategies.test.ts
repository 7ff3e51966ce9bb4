// One loop test per strategy against the sandbox over real HTTP (the Remix app, the Amazon service
// running for real, the sandbox playing Shopify and Amazon; competitor offers placed with the sandbox's
// control API). Each strategy prices its own product under a product rule:
//   - win the Buy Box: priced just under the eligible holder while a cheaper low-feedback seller (84 %) is
//     ignored and named as such; after the push we hold the Buy Box;
//   - raise when winning: holding the Buy Box with the next eligible competitor above, the price climbs
//     toward just under them within the step limit, and we still hold the Buy Box after the push;
//   - alone: with no eligible competitor, the price steps toward the ceiling and reaches it;
//   - fee-aware floor: a competitor far below is not followed under cost + Amazon's fees (read through the
//     Amazon service's Product Fees API) + margin; the explanation shows the fee figures;
//   - fees unavailable: the sandbox fails the SKU's fee estimate → held with the reason and flagged; fees
//     back → priced, flag cleared;
//   - price war: we and one competitor trade moves more than the rule allows → held, flagged "price war
//     with X" (GET /api/pricing/flags), no suggestion.
// The app and the Amazon service run on two databases (SQLite files; PostgreSQL schemas when
// TEST_DATABASE_URL is set).
import { hasTestPostgres } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, OTHER_SHOP, US, approveAndApply, connectAndSync, linkedProducts, readJson, sandboxControl, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';
import { usdAmount, usdCents } from '../support/money';

interface Explanation {
  summary: string;
  target: { amount: string; competitor?: { role: string; sellerId: string | null } } | null;
  clamp: { guardrail: string } | null;
  competitors?: { followed: Array<{ sellerId: string | null }>; ignored: Array<{ sellerId: string | null; reason: string }> } | null;
  fees?: { price: string; total: string; lines: Array<{ type: string; amount: string }>; floor: string; formula: string } | null;
}
interface Suggestion {
  id: string;
  itemId: string;
  current: { amount: string; currency: string };
  suggested: { amount: string; currency: string };
  explanation: Explanation;
}
interface Flag {
  itemId: string;
  kind: string;
  detail: Record<string, unknown>;
  message: string;
  clearedAt: string | null;
}
type Product = Awaited<ReturnType<typeof linkedProducts>>[number];

let w: PlatformsWorld;
let products: Product[];

beforeAll(async () => {
  process.env.PRICING_MONITOR = 'off';
  process.env.PRICING_PUSH_POLL_MS = '200';
  process.env.PRICING_PENDING_POLL_MS = '300';
  w = await startPlatformsWorld({ timeScale: 20, provider: hasTestPostgres() ? 'postgresql' : 'sqlite' });
  await connectAndSync(w);
  products = await linkedProducts(w, { order: 'asc' });
  expect(products.length).toBeGreaterThanOrEqual(6);
}, 300_000);
afterAll(async () => {
  const { stopPricing } = await import('../../app/pricing/startup.server');
  await stopPricing().catch(() => undefined);
  await w?.close();
});

/** A product rule, created (and validated) through the rules API with its competing settings. */
async function productRule(product: Product, json: Record<string, unknown>, competing: Record<string, unknown>): Promise<string> {
  const created = await w.api('/api/pricing/rules', { json: { scope: 'product', productLinkId: product.link.id, currency: 'USD', floorAmount: '1.00', ...json, ...competing } });
  expect(created.status, await created.clone().text()).toBe(201);
  const { id } = await readJson<{ id: string }>(created);
  return id;
}

async function monitor(product: Product) {
  const read = await readJson<{ error?: string; recorded: number; suggestions: { created: number; skipped: number; blocked: number } | null }>(
    await w.api('/api/pricing/monitor', { json: { asins: [product.amazon.asin] } }),
  );
  expect(read.error).toBeUndefined();
  expect(read.recorded).toBe(1);
  return read;
}

/** Every competitor off the ASIN (a reading first, so the next one notices what moved). */
async function clearCompetitors(product: Product) {
  const view = await sandboxControl<{ offers: Array<{ sellerId: string }> }>(w.sandbox, `amazon/offers?asin=${product.amazon.asin}&marketplaceId=${US}`);
  for (const offer of view.offers.filter((o) => o.sellerId !== DEMO_SELLER)) {
    await sandboxControl(w.sandbox, 'amazon/competitors/remove', { asin: product.amazon.asin, marketplaceId: US, sellerId: offer.sellerId });
  }
  await monitor(product);
}

async function competitor(product: Product, sellerId: string, price: bigint, feedbackPercent = 98) {
  await sandboxControl(w.sandbox, 'amazon/competitors', { asin: product.amazon.asin, marketplaceId: US, sellerId, sellerName: sellerId, price: usdAmount(price), feedbackPercent, feedbackCount: 4000 });
}

async function moveCompetitor(product: Product, sellerId: string, price: bigint) {
  await sandboxControl(w.sandbox, 'amazon/competitors/price', { asin: product.amazon.asin, marketplaceId: US, sellerId, price: usdAmount(price) });
}

async function pending(product: Product): Promise<Suggestion | undefined> {
  const list = await readJson<{ rows: Suggestion[] }>(await w.api(`/api/pricing/suggestions?status=pending&q=${encodeURIComponent(product.link.sku)}`));
  return list.rows.find((s) => s.itemId === product.link.id);
}

async function latestReading(product: Product) {
  return w.database.db.competitorPriceObservation.findFirstOrThrow({ where: { listingId: product.amazon.id }, orderBy: [{ observedAt: 'desc' }, { id: 'desc' }] });
}

async function flags(include = ''): Promise<Flag[]> {
  return (await readJson<{ flags: Flag[] }>(await w.api(`/api/pricing/flags${include}`))).flags;
}

// Issue 15's strategies come with the policy engine's `win_buy_box` (branch i15-policy) and the fee
// estimates through the Amazon service (i15-fees): until both are in, there is nothing to run.

describe('strategies against the sandbox', () => {
  it('win the Buy Box: just under the eligible holder; a cheaper low-feedback seller is ignored; the Buy Box is ours after the push', async () => {
    const product = products[0]!;
    const ours = usdCents(product.amazon.priceAmount);
    await productRule(product, { name: 'Win the Buy Box', kind: 'win_buy_box', params: { amount: '0.25' }, maxStepPercent: '40' }, { filters: { minFeedbackPercent: 90 } });
    await clearCompetitors(product);
    await competitor(product, 'A1ELIGIBLEHOLD', ours - 100n);
    await competitor(product, 'A1LOWFEEDBACK', ours - 300n, 84);
    expect((await monitor(product)).suggestions?.created).toBe(1);
    const suggestion = (await pending(product))!;
    expect(suggestion.suggested.amount).toBe(usdAmount(ours - 125n));
    expect(suggestion.explanation.competitors?.ignored).toContainEqual(expect.objectContaining({ sellerId: 'A1LOWFEEDBACK', reason: expect.stringMatching(/feedback/) }));
    expect(suggestion.explanation.competitors?.followed).toContainEqual(expect.objectContaining({ sellerId: 'A1ELIGIBLEHOLD' }));

    await approveAndApply(w, [{ id: suggestion.id }]);
    await monitor(product);
    expect(await latestReading(product)).toMatchObject({ buyBoxIsOurs: true, buyBoxAmount: usdAmount(ours - 125n) });
  });

  it('raise when winning: toward just under the next eligible competitor, within the step, and still holding the Buy Box', async () => {
    const product = products[1]!;
    const ours = usdCents(product.amazon.priceAmount);
    await productRule(product, { name: 'Stay in the Buy Box high', kind: 'win_buy_box', params: { amount: '0.10' }, maxStepPercent: '2' }, { raiseWhenWinning: true });
    await clearCompetitors(product);
    // The next eligible competitor 6 % above us: just under them is more than the 2 % step allows.
    const step = (ours * 2n) / 100n;
    const above = ours + (ours * 6n) / 100n;
    await competitor(product, 'A1ABOVEUS', above);
    await monitor(product);
    const suggestion = (await pending(product))!;
    expect(suggestion.suggested.amount).toBe(usdAmount(ours + step));
    expect(usdCents(suggestion.suggested.amount)).toBeLessThan(above - 10n);
    expect(suggestion.explanation.target?.competitor).toMatchObject({ role: 'next_above', sellerId: 'A1ABOVEUS' });
    await approveAndApply(w, [{ id: suggestion.id }]);
    await monitor(product);
    expect(await latestReading(product)).toMatchObject({ buyBoxIsOurs: true, buyBoxAmount: usdAmount(ours + step) });
  });

  it('alone: with no eligible competitor the price steps up to the ceiling', async () => {
    const product = products[2]!;
    let price = usdCents(product.amazon.priceAmount);
    const ceiling = price + (price * 3n) / 200n; // 1.5 % above: two 1 % steps
    await productRule(product, { name: 'Alone to the ceiling', kind: 'win_buy_box', params: {}, maxStepPercent: '1', ceilingAmount: usdAmount(ceiling) }, {});
    await clearCompetitors(product); // only our own offer is left
    // Nothing moved in the market: the merchant asks for an evaluation now.
    const now = await readJson<{ created: number }>(await w.api('/api/pricing/suggestions/generate', { json: { ids: [product.link.id] } }));
    expect(now.created).toBe(1);
    const seen: bigint[] = [];
    for (let round = 0; round < 4 && price < ceiling; round++) {
      const suggestion = await pending(product);
      expect(suggestion, `a suggestion in round ${round}`).toBeTruthy();
      const next = usdCents(suggestion!.suggested.amount);
      expect(next).toBe(price + (price / 100n) < ceiling ? price + price / 100n : ceiling);
      seen.push(next);
      await approveAndApply(w, [{ id: suggestion!.id }]);
      price = next;
      await monitor(product); // our new price is read: the Buy Box moved
    }
    expect(seen.length).toBe(2);
    expect(price).toBe(ceiling);
  });

  it('fee-aware floor: a competitor far below is not followed under cost + Amazon’s fees + margin; the fees are shown', async () => {
    const product = products[3]!;
    const ours = usdCents(product.amazon.priceAmount);
    const cost = ours / 2n;
    await w.database.db.productCost.create({ data: { projectId: product.link.projectId, sku: product.link.sku, currency: 'USD', costAmount: usdAmount(cost) } });
    await productRule(product, { name: 'Beat, floor at fees', kind: 'beat_lowest_amount', params: { amount: '0.50' }, maxStepPercent: '90' }, { floorFormula: 'cost_fees_margin', floorMarginPercent: '10' });
    await clearCompetitors(product);
    await competitor(product, 'A1DUMPER', cost);
    await monitor(product);
    const suggestion = (await pending(product))!;
    const fees = suggestion.explanation.fees!;
    expect(fees.lines).toContainEqual(expect.objectContaining({ type: 'ReferralFee' }));
    expect(usdCents(fees.total)).toBeGreaterThan(0n);
    expect(suggestion.explanation.clamp?.guardrail).toBe('fee_floor');
    expect(suggestion.suggested.amount).toBe(fees.floor);
    // price − fees − cost ≥ 10 % of the price (the fees as estimated, at our price above the floor)
    const s = usdCents(suggestion.suggested.amount);
    expect((s - usdCents(fees.total) - cost) * 10n).toBeGreaterThanOrEqual(s);
    expect(s).toBeGreaterThan(cost);
    // An edited price is held to the same floor (the fees read again for the check).
    const below = await readJson<{ approved: unknown[]; refused: Array<{ code: string; message: string }> }>(
      await w.api('/api/pricing/suggestions', { json: { action: 'approve', items: [{ id: suggestion.id, amount: usdAmount(s - 1n) }], confirmLargeChange: true } }),
    );
    expect(below.approved).toEqual([]);
    expect(below.refused[0]).toMatchObject({ code: 'guardrail', message: expect.stringContaining(`below the floor after fees ${fees.floor}`) });
  });

  it('fees unavailable: held with the reason and flagged; priced again (flag cleared) once the fees are back', async () => {
    const product = products[4]!;
    const ours = usdCents(product.amazon.priceAmount);
    await w.database.db.productCost.create({ data: { projectId: product.link.projectId, sku: product.link.sku, currency: 'USD', costAmount: usdAmount(ours / 3n) } });
    await productRule(product, { name: 'Beat, floor at fees (faulty)', kind: 'beat_lowest_amount', params: { amount: '0.50' }, maxStepPercent: '40' }, { floorFormula: 'cost_fees_margin', floorMarginPercent: '10' });
    await sandboxControl(w.sandbox, 'amazon/fees/fault', { id: product.amazon.externalId, fault: 'ClientError' });
    await clearCompetitors(product);
    await competitor(product, 'A1UNDERFEES', ours - 100n);
    const held = await monitor(product);
    expect(held.suggestions?.blocked).toBe(1);
    expect(await pending(product)).toBeUndefined();
    const flag = (await flags()).find((f) => f.itemId === product.link.id && f.kind === 'fees_unavailable');
    expect(flag?.message).toMatch(/^Fees unavailable: fees unavailable: /);

    await sandboxControl(w.sandbox, 'amazon/fees/fault', { id: product.amazon.externalId, fault: 'off' });
    await moveCompetitor(product, 'A1UNDERFEES', ours - 150n);
    await monitor(product);
    expect((await pending(product))?.suggested.amount).toBe(usdAmount(ours - 200n));
    expect((await flags()).find((f) => f.itemId === product.link.id)).toBeUndefined();
    expect((await flags('?include=cleared')).find((f) => f.itemId === product.link.id)?.clearedAt).toBeTruthy();
  });

  it('price war: after we and one competitor trade moves past the rule’s limit, the listing is held and flagged', async () => {
    const product = products[5]!;
    const ours = usdCents(product.amazon.priceAmount);
    await productRule(product, { name: 'Beat, war guard', kind: 'beat_lowest_amount', params: { amount: '0.50' }, maxStepPercent: '40' }, { priceWarMoves: 2, priceWarWindowMinutes: 60 });
    await clearCompetitors(product);
    await competitor(product, 'A1WARRIOR', ours - 100n); // arriving is not a move
    await monitor(product);
    await approveAndApply(w, [{ id: (await pending(product))!.id }]); // we move (1)
    await monitor(product);
    await moveCompetitor(product, 'A1WARRIOR', ours - 200n); // they move (2)
    await monitor(product);
    const second = (await pending(product))!;
    expect(second.suggested.amount).toBe(usdAmount(ours - 250n));
    await approveAndApply(w, [{ id: second.id }]); // we move (3)
    await monitor(product);
    await moveCompetitor(product, 'A1WARRIOR', ours - 300n); // they move (4): more than 2 turns
    const held = await monitor(product);
    expect(held.suggestions?.skipped).toBe(1);
    expect(await pending(product)).toBeUndefined();
    const flag = (await flags('?kind=price_war')).find((f) => f.itemId === product.link.id);
    expect(flag).toMatchObject({ kind: 'price_war', detail: expect.objectContaining({ sellerId: 'A1WARRIOR', windowMinutes: 60 }), message: expect.stringContaining('Price war with A1WARRIOR') });
    // The flags are the shop's own, and the list's query is checked.
    const other = await readJson<{ flags: Flag[] }>(await w.api('/api/pricing/flags?include=cleared', { shop: OTHER_SHOP }));
    expect(other.flags).toEqual([]);
    expect((await w.api('/api/pricing/flags?kind=bogus')).status).toBe(400);
    expect((await fetch(`${w.app.url}/api/pricing/flags`)).status).toBe(401);
  });
});
