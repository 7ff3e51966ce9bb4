// Fee estimates through the contract (RemoteConnector → /connector/pricing/fee-estimates → getMyFeesEstimates
// on the sandbox), run on SQLite and PostgreSQL: Amazon's figures at the top of the price's band, cached per shop, seller, marketplace, SKU
// and band; 20 per call within the usage plan; a failed item is that item's error.
import { money, type FeeEstimate, type RemoteConnector } from '@calibr/shared-contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEE_ESTIMATE_TTL_MS, estimateFees, priceBand } from '../src/pricing/fee-estimates';
import { sellerClient } from '../src/integrations/integration-store';
import { DEMO_SELLER, US, connectDemoSeller, control, remoteConnector, sandboxLog, startHarness, type Harness } from './support/harness';

export function feeEstimateSuite(provider: 'sqlite' | 'postgresql'): void {
  let h: Harness;
  let shop: RemoteConnector;
  let mfnSku = '';
  let afnSku = '';
  const SHOP = 'fees-shop.myshopify.com';
  const OTHER_SHOP = 'fees-other-shop.myshopify.com';
  const FEES_PATH = '/products/fees/v0/feesEstimate';

  /** getMyFeesEstimates requests the sandbox saw after log entry `since`, with their status. */
  async function feeRequests(since: number) {
    const { entries } = await sandboxLog(h.sandbox, { since, kind: 'request', path: FEES_PATH });
    return entries.filter((e) => e.path === FEES_PATH);
  }
  /**
   * The calls Amazon answered. The service spaces its calls by the usage plan, but its clock and Amazon's
   * differ by the network's jitter, so a call can still meet a 429 now and then: that one is retried.
   */
  const feeCalls = async (since: number) => (await feeRequests(since)).filter((e) => e.status !== 429);
  const mark = async () => (await sandboxLog(h.sandbox, { limit: 1 })).lastId;
  const usd = (amount: string) => money(amount, 'USD');
  const ok = (e: FeeEstimate | undefined) => {
    expect(e?.error, JSON.stringify(e?.error)).toBeUndefined();
    return e!;
  };

  beforeAll(async () => {
    // getMyFeesEstimates is 0.5/s burst 1; both clocks 10x faster keep the test short, the plan still applies.
    h = await startHarness({ provider, sandbox: { timeScale: 10 }, service: { timeScale: 10 } });
    await connectDemoSeller(h, SHOP);
    await connectDemoSeller(h, OTHER_SHOP);
    shop = await remoteConnector(h, SHOP);
    const { listings } = await control<{ listings: { sku: string; fulfillmentChannelCode: string; offers: { marketplaceId: string }[] }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
    const inUs = listings.filter((l) => l.offers.some((o) => o.marketplaceId === US));
    mfnSku = inUs.find((l) => l.fulfillmentChannelCode === 'DEFAULT')!.sku;
    afnSku = inUs.find((l) => l.fulfillmentChannelCode.startsWith('AMAZON'))!.sku;
  });
  afterAll(async () => h?.close());

  describe('price bands', () => {
    it('cut the minor units to three significant digits; under 10.00 every cent is its own band', () => {
      expect(priceBand(usd('19.99'))).toEqual({ floor: usd('19.90'), top: usd('19.99') });
      expect(priceBand(usd('20.00'))).toEqual({ floor: usd('20.00'), top: usd('20.09') });
      expect(priceBand(usd('149.95'))).toEqual({ floor: usd('149.00'), top: usd('149.99') });
      expect(priceBand(usd('9.99'))).toEqual({ floor: usd('9.99'), top: usd('9.99') });
      expect(priceBand(money('1500', 'JPY'))).toEqual({ floor: money('1500', 'JPY'), top: money('1509', 'JPY') });
    });
  });

  describe('getFeeEstimates through the Amazon connector', () => {
    it('declares the capability and answers from Amazon at the top of the band: referral 15 %, FBA fee for the AFN SKU', async () => {
      expect(shop.capabilities).toMatchObject({ feeEstimates: true, maxFeeBatch: 20 });
      const since = await mark();
      const { estimates } = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items: [{ externalId: mfnSku, price: usd('20.00') }, { externalId: afnSku, price: usd('20.00') }] });
      expect(estimates.map((e) => e.externalId)).toEqual([mfnSku, afnSku]);
      // Asked at 20.09 (the band 20.00–20.09): 15 % is 3.0135, 3.01 to the cent.
      const mfn = ok(estimates[0]);
      expect(mfn.price).toEqual(usd('20.00'));
      expect(mfn.total).toEqual(usd('3.01'));
      expect(mfn.fees).toContainEqual({ type: 'ReferralFee', amount: usd('3.01') });
      expect(mfn.fees.find((f) => f.type === 'FBAFees')).toBeUndefined();
      const afn = ok(estimates[1]);
      expect(afn.total).toEqual(usd('6.23'));
      expect(afn.fees).toContainEqual({ type: 'FBAFees', amount: usd('3.22') });
      expect(await feeCalls(since)).toHaveLength(1);
    });

    it('answers again from its cache (no second Amazon call) within the band, and asks Amazon for a price outside it', async () => {
      const items = [{ externalId: mfnSku, price: usd('30.00') }];
      const first = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items });
      const since = await mark();
      const again = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items });
      expect(again).toEqual(first);
      const sameBand = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items: [{ externalId: mfnSku, price: usd('30.07') }] });
      expect(ok(sameBand.estimates[0]).total).toEqual(first.estimates[0]!.total);
      expect(sameBand.estimates[0]!.price).toEqual(usd('30.07'));
      expect(await feeCalls(since)).toHaveLength(0);

      const outside = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items: [{ externalId: mfnSku, price: usd('30.10') }] });
      expect(ok(outside.estimates[0]).total).toEqual(usd('4.53')); // 15 % of 30.19
      expect(await feeCalls(since)).toHaveLength(1);
      // A fulfilment asked for explicitly is its own entry.
      const asAfn = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items: [{ externalId: mfnSku, price: usd('30.00'), fulfillment: 'AFN' }] });
      expect(ok(asAfn.estimates[0]).total).toEqual(usd('7.73'));
      expect(await feeCalls(since)).toHaveLength(2);
    });

    it('one shop\'s cache never answers another\'s, even for the same seller and SKU', async () => {
      const items = [{ externalId: mfnSku, price: usd('40.00') }];
      await shop.pricing.getFeeEstimates!({ marketplaceId: US, items });
      const since = await mark();
      const other = await remoteConnector(h, OTHER_SHOP);
      const answer = await other.pricing.getFeeEstimates!({ marketplaceId: US, items });
      expect(ok(answer.estimates[0]).total).toEqual(usd('6.01'));
      expect(await feeCalls(since)).toHaveLength(1);
      const rows = await h.database.db.amazonFeeEstimate.findMany({ where: { sku: mfnSku, bandFloor: '40.00' } });
      expect(new Set(rows.map((r) => r.projectId)).size).toBe(2);
    });

    it('asks Amazon 20 at a time: 45 new bands are 3 calls, spaced by the usage plan (none throttled), answered in request order', async () => {
      const items = Array.from({ length: 45 }, (_, i) => ({ externalId: i % 2 === 0 ? mfnSku : afnSku, price: usd(`${100 + i}.00`) }));
      const tenant = await h.database.db.amazonTenant.findUniqueOrThrow({ where: { shopDomain: SHOP } });
      const { client } = await sellerClient(h.service.ctx, tenant.id);
      const since = await mark();
      const estimates = await estimateFees(h.service.ctx, { projectId: tenant.id, client, marketplaceId: US }, items);
      expect(estimates.map((e) => [e.externalId, e.price.amount])).toEqual(items.map((i) => [i.externalId, i.price.amount]));
      expect(estimates.every((e) => e.error === undefined)).toBe(true);
      expect((await feeCalls(since)).map((c) => c.status)).toEqual([200, 200, 200]);
      // The calls wait their turn in the seller's bucket for getMyFeesEstimates: Amazon's plan (0.5/s, burst 1)
      // at the sandbox's clock, as Amazon's x-amzn-RateLimit-Limit said; a 429 met through clock jitter is retried.
      const bucket = h.service.ctx.limiter.bucket(client.auth.key, 'getMyFeesEstimates');
      expect([bucket.ratePerSecond, bucket.capacity]).toEqual([0.5 * 10, 1]);
      expect((await feeRequests(since)).filter((c) => c.status === 429).length).toBeLessThanOrEqual(2);
      // Through the contract the caller sends at most maxFeeBatch (20); more is its mistake.
      await expect(shop.pricing.getFeeEstimates!({ marketplaceId: US, items: items.slice(0, 21) })).rejects.toMatchObject({ code: 'validation' });
      const cached = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items: items.slice(0, 20) });
      expect(cached.estimates).toEqual(estimates.slice(0, 20));
      expect(await feeCalls(since)).toHaveLength(3);
    });

    it('waits out a 429 within the usage plan and retries: the items still come back', async () => {
      await control(h.sandbox, 'throttle', { operation: 'getMyFeesEstimates', count: 1 });
      const since = await mark();
      const { estimates } = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items: [{ externalId: mfnSku, price: usd('50.00') }] });
      expect(ok(estimates[0]).total).toEqual(usd('7.51'));
      const statuses = (await feeRequests(since)).map((c) => c.status);
      expect(statuses[0]).toBe(429);
      expect(statuses.at(-1)).toBe(200);
    });

    it('a SKU Amazon can\'t estimate is that item\'s error; a failed call fails its items, never the caller; errors are not cached', async () => {
      await control(h.sandbox, 'fees/fault', { id: afnSku, fault: 'ClientError' });
      const items = [{ externalId: mfnSku, price: usd('60.00') }, { externalId: afnSku, price: usd('60.00') }, { externalId: 'NO-SUCH-SKU', price: usd('60.00') }, { externalId: mfnSku, price: money('60.00', 'CAD') }];
      const { estimates } = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items });
      expect(ok(estimates[0]).total).toEqual(usd('9.01'));
      expect(estimates[1]).toMatchObject({ externalId: afnSku, total: null, fees: [], error: { code: 'InvalidParameterValue' } });
      expect(estimates[2]).toMatchObject({ externalId: 'NO-SUCH-SKU', total: null, error: { code: 'InvalidParameterValue' } });
      expect(estimates[3]).toMatchObject({ total: null, error: { code: 'currency_mismatch' } });

      // Amazon fails the whole call (500, retried a bounded number of times): every item of it is an error.
      await control(h.sandbox, 'fees/fault', { id: afnSku, fault: 'InternalFailure' });
      const failed = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items: [{ externalId: afnSku, price: usd('70.00') }, { externalId: mfnSku, price: usd('70.00') }] });
      expect(failed.estimates.map((e) => e.error?.code)).toEqual(['platform_unavailable', 'platform_unavailable']);

      // Once Amazon answers again, the same items are asked for again (nothing failed was kept).
      await control(h.sandbox, 'fees/fault', { id: afnSku, fault: 'off' });
      const since = await mark();
      const healed = await shop.pricing.getFeeEstimates!({ marketplaceId: US, items: [{ externalId: afnSku, price: usd('60.00') }, { externalId: afnSku, price: usd('70.00') }] });
      expect(healed.estimates.map((e) => ok(e).total)).toEqual([usd('12.23'), usd('13.73')]);
      expect(await feeCalls(since)).toHaveLength(1);
    }, 60_000);

    it('asks Amazon again once an estimate is older than its TTL (24 h), and drops the expired ones', async () => {
      const tenant = await h.database.db.amazonTenant.findUniqueOrThrow({ where: { shopDomain: SHOP } });
      const { client } = await sellerClient(h.service.ctx, tenant.id);
      const scope = { projectId: tenant.id, client, marketplaceId: US };
      const items = [{ externalId: mfnSku, price: usd('80.00') }];
      const [first] = await estimateFees(h.service.ctx, scope, items);
      const since = await mark();
      const inADay = new Date(Date.now() + FEE_ESTIMATE_TTL_MS - 60_000);
      expect(await estimateFees(h.service.ctx, scope, items, { now: () => inADay })).toEqual([first]);
      expect(await feeCalls(since)).toHaveLength(0);
      const later = new Date(Date.now() + FEE_ESTIMATE_TTL_MS + 60_000);
      const [again] = await estimateFees(h.service.ctx, scope, items, { now: () => later });
      expect(again!.total).toEqual(first!.total);
      expect(await feeCalls(since)).toHaveLength(1);
      // Every other estimate of the shop was made "a day ago" by then: gone.
      const left = await h.database.db.amazonFeeEstimate.findMany({ where: { projectId: tenant.id } });
      expect(left.map((r) => r.bandFloor)).toEqual(['80.00']);
    });

    it('erasing the shop erases its cached estimates and no other shop\'s', async () => {
      const before = await h.database.db.amazonFeeEstimate.count();
      const other = await remoteConnector(h, OTHER_SHOP);
      const mine = await h.database.db.amazonFeeEstimate.count({ where: { tenant: { shopDomain: OTHER_SHOP } } });
      expect(mine).toBeGreaterThan(0);
      const report = await other.eraseTenant!();
      expect(report.erased.AmazonFeeEstimate).toBe(mine);
      expect(await h.database.db.amazonFeeEstimate.count()).toBe(before - mine);
    });
  });
}
