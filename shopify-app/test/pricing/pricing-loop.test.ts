// The whole loop against the sandbox, over real HTTP: the Remix app (Vite, port 0), the Amazon service
// running for real, the sandbox playing Shopify and Amazon. A competitor undercuts us on Amazon (the
// sandbox's control API) → the monitor reads it through the Amazon service → a suggestion with its
// explanation → the merchant approves it through the app's route → the Shopify variant and the Amazon
// listing change price in the sandbox → the change shows applied on both, with its audit entries.
// After the push our offer is the lowest: the next readings must not undercut our own offer (Amazon
// lists it among the others). Then: an edited price that breaks a guardrail is refused, a price edited in
// Shopify Admin is noticed, and the change is rolled back to the price it replaced on each platform.
// The app and the Amazon service run on two databases (two SQLite files; two PostgreSQL schemas when
// TEST_DATABASE_URL is set), as when the service is deployed on its own.
import { hasTestPostgres, providerOf } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELLER, OTHER_SHOP, SHOP, US, connectAndSync, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from '../platforms/support/harness';

interface Suggestion {
  id: string;
  itemId: string;
  title: string;
  sku: string | null;
  status: string;
  current: { amount: string; currency: string };
  suggested: { amount: string; currency: string };
  summary: string;
  explanation: {
    trigger: { kind: string; platform: string; from: string; to: string } | null;
    rule: { name: string } | null;
    clamp: unknown;
    target: { amount: string; competitor?: { role: string; sellerId: string | null; fulfillment: string; landed: string } } | null;
  };
}
interface Change {
  id: string;
  status: string;
  from: string;
  to: string;
  source: string;
  attempts: Array<{ platform: string; status: string; amount: string; previousAmount: string | null; platformReference: string | null; platformMessage: string | null }>;
}

let w: PlatformsWorld;
const COMPETITOR = 'A1UNDERCUTTER';

beforeAll(async () => {
  // The app runs in this process: its pricing worker reads these when it starts. The monitor's timer
  // stays off; the test drives it through its route so each step is deterministic.
  process.env.PRICING_MONITOR = 'off';
  process.env.PRICING_PUSH_POLL_MS = '200';
  process.env.PRICING_PENDING_POLL_MS = '300';
  w = await startPlatformsWorld({ provider: hasTestPostgres() ? 'postgresql' : 'sqlite' });
  await connectAndSync(w);
});
afterAll(async () => {
  const { stopPricing } = await import('../../app/pricing/startup.server');
  await stopPricing().catch(() => undefined);
  await w?.close();
});

/** A product sold on both platforms, its Amazon listing's ASIN, and both listings' prices. */
async function linkedProduct() {
  const db = w.database.db;
  const link = await db.productLink.findFirstOrThrow({
    where: { project: { shopDomain: SHOP }, listings: { some: { platform: 'amazon', asin: { not: null }, marketplaceId: US } } },
    include: { listings: true },
    orderBy: { sku: 'asc' },
  });
  const amazon = link.listings.find((l) => l.platform === 'amazon' && l.marketplaceId === US)!;
  const shopify = link.listings.find((l) => l.platform === 'shopify')!;
  expect(shopify, 'the linked product has a Shopify variant').toBeTruthy();
  return { link, amazon, shopify };
}

async function sandboxPrices(shopifyVariantId: string, sku: string): Promise<{ shopify: string; amazon: string }> {
  const { products } = await sandboxControl<{ products: Array<{ variants: Array<{ id: number | string; price: string }> }> }>(w.sandbox, `shopify/shops/${SHOP}/products`);
  const numericId = shopifyVariantId.split('/').pop();
  const variant = products.flatMap((p) => p.variants).find((v) => String(v.id) === numericId || String(v.id) === shopifyVariantId);
  const seller = await sandboxControl<{ listings: Record<string, { offers: Record<string, { price: { minor?: string } | string; marketplaceId?: string }> }> | Array<{ sku: string; offers: Array<{ marketplaceId: string; price: string }> }> }>(w.sandbox, `amazon/sellers/${DEMO_SELLER}`);
  const listings = Array.isArray(seller.listings) ? seller.listings : [];
  const listing = listings.find((l) => l.sku === sku);
  return { shopify: variant?.price ?? 'missing', amazon: listing?.offers.find((o) => o.marketplaceId === US)?.price ?? 'missing' };
}

