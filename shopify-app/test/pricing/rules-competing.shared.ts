// The rules API for competing rules (issue 15), over real HTTP against the app in Vite with the sandbox
// playing Shopify and Amazon: every new setting round-trips, and each bad input is a 400 problem naming
// its field: a feedback above 100 %, a negative Shopify offset, a step limit of 0, a count that isn't a
// whole number, a channel the shop hasn't connected, and a fee-aware floor for a product without a cost.
import type { DatabaseProvider } from '@calibr/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SHOP, demoSellerCredentials, readJson, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';

interface Problem {
  status: number;
  errors: Array<{ path: string; code?: string; message: string }>;
}

const BASE = { name: 'Win on Amazon', scope: 'shop', kind: 'win_buy_box', params: {}, currency: 'USD', floorAmount: '5.00', ceilingAmount: '90.00', maxStepPercent: '10' };

export function rulesCompetingSuite(provider: DatabaseProvider): void {
  let w: PlatformsWorld;

  beforeAll(async () => {
    process.env.PRICING_MONITOR = 'off';
    w = await startPlatformsWorld({ provider });
  });
  afterAll(async () => {
    await w?.close();
  });

  const post = (body: unknown) => w.api('/api/pricing/rules', { json: body });
  async function refused(body: unknown): Promise<Problem> {
    const response = await post(body);
    const text = await response.text();
    expect(response.status, text).toBe(400);
    return JSON.parse(text) as Problem;
  }
  const paths = (problem: Problem) => problem.errors.map((e) => e.path);

  it('refuses a channel the shop has not connected, naming the field, and takes it once connected', async () => {
    const problem = await refused({ ...BASE, channel: 'amazon' });
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'channel', code: 'not_connected', message: expect.stringMatching(/^Amazon is not connected/) })]);
    expect(await w.database.db.pricingRule.count()).toBe(0);

    const connected = await w.api('/api/platforms/amazon/connect', { json: { credentials: demoSellerCredentials(w) } });
    expect(connected.status, await connected.clone().text()).toBe(200);
    const filters = { condition: 'new', fulfillment: 'AFN', primeOnly: true, minFeedbackPercent: 95, minFeedbackCount: 100, buyBoxEligibleOnly: true, excludedSellerIds: ['A1FRIEND'], ignoreBelowFloor: true };
    const created = await post({
      ...BASE,
      channel: 'amazon',
      filters,
      raiseWhenWinning: true,
      noCompetitionAmount: '80.00',
      maxChangesPerDay: 12,
      minIntervalMinutes: 30,
      priceWarMoves: 4,
      priceWarWindowMinutes: 120,
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { rules } = await readJson<{ rules: Array<Record<string, unknown>> }>(await w.api('/api/pricing/rules'));
    expect(rules).toEqual([
      expect.objectContaining({ kind: 'win_buy_box', channel: 'amazon', shopifyPriceMode: 'same', filters, raiseWhenWinning: true, noCompetitionAmount: '80.00', maxChangesPerDay: 12, minIntervalMinutes: 30, priceWarMoves: 4, priceWarWindowMinutes: 120 }),
    ]);
  });

  it('names the field of each bad setting, all at once', async () => {
    const problem = await refused({
      ...BASE,
      name: 'Bad',
      maxStepPercent: '0',
      filters: { minFeedbackPercent: 101 },
      shopifyPriceMode: 'offset',
      shopifyOffsetPercent: '-5',
      maxChangesPerDay: 'often',
    });
    expect(paths(problem)).toEqual(expect.arrayContaining(['maxStepPercent', 'filters.minFeedbackPercent', 'shopifyOffsetPercent', 'maxChangesPerDay']));
    expect(await w.database.db.pricingRule.count({ where: { name: 'Bad' } })).toBe(0);
  });

  it('refuses a fee-aware floor for a product without a cost, and takes it once the cost is in', async () => {
    const project = await w.database.db.project.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    const link = await w.database.db.productLink.create({ data: { projectId: project.id, sku: 'CAL-FEES-NO-COST', title: 'No cost yet' } });
    const body = { ...BASE, name: 'Fee floor', scope: 'product', productLinkId: link.id, floorAmount: null, floorFormula: 'cost_fees_margin', floorMarginPercent: '10' };
    const problem = await refused(body);
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'floorFormula', code: 'missing_cost', message: expect.stringContaining('CAL-FEES-NO-COST') })]);

    await w.database.db.productCost.create({ data: { projectId: project.id, sku: 'CAL-FEES-NO-COST', currency: 'USD', costAmount: '7.50' } });
    const created = await post(body);
    expect(created.status, await created.clone().text()).toBe(201);
  });

  it('keeps another shop out: a rule naming this shop’s product is refused there', async () => {
    const link = await w.database.db.productLink.findFirstOrThrow({ where: { sku: 'CAL-FEES-NO-COST' } });
    const response = await w.api('/api/pricing/rules', { shop: 'calibr-demo-eu.myshopify.com', json: { ...BASE, name: 'Elsewhere', scope: 'product', productLinkId: link.id } });
    expect(response.status).toBe(400);
    expect(paths((await response.json()) as Problem)).toContain('productLinkId');
  });
}
