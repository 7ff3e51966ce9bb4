// A typo must not go live: an edited price that moves more than the rule's step limit (20 % when the rule
// has none) is approved only with `confirmLargeChange: true`. Over real HTTP (the app in Vite, the sandbox
// playing Shopify and Amazon, the Amazon service running), on SQLite (large-edit.test.ts) and PostgreSQL
// (large-edit.postgres.test.ts). Without the confirmation the whole approval is a 400 RFC 9457 problem
// naming the bound and each offending item, and nothing is approved or pushed; with it the price goes
// live on both platforms; a small edit needs none; the guardrails still hold for a confirmed edit.
import type { DatabaseProvider } from '@calibr/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_SELLER, SHOP, US, connectAndSync, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from '../platforms/support/harness';

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors: Array<{ path: string; code?: string; message: string }>;
  largeChanges?: Array<{ suggestionId: string; title: string; from: string; to: string; currency: string; changePercent: string | null; limitPercent: string; limitSource: string }>;
}
interface Decided {
  approved: Array<{ suggestionId: string; changeId: string }>;
  refused: Array<{ suggestionId: string; code: string; message: string }>;
}
interface Product {
  linkId: string;
  title: string;
  price: string;
  shopifyVariant: string;
  sku: string;
  suggestionId: string;
}