async function changeById(id: string): Promise<Change> {
  const { changes } = await readJson<{ changes: Change[] }>(await w.api(`/api/pricing/changes?ids=${id}`));
  return changes[0]!;
}

describe('the pricing loop', () => {
  let suggestion: Suggestion;
  let product: Awaited<ReturnType<typeof linkedProduct>>;
  let changeId: string;

  it('a competitor undercuts on Amazon → the monitor notices → a suggestion with its explanation', async () => {
    product = await linkedProduct();
    const rule = await w.api('/api/pricing/rules', {
      json: { name: 'Undercut by 50c', scope: 'shop', kind: 'beat_lowest_amount', params: { amount: '0.50' }, currency: 'USD', floorAmount: '1.00', maxStepPercent: '40', autoApproveMaxPercent: null },
    });
    expect(rule.status, await rule.clone().text()).toBe(201);

    // First reading: the market as it is (a baseline, nothing moved yet).
    const first = await readJson<{ asins: string[]; recorded: number; error?: string }>(await w.api('/api/pricing/monitor', { json: { asins: [product.amazon.asin] } }));
    expect(first.error).toBeUndefined();
    expect(first.recorded).toBe(1);

    // A competitor comes in 2.00 below the lowest offer (or our price, if we are the lowest).
    const ours = product.amazon.priceAmount;
    const observed = await w.database.db.competitorPriceObservation.findFirstOrThrow({ where: { listingId: product.amazon.id }, orderBy: { observedAt: 'desc' } });
    const minor = (amount: string) => BigInt(amount.replace('.', ''));
    const floorOfMarket = observed.lowestOfferAmount && minor(observed.lowestOfferAmount) < minor(ours) ? minor(observed.lowestOfferAmount) : minor(ours);
    const undercut = (floorOfMarket - 200n).toString();
    const undercutPrice = `${undercut.slice(0, -2)}.${undercut.slice(-2)}`;
    await sandboxControl(w.sandbox, 'amazon/competitors', { asin: product.amazon.asin, marketplaceId: US, sellerId: COMPETITOR, sellerName: 'Undercutter', price: undercutPrice, feedbackPercent: 99 });

    const second = await readJson<{ triggers: Array<{ itemId: string; trigger: { kind: string } }>; suggestions: { created: number } | null; error?: string }>(
      await w.api('/api/pricing/monitor', { json: { asins: [product.amazon.asin] } }),
    );
    expect(second.error).toBeUndefined();
    expect(second.triggers).toContainEqual({ itemId: product.link.id, trigger: expect.objectContaining({ kind: expect.stringMatching(/lowest_offer_moved|buy_box_moved|buy_box_lost/) }) });
    expect(second.suggestions?.created).toBeGreaterThanOrEqual(1);

    const list = await readJson<{ rows: Suggestion[] }>(await w.api(`/api/pricing/suggestions?status=pending&q=${encodeURIComponent(product.link.sku)}`));
    suggestion = list.rows.find((s) => s.itemId === product.link.id)!;
    expect(suggestion).toBeTruthy();
    const expected = (BigInt(undercut) - 50n).toString();
    expect(suggestion.suggested.amount).toBe(`${expected.slice(0, -2)}.${expected.slice(-2)}`);
    expect(suggestion.current.amount).toBe(ours);
    expect(suggestion.explanation.trigger).toMatchObject({ platform: 'amazon' });
    expect(suggestion.explanation.rule?.name).toBe('Undercut by 50c');
    expect(suggestion.summary).toContain('Rule “Undercut by 50c” (shop default) asks to beat the lowest offer');
    expect(suggestion.summary).toContain(`beat the lowest offer, $${undercutPrice}, by $0.50`);
    // The competitor that set it off, named: seller, fulfilment, landed price.
    expect(suggestion.summary).toContain(`(seller ${COMPETITOR}, fulfilled by the seller, $${undercutPrice} with shipping)`);
    expect(suggestion.explanation.target?.competitor).toEqual({ role: 'lowest_offer', sellerId: COMPETITOR, fulfillment: 'MFN', landed: undercutPrice });
    expect(suggestion.summary).toContain(`Suggested $${suggestion.suggested.amount} (`);
  });

  it('an edited price that breaks a guardrail is refused, with the reason', async () => {
    const res = await w.api('/api/pricing/suggestions', { json: { action: 'approve', items: [{ id: suggestion.id, amount: '0.50' }] } });
    expect(res.status).toBe(200);
    const body = await readJson<{ approved: unknown[]; refused: Array<{ code: string; message: string }> }>(res);
    expect(body.approved).toEqual([]);
    expect(body.refused[0]).toMatchObject({ code: 'guardrail', message: expect.stringContaining('below the floor 1.00') });
    // An edited price that isn't one: refused in the merchant's words (it shows under the price field).
    const typo = await readJson<{ refused: Array<{ code: string; message: string }> }>(await w.api('/api/pricing/suggestions', { json: { action: 'approve', items: [{ id: suggestion.id, amount: '12.345' }] } }));
    expect(typo.refused[0]).toMatchObject({ code: 'validation', message: 'The price has too many decimals: USD allows 2' });
    const float = await w.api('/api/pricing/suggestions', { json: { action: 'approve', items: [{ id: suggestion.id, amount: 12.5 }] } });
    expect(float.status).toBe(400);
  });

  it('approved through the app’s route → both platforms change price in the sandbox → applied on both, audited', async () => {
    const res = await w.api('/api/pricing/suggestions', { json: { action: 'approve', items: [{ id: suggestion.id }] } });
    const body = await readJson<{ approved: Array<{ suggestionId: string; changeId: string }>; refused: unknown[] }>(res);
    expect(res.status).toBe(200);
    expect(body.refused).toEqual([]);
    changeId = body.approved[0]!.changeId;

    // Approving again is refused: one suggestion, one change.
    const again = await readJson<{ approved: unknown[]; refused: Array<{ code: string }> }>(await w.api('/api/pricing/suggestions', { json: { action: 'approve', items: [{ id: suggestion.id }] } }));
    expect(again.approved).toEqual([]);
    expect(again.refused[0]?.code).toBe('already_decided');

    const change = await waitFor('the change applied on both platforms', async () => {
      const c = await changeById(changeId);
      return c.status === 'applied' ? c : c.status === 'failed' || c.status === 'partially_applied' ? Promise.reject(new Error(JSON.stringify(c))) : undefined;
    }, 60_000);
    expect(change.attempts.map((a) => [a.platform, a.status, a.amount]).sort()).toEqual([
      ['amazon', 'applied', suggestion.suggested.amount],
      ['shopify', 'applied', suggestion.suggested.amount],
    ]);
    const prices = await sandboxPrices(product.shopify.externalId, product.amazon.externalId);
    expect(prices).toEqual({ shopify: suggestion.suggested.amount, amazon: suggestion.suggested.amount });

    const { entries } = await readJson<{ entries: Array<{ action: string; actor: string; entityId: string; data: Record<string, unknown> }> }>(await w.api('/api/pricing/audit?limit=50'));
    const approval = entries.find((e) => e.action === 'price_suggestion.approved' && e.entityId === suggestion.id)!;
    expect(approval.actor).toMatch(new RegExp(`^user:.+@${SHOP.replace(/\./g, '\\.')}$`));
    expect(approval.data).toMatchObject({ changeId, to: suggestion.suggested.amount, platforms: expect.arrayContaining(['amazon', 'shopify']) });
    expect(entries.find((e) => e.action === 'price_change.applied' && e.entityId === changeId)).toMatchObject({ actor: 'system', data: { platforms: { amazon: 'applied', shopify: 'applied' } } });
  });

  it('after the push our offer is the lowest: two more readings suggest nothing against our own offer', async () => {
    type Reading = { recorded: number; error?: string; triggers: Array<{ itemId: string; trigger: { kind: string } }>; suggestions: { evaluated: number; created: number } | null };
    const read = async () => readJson<Reading>(await w.api('/api/pricing/monitor', { json: { asins: [product.amazon.asin] } }));
    // Amazon now shows our offer at the pushed price, below the competitor: it wins us the Buy Box, and
    // Amazon's own lowest price is ours. The rule looks again and holds: the competitor hasn't moved.
    const first = await read();
    expect(first.error).toBeUndefined();
    expect(first.recorded).toBe(1);
    expect(first.triggers).toContainEqual({ itemId: product.link.id, trigger: expect.objectContaining({ kind: 'buy_box_won' }) });
    expect(first.suggestions).toMatchObject({ evaluated: 1, created: 0 });
    const second = await read();
    expect(second.error).toBeUndefined();
    expect(second.recorded).toBe(1);
    expect(second.suggestions?.created ?? 0).toBe(0);

    const observation = await w.database.db.competitorPriceObservation.findFirstOrThrow({ where: { listingId: product.amazon.id }, orderBy: [{ observedAt: 'desc' }, { id: 'desc' }] });
    const offers = (observation.details as { offers: Array<{ sellerId: string; isOurs: boolean; landed: string }> }).offers;
    expect(offers[0]).toMatchObject({ sellerId: DEMO_SELLER, isOurs: true, landed: suggestion.suggested.amount });
    expect(observation).toMatchObject({ buyBoxIsOurs: true, lowestOfferAmount: offers.find((o) => !o.isOurs)!.landed });
    const list = await readJson<{ rows: Suggestion[] }>(await w.api(`/api/pricing/suggestions?status=all&q=${encodeURIComponent(product.link.sku)}`));
    expect(list.rows.filter((s) => s.itemId === product.link.id).map((s) => s.id)).toEqual([suggestion.id]);
  });

  it('a price edited in Shopify Admin is noticed, and the change rolls back to the price each platform had', async () => {
    // The merchant edits the variant in Shopify Admin: products/update reaches the app, the monitor notices.
    const edited = (BigInt(suggestion.suggested.amount.replace('.', '')) + 100n).toString();
    const editedPrice = `${edited.slice(0, -2)}.${edited.slice(-2)}`;
    await sandboxControl(w.sandbox, `shopify/shops/${SHOP}/prices`, { variantId: product.shopify.externalId, price: editedPrice });
    await waitFor('the webhook stored the edited price', async () => (await w.database.db.listing.findUniqueOrThrow({ where: { id: product.shopify.id } })).priceAmount === editedPrice);
    const monitored = await readJson<{ triggers: Array<{ itemId: string; trigger: { kind: string; platform: string; from: string; to: string } }> }>(
      await w.api('/api/pricing/monitor', { json: { asins: [product.amazon.asin] } }),
    );
    expect(monitored.triggers).toContainEqual({ itemId: product.link.id, trigger: expect.objectContaining({ kind: 'own_price_edited', platform: 'shopify', from: suggestion.suggested.amount, to: editedPrice }) });

    const rollback = await w.api(`/api/pricing/changes/${changeId}/rollback`, { json: {} });
    expect(rollback.status).toBe(201);
    const { changeId: rollbackId } = await readJson<{ changeId: string }>(rollback);
    const done = await waitFor('the rollback settled', async () => {
      const c = await changeById(rollbackId);
      return ['applied', 'partially_applied', 'failed'].includes(c.status) ? c : undefined;
    }, 60_000);
    // Amazon goes back to its old price. Shopify's live price is no longer the one we set (the merchant
    // edited it), so the rollback refuses to overwrite the merchant's edit there, and says why.
    const amazon = done.attempts.find((a) => a.platform === 'amazon')!;
    const shopify = done.attempts.find((a) => a.platform === 'shopify')!;
    expect(amazon).toMatchObject({ status: 'applied', amount: product.amazon.priceAmount });
    expect(shopify.status).toBe('failed');
    expect(shopify.platformMessage).toContain(`live price ${editedPrice}`);
    expect(done.status).toBe('partially_applied');
    const prices = await sandboxPrices(product.shopify.externalId, product.amazon.externalId);
    expect(prices).toEqual({ shopify: editedPrice, amazon: product.amazon.priceAmount });
  });

  it('refuses a rule whose guardrails contradict each other, naming every bad field', async () => {
    const res = await w.api('/api/pricing/rules', { json: { name: 'Broken', scope: 'tag', kind: 'beat_lowest_percent', params: { percent: 3 }, currency: 'USD', floorAmount: '30.00', ceilingAmount: '20.00' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await readJson<{ errors: Array<{ path: string; code: string }> }>(res);
    expect(problem.errors.map((e) => [e.path, e.code])).toEqual(expect.arrayContaining([['scopeValue', 'required'], ['params.percent', 'invalid_type'], ['floorAmount', 'floor_above_ceiling']]));
  });

  it('a dry run shows what a rule would do across the catalog, and creates nothing', async () => {
    const db = w.database.db;
    const before = await Promise.all([db.priceSuggestion.count(), db.priceChange.count(), db.pricingRule.count()]);
    const res = await w.api('/api/pricing/dry-run', { json: { rule: { name: 'Everything at 9.99', scope: 'shop', kind: 'fixed_price', params: { price: '9.99' }, currency: 'USD', priority: 100 }, onlyDraft: true, pageSize: 5 } });
    expect(res.status).toBe(200);
    const result = await readJson<{ counts: { evaluated: number; suggest: number }; governedByDraft: number; rows: Array<{ status: string; suggested: { amount: string } | null; summary: string }>; total: number }>(res);
    expect(result.governedByDraft).toBeGreaterThan(10);
    expect(result.counts.evaluated).toBe(result.governedByDraft);
    expect(result.rows).toHaveLength(5);
    expect(result.rows.filter((r) => r.status === 'suggest').every((r) => r.suggested?.amount === '9.99' && r.summary.includes('hold the fixed price: $9.99.'))).toBe(true);
    expect(await Promise.all([db.priceSuggestion.count(), db.priceChange.count(), db.pricingRule.count()])).toEqual(before);
  });

  it('another shop sees none of this shop’s suggestions or changes, and can’t act on them', async () => {
    const list = await readJson<{ rows: unknown[]; total: number }>(await w.api('/api/pricing/suggestions?status=all', { shop: OTHER_SHOP }));
    expect(list.total).toBe(0);
    const changes = await readJson<{ changes: unknown[] }>(await w.api('/api/pricing/changes', { shop: OTHER_SHOP }));
    expect(changes.changes).toEqual([]);
    const approve = await readJson<{ approved: unknown[]; refused: Array<{ code: string }> }>(await w.api('/api/pricing/suggestions', { shop: OTHER_SHOP, json: { action: 'approve', items: [{ id: suggestion.id }] } }));
    expect(approve).toMatchObject({ approved: [], refused: [{ code: 'not_found' }] });
    expect((await w.api(`/api/pricing/changes/${changeId}/rollback`, { shop: OTHER_SHOP, json: {} })).status).toBe(404);
    expect((await w.api(`/api/pricing/products/${product.link.id}/history`, { shop: OTHER_SHOP })).status).toBe(404);
    expect((await fetch(`${w.app.url}/api/pricing/suggestions`)).status).toBe(401);
  });

  it('retries a failed attempt under a fresh key, and exports the history as CSV', async () => {
    const rollbacks = await readJson<{ changes: Change[] }>(await w.api('/api/pricing/changes?status=partially_applied'));
    const rollback = rollbacks.changes.find((c) => c.source === 'rollback')!;
    const retry = await w.api(`/api/pricing/changes/${rollback.id}/retry`, { json: {} });
    expect(retry.status).toBe(200);
    expect(await readJson(retry)).toEqual({ retried: 1 });
    const attempt = await w.database.db.priceChangeAttempt.findFirstOrThrow({ where: { priceChangeId: rollback.id, platform: 'shopify' } });
    expect(attempt.idempotencyKey).toMatch(/:retry-1$/);
    // The merchant's edit still stands in Shopify, so the retry is refused the same way, with the reason.
    const settled = await waitFor('the retry settled', async () => {
      const c = await changeById(rollback.id);
      return c.status === 'partially_applied' ? c : undefined;
    }, 60_000);
    expect(settled.attempts.find((a) => a.platform === 'shopify')).toMatchObject({ status: 'failed', platformMessage: expect.stringContaining('live price') });

    const csv = await w.api('/api/pricing/export/history');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\n')[0]).toContain('change_id,approved_at,approved_by');
    expect(text).toContain(rollback.id);
  });

  it('kept the app and the Amazon service on their own databases: no Amazon table on the app\'s side', async () => {
    expect(w.amazonDatabase.url).not.toBe(w.database.url);
    const appTables = await tablesOf(w.database.db);
    expect(appTables).toContain('PriceChange');
    expect(appTables.filter((t) => t.startsWith('Amazon'))).toEqual([]);
    const amazonTables = await tablesOf(w.amazonDatabase.db);
    expect(amazonTables).not.toContain('Project');
    // The loop's Amazon price changes went through the service, into its own tables.
    const sent = await w.amazonDatabase.db.amazonPriceUpdate.count({ where: { tenant: { shopDomain: SHOP } } });
    expect(sent).toBeGreaterThan(0);
  });
});

/** The tables of a database, through the client on it (the test schema on PostgreSQL). */
async function tablesOf(db: { $queryRawUnsafe<T>(sql: string): Promise<T> }): Promise<string[]> {
  const sql =
    providerOf(db) === 'postgresql'
      ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()'
      : "SELECT name FROM sqlite_master WHERE type = 'table'";
  return (await db.$queryRawUnsafe<Array<{ name: string }>>(sql)).map((r) => r.name);
}