/** A USD amount times a ratio given in hundredths (10_000n: ×100), rounded down to the cent. */
function scaled(amount: string, hundredths: bigint): string {
  const [whole, fraction = ''] = amount.split('.');
  const minor = ((BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'))) * hundredths) / 100n;
  return `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
}

export function largeEditSuite(provider: DatabaseProvider): void {
  let w: PlatformsWorld;
  /** stepped: governed by the shop rule (step limit 10 %); open: by a product rule without a step limit; small: stepped too. */
  let products: { stepped: Product; open: Product; small: Product };

  beforeAll(async () => {
    process.env.PRICING_MONITOR = 'off';
    process.env.PRICING_PUSH_POLL_MS = '200';
    process.env.PRICING_PENDING_POLL_MS = '300';
    w = await startPlatformsWorld({ provider });
    await connectAndSync(w);

    const db = w.database.db;
    const links = await db.productLink.findMany({
      where: { project: { shopDomain: SHOP }, listings: { some: { platform: 'amazon', marketplaceId: US } }, AND: { listings: { some: { platform: 'shopify' } } } },
      include: { listings: true },
      orderBy: { sku: 'asc' },
      take: 3,
    });
    expect(links).toHaveLength(3);
    const shopRule = await w.api('/api/pricing/rules', { json: { name: 'Match, 10 % steps', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', floorAmount: '1.00', maxStepPercent: '10' } });
    expect(shopRule.status, await shopRule.clone().text()).toBe(201);
    const openRule = await w.api('/api/pricing/rules', { json: { name: 'No step limit', scope: 'product', productLinkId: links[1]!.id, kind: 'match_buy_box', params: {}, currency: 'USD', floorAmount: '1.00' } });
    expect(openRule.status, await openRule.clone().text()).toBe(201);

    // The pending suggestion the monitor would have made for each (1 % below today's price).
    const [stepped, open, small] = await Promise.all(
      links.map(async (link): Promise<Product> => {
        const shopify = link.listings.find((l) => l.platform === 'shopify')!;
        const amazon = link.listings.find((l) => l.platform === 'amazon' && l.marketplaceId === US)!;
        expect(amazon.priceAmount, `${link.sku} is priced the same on both platforms`).toBe(shopify.priceAmount);
        const project = await db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } });
        const suggestion = await db.priceSuggestion.create({
          data: { projectId: project.id, productLinkId: link.id, listingId: amazon.id, currency: 'USD', currentAmount: shopify.priceAmount, suggestedAmount: scaled(shopify.priceAmount, 99n), explanation: { summary: 'seeded by the large-edit test' } },
        });
        return { linkId: link.id, title: link.title ?? link.sku, price: shopify.priceAmount, shopifyVariant: shopify.externalId, sku: link.sku, suggestionId: suggestion.id };
      }),
    );
    products = { stepped: stepped!, open: open!, small: small! };
  }, 600_000);

  afterAll(async () => {
    const { stopPricing } = await import('../../app/pricing/startup.server');
    await stopPricing().catch(() => undefined);
    await w?.close();
  });

  const approve = (body: Record<string, unknown>) => w.api('/api/pricing/suggestions', { json: { action: 'approve', ...body } });

  async function problemOf(res: Response): Promise<Problem> {
    const text = await res.text();
    expect(res.status, text).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = JSON.parse(text) as Problem;
    expect(problem).toMatchObject({ type: 'urn:calibr:problem:validation', status: 400 });
    return problem;
  }

  /** Nothing decided, no price change, nothing queued for a platform, and the sandbox still at the old prices. */
  async function nothingApprovedOrPushed(...list: Product[]) {
    const db = w.database.db;
    for (const p of list) {
      expect((await db.priceSuggestion.findUniqueOrThrow({ where: { id: p.suggestionId } })).status).toBe('pending');
      expect(await db.priceChange.count({ where: { suggestionId: p.suggestionId } })).toBe(0);
      expect(await sandboxPrices(p)).toEqual({ shopify: p.price, amazon: p.price });
    }
    expect(await db.priceChangeAttempt.count()).toBe(0);
  }

  async function sandboxPrices(p: Product): Promise<{ shopify: string; amazon: string }> {
    const { products: all } = await sandboxControl<{ products: Array<{ variants: Array<{ id: number | string; price: string }> }> }>(w.sandbox, `shopify/shops/${SHOP}/products`);
    const id = p.shopifyVariant.split('/').pop();
    const variant = all.flatMap((x) => x.variants).find((v) => String(v.id) === id);
    const seller = await sandboxControl<{ listings: Array<{ sku: string; offers: Array<{ marketplaceId: string; price: string }> }> }>(w.sandbox, `amazon/sellers/${DEMO_SELLER}`);
    const listing = seller.listings.find((l) => l.sku.toUpperCase() === p.sku.toUpperCase());
    return { shopify: variant?.price ?? 'missing', amazon: listing?.offers.find((o) => o.marketplaceId === US)?.price ?? 'missing' };
  }

  async function applied(changeId: string) {
    return waitFor(`change ${changeId} applied on both platforms`, async () => {
      const { changes } = await readJson<{ changes: Array<{ status: string; attempts: Array<{ platform: string; status: string; amount: string }> }> }>(await w.api(`/api/pricing/changes?ids=${changeId}`));
      const c = changes[0];
      if (c && ['failed', 'partially_applied'].includes(c.status)) throw new Error(JSON.stringify(c));
      return c?.status === 'applied' ? c : undefined;
    }, 60_000);
  }

  it('a typo (100× the price) past the rule’s 10 % step limit is refused with a problem naming the bound and the item: nothing approved, nothing pushed', async () => {
    const { stepped } = products;
    const typo = scaled(stepped.price, 10_000n);
    const problem = await problemOf(await approve({ items: [{ id: stepped.suggestionId, amount: typo }] }));
    expect(problem.errors).toEqual([{ path: 'items[0].amount', code: 'large_change', message: expect.stringContaining('the rule’s step limit of 10 %') }]);
    expect(problem.largeChanges).toEqual([
      { suggestionId: stepped.suggestionId, title: stepped.title, sku: expect.anything(), currency: 'USD', from: stepped.price, to: typo, changePercent: '9900.00', limitPercent: '10', limitSource: 'rule_step_limit' },
    ]);
    expect(problem.detail).toMatch(/more than 10 % \(the rule’s step limit\)[\s\S]*nothing was approved[\s\S]*"confirmLargeChange": true/);
    await nothingApprovedOrPushed(stepped);
    // Only `true` confirms: anything else is a 400 of its own, and still nothing is approved.
    const bad = await problemOf(await approve({ items: [{ id: stepped.suggestionId, amount: typo }], confirmLargeChange: 'yes' }));
    expect(bad.errors).toEqual([expect.objectContaining({ path: 'confirmLargeChange', code: 'invalid_type' })]);
    await problemOf(await approve({ items: [{ id: stepped.suggestionId, amount: typo }], confirmLargeChange: false }));
    await nothingApprovedOrPushed(stepped);
  });

  it('without a step limit the bound is 20 %: one large edit refuses the whole approval, the small edit beside it included', async () => {
    const { open, small } = products;
    const cut = scaled(open.price, 75n); // −25 %
    const problem = await problemOf(await approve({ items: [{ id: small.suggestionId, amount: scaled(small.price, 95n) }, { id: open.suggestionId, amount: cut }] }));
    expect(problem.errors).toEqual([{ path: 'items[1].amount', code: 'large_change', message: expect.stringContaining('the default bound of 20 %') }]);
    expect(problem.largeChanges).toEqual([expect.objectContaining({ suggestionId: open.suggestionId, from: open.price, to: cut, limitPercent: '20', limitSource: 'default' })]);
    await nothingApprovedOrPushed(open, small);
  });

  it('a small edit (−5 %, within the 10 % step limit) needs no confirmation: it goes through and is pushed', async () => {
    const { small } = products;
    const edit = scaled(small.price, 95n); // −5 %, within the 10 % step limit
    const res = await approve({ items: [{ id: small.suggestionId, amount: edit }] });
    const body = await readJson<Decided>(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ approved: [{ suggestionId: small.suggestionId }], refused: [] });
    const change = await applied(body.approved[0]!.changeId);
    expect(change.attempts.map((a) => [a.platform, a.status, a.amount]).sort()).toEqual([
      ['amazon', 'applied', edit],
      ['shopify', 'applied', edit],
    ]);
    expect(await sandboxPrices(small)).toEqual({ shopify: edit, amazon: edit });
  });

  it('confirmed, the large edit goes through and live on both platforms; the guardrails still hold for a confirmed edit', async () => {
    const { stepped, open } = products;
    // Confirmed but under the floor: refused for that item by the guardrail, as before.
    const floor = await readJson<Decided>(await approve({ items: [{ id: open.suggestionId, amount: '0.50' }], confirmLargeChange: true }));
    expect(floor).toMatchObject({ approved: [], refused: [{ suggestionId: open.suggestionId, code: 'guardrail', message: expect.stringContaining('below the floor 1.00') }] });

    const typo = scaled(stepped.price, 10_000n);
    const res = await approve({ items: [{ id: stepped.suggestionId, amount: typo }], confirmLargeChange: true });
    const body = await readJson<Decided>(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ approved: [{ suggestionId: stepped.suggestionId }], refused: [] });
    expect(await w.database.db.priceSuggestion.findUniqueOrThrow({ where: { id: stepped.suggestionId } })).toMatchObject({ status: 'approved', approvedAmount: typo });
    await applied(body.approved[0]!.changeId);
    expect(await sandboxPrices(stepped)).toEqual({ shopify: typo, amazon: typo });
  });
}
