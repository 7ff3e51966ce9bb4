// Fee estimates (`pricing.getFeeEstimates`): the reference connector's fee schedule, the batch size rule,
// the output schema, the remote route (real HTTP on port 0) and the conformance check's failure messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROBLEM_CONTENT_TYPE,
  type ConnectorCapabilities,
  ValidationError,
  feeBatchSize,
  feeEstimateSchema,
  money,
  routePath,
  signRequest,
  type FeeEstimatesRequest,
  type FeeEstimatesResult,
  type PricingOperations,
} from '../../src';
import { formatReport, runConformance } from '../../src/conformance/run';
import { REFERENCE_CREDENTIALS, defaultFeeSchedule } from '../../src/reference/catalog';
import { referenceConformanceOptions } from '../../src/reference/fixtures';
import { ReferenceConnector, type ReferenceConnectorOptions } from '../../src/reference/in-memory-connector';
import { TEST_SECRET, startRemoteHarness, type RemoteHarness } from '../reference/remote-harness';

const usd = (amount: string) => money(amount, 'USD');

async function connected(options: ReferenceConnectorOptions = { fees: defaultFeeSchedule() }) {
  const connector = new ReferenceConnector(options);
  await connector.authenticate(REFERENCE_CREDENTIALS);
  return connector;
}

describe('feeBatchSize', () => {
  it('defaults to 20 items, keeps a declared size and never goes below one', () => {
    expect(feeBatchSize({})).toBe(20);
    expect(feeBatchSize({ maxFeeBatch: 5 })).toBe(5);
    expect(feeBatchSize({ maxFeeBatch: 0 })).toBe(1);
    expect(feeBatchSize({ maxFeeBatch: -3 })).toBe(1);
  });
});

describe('reference connector fee schedule', () => {
  it('has neither the capability nor the operation without a schedule', async () => {
    const plain = await connected({});
    expect(plain.capabilities.feeEstimates).toBeUndefined();
    expect(plain.pricing.getFeeEstimates).toBeUndefined();
  });

  it('counts shipping in the referral fee and adds the fulfilment fee for AFN only', async () => {
    const connector = await connected();
    expect(connector.capabilities).toMatchObject({ feeEstimates: true, maxFeeBatch: 20 });
    const { estimates } = await connector.pricing.getFeeEstimates!({
      items: [
        { externalId: 'ref-listing-1a', price: usd('100.00'), shipping: usd('10.00'), fulfillment: 'AFN' },
        { externalId: 'ref-listing-1a', price: usd('100.00'), fulfillment: 'MFN' },
        { externalId: 'ref-listing-1b', price: usd('19.99') },
      ],
    });
    expect(estimates.map((e) => e.fees)).toEqual([
      [
        { type: 'ReferralFee', amount: usd('16.50') },
        { type: 'FulfillmentFee', amount: usd('3.22') },
      ],
      [{ type: 'ReferralFee', amount: usd('15.00') }],
      // 15 % of 19.99 is 2.9985, half-up to the cent.
      [{ type: 'ReferralFee', amount: usd('3.00') }],
    ]);
    expect(estimates.map((e) => e.total)).toEqual([usd('19.72'), usd('15.00'), usd('3.00')]);
    expect(estimates.every((e) => e.error === undefined)).toBe(true);
  });

  it('answers an unknown listing and shipping in another currency as item errors, the other items still estimated', async () => {
    const connector = await connected();
    const { estimates } = await connector.pricing.getFeeEstimates!({
      items: [
        { externalId: 'no-such-sku', price: usd('10.00') },
        { externalId: 'ref-listing-1a', price: usd('10.00'), shipping: money('2.00', 'EUR') },
        { externalId: 'ref-listing-1a', price: usd('10.00') },
      ],
    });
    expect(estimates[0]).toMatchObject({ externalId: 'no-such-sku', total: null, fees: [], error: { code: 'NotFound' } });
    expect(estimates[1]).toMatchObject({ total: null, fees: [], error: { code: 'InvalidCurrency', message: expect.stringMatching(/price's currency/) } });
    expect(estimates[2]).toMatchObject({ total: usd('1.50') });
    expect(estimates[2]!.error).toBeUndefined();
  });

  it('estimates an AFN item priced in a currency the schedule has no fulfilment fee for with the referral fee alone, in that currency', async () => {
    const connector = await connected();
    const [estimate] = (await connector.pricing.getFeeEstimates!({ items: [{ externalId: 'ref-listing-1a', price: money('40.00', 'GBP'), fulfillment: 'AFN' }] })).estimates;
    expect(estimate!.fees).toEqual([{ type: 'ReferralFee', amount: money('6.00', 'GBP') }]);
    expect(estimate!.total).toEqual(money('6.00', 'GBP'));
  });

  it('refuses a malformed request as a whole: too many items, bad money, a missing externalId, no items', async () => {
    const connector = await connected();
    const estimate = (request: unknown) => connector.pricing.getFeeEstimates!(request as FeeEstimatesRequest);
    const one = { externalId: 'ref-listing-1a', price: usd('10.00') };
    await expect(estimate({ items: Array.from({ length: 21 }, () => one) })).rejects.toMatchObject({
      name: 'ValidationError',
      errors: [expect.objectContaining({ path: 'request.items', code: 'too_big' })],
    });
    await expect(estimate({ items: Array.from({ length: 20 }, () => one) })).resolves.toMatchObject({ estimates: expect.any(Array) });
    await expect(estimate({ items: [{ externalId: 'ref-listing-1a', price: { amount: '1.999', currency: 'USD' } }] })).rejects.toBeInstanceOf(ValidationError);
    await expect(estimate({ items: [{ price: usd('10.00') }] })).rejects.toBeInstanceOf(ValidationError);
    await expect(estimate({ items: [] })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('feeEstimateSchema (what a connector may answer)', () => {
  const good = { externalId: 'sku-1', price: usd('10.00'), total: usd('1.50'), fees: [{ type: 'ReferralFee', amount: usd('1.50') }], estimatedAt: '2026-12-07T08:00:00.000Z' };

  it('accepts a total, or an error and no total', () => {
    expect(feeEstimateSchema.safeParse(good).success).toBe(true);
    expect(feeEstimateSchema.safeParse({ ...good, total: null, fees: [], error: { code: 'NotFound', message: 'no listing' } }).success).toBe(true);
  });

  it.each([
    ['a fee in another currency', { ...good, fees: [{ type: 'ReferralFee', amount: money('1.50', 'EUR') }] }, /price's currency/],
    ['a total in another currency', { ...good, total: money('1.50', 'EUR') }, /price's currency/],
    ['both a total and an error', { ...good, error: { code: 'NotFound', message: 'no listing' } }, /a total, or an error/],
    ['neither a total nor an error', { ...good, total: null }, /a total, or an error/],
    ['a non-canonical amount', { ...good, total: { amount: '1.5', currency: 'USD' } }, /canonical/],
    ['a number for money', { ...good, total: 1.5 }, /./],
  ])('refuses %s', (_label, answer, message) => {
    const parsed = feeEstimateSchema.safeParse(answer);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).join('; ')).toMatch(message);
  });
});

describe('remote fee-estimates route', () => {
  let withFees: RemoteHarness;
  let withoutFees: RemoteHarness;
  beforeAll(async () => {
    withFees = await startRemoteHarness({ fees: defaultFeeSchedule() });
    withoutFees = await startRemoteHarness();
  });
  afterAll(async () => {
    await withFees.close();
    await withoutFees.close();
  });

  /** A signed POST to the fee-estimates route, with any body (so we can send what no typed client would). */
  async function post(harness: RemoteHarness, tenantId: string, body: string | undefined) {
    const path = routePath('getFeeEstimates');
    const headers = signRequest({ method: 'POST', path, tenantId, body, secret: TEST_SECRET });
    const response = await fetch(`${harness.baseUrl}${path}`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
    return { status: response.status, type: response.headers.get('content-type'), json: (await response.json()) as { type?: string; errors?: { path: string; code: string }[] } };
  }

  async function connectedTenant(harness: RemoteHarness) {
    const client = harness.client();
    await client.authenticate(REFERENCE_CREDENTIALS);
    return { client, tenantId: harness.tenantOf(client) };
  }

  it('serves estimates through RemoteConnector, item errors included', async () => {
    const { client } = await connectedTenant(withFees);
    expect(client.capabilities.feeEstimates).toBe(true);
    const answer = await client.pricing.getFeeEstimates!({
      items: [
        { externalId: 'ref-listing-1a', price: usd('100.00'), fulfillment: 'AFN' },
        { externalId: 'no-such-sku', price: usd('100.00') },
      ],
    });
    expect(answer.estimates[0]!.total).toEqual(usd('18.22'));
    expect(answer.estimates[1]).toMatchObject({ total: null, error: { code: 'NotFound' } });
  });

  it.each([
    // Within the route's bound, so the connector refuses it against its own maxFeeBatch.
    ['too many items (over the connector\'s maxFeeBatch)', { items: Array.from({ length: 21 }, () => ({ externalId: 'ref-listing-1a', price: usd('1.00') })) }, 'request.items', 'too_big'],
    ['more items than any request may carry', { items: Array.from({ length: 1001 }, () => ({ externalId: 'ref-listing-1a', price: usd('1.00') })) }, 'items', 'too_big'],
    ['money with too many decimals', { items: [{ externalId: 'ref-listing-1a', price: { amount: '1.999', currency: 'USD' } }] }, 'items[0].price.amount', 'too_many_decimals'],
    ['money as a float', { items: [{ externalId: 'ref-listing-1a', price: { amount: 1.5, currency: 'USD' } }] }, 'items[0].price.amount', 'invalid_type'],
    ['no externalId', { items: [{ price: usd('1.00') }] }, 'items[0].externalId', 'invalid_type'],
  ] as const)('answers a request with %s as a 400 validation problem', async (_label, body, path, code) => {
    const { tenantId } = await connectedTenant(withFees);
    const r = await post(withFees, tenantId, JSON.stringify(body));
    expect(r.status).toBe(400);
    expect(r.type).toBe(PROBLEM_CONTENT_TYPE);
    expect(r.json.type).toBe('urn:calibr:problem:validation');
    expect(r.json.errors).toContainEqual(expect.objectContaining({ path, code }));
  });

  it('answers a body that is a JSON array, not an object, as a validation problem', async () => {
    const { tenantId } = await connectedTenant(withFees);
    const r = await post(withFees, tenantId, JSON.stringify([{ externalId: 'ref-listing-1a', price: usd('1.00') }]));
    expect(r.status).toBe(400);
    expect(r.json.errors).toContainEqual(expect.objectContaining({ path: 'body', code: 'invalid_json' }));
  });

  it('answers an empty body as a validation problem naming the missing items', async () => {
    const { tenantId } = await connectedTenant(withFees);
    const r = await post(withFees, tenantId, undefined);
    expect(r.status).toBe(400);
    expect(r.json.errors).toContainEqual(expect.objectContaining({ path: 'items' }));
  });

  it('answers 404 on a connector without fee estimates, and its RemoteConnector has no getFeeEstimates', async () => {
    const { client, tenantId } = await connectedTenant(withoutFees);
    expect(client.pricing.getFeeEstimates).toBeUndefined();
    const r = await post(withoutFees, tenantId, JSON.stringify({ items: [{ externalId: 'ref-listing-1a', price: usd('1.00') }] }));
    expect(r.status).toBe(404);
    expect(r.type).toBe(PROBLEM_CONTENT_TYPE);
  });
});

/** Declares `feeEstimates` false but still offers the operation. */
class UndeclaredFeesConnector extends ReferenceConnector {
  constructor(options: ReferenceConnectorOptions = {}) {
    super(options);
    const { maxFeeBatch: _max, ...rest } = this.capabilities;
    (this as { capabilities: ConnectorCapabilities }).capabilities = { ...rest, feeEstimates: false };
  }
}

/** Declares `feeEstimates` but has no operation. */
class MissingFeesOperationConnector extends ReferenceConnector {
  constructor(options: ReferenceConnectorOptions = {}) {
    super(options);
    const { getFeeEstimates: _dropped, ...rest } = this.pricing;
    (this as { pricing: PricingOperations }).pricing = rest;
  }
}

/** Fails every item, known listings included. */
class FailsEveryFeeItemConnector extends ReferenceConnector {
  protected override async estimateFees(request: FeeEstimatesRequest): Promise<FeeEstimatesResult> {
    const answer = await super.estimateFees(request);
    return { estimates: answer.estimates.map((e) => ({ ...e, total: null, fees: [], error: e.error ?? { code: 'QuotaExceeded', message: 'try later' } })) };
  }
}

/** Accepts any batch size: never refuses more than maxFeeBatch. */
class UnboundedFeeBatchConnector extends ReferenceConnector {
  protected override async estimateFees(request: FeeEstimatesRequest): Promise<FeeEstimatesResult> {
    const chunks = [];
    for (let i = 0; i < request.items.length; i += 20) chunks.push(await super.estimateFees({ ...request, items: request.items.slice(i, i + 20) }));
    return { estimates: chunks.flatMap((c) => c.estimates) };
  }
}

describe('conformance fee-estimates check', () => {
  async function feeCheck(make: (o: ReferenceConnectorOptions) => ReferenceConnector) {
    const report = await runConformance(referenceConformanceOptions(make, { fees: defaultFeeSchedule() }), { only: ['fee-estimates'] });
    return { report, result: report.results.find((r) => r.id === 'fee-estimates')! };
  }

  it.each([
    ['offers getFeeEstimates without declaring it', (o: ReferenceConnectorOptions) => new UndeclaredFeesConnector(o), /present but capabilities\.feeEstimates is false/],
    ['declares feeEstimates without the operation', (o: ReferenceConnectorOptions) => new MissingFeesOperationConnector(o), /getFeeEstimates is missing/],
    ['fails a known listing', (o: ReferenceConnectorOptions) => new FailsEveryFeeItemConnector(o), /estimate 0 \(ref-listing-1a\) failed: QuotaExceeded: try later/],
    ['accepts more than maxFeeBatch items', (o: ReferenceConnectorOptions) => new UnboundedFeeBatchConnector(o), /21 items/],
  ])('fails a connector that %s, and says why', async (_label, make, message) => {
    const { report, result } = await feeCheck(make);
    expect(result.status, formatReport(report)).toBe('failed');
    expect(result.message).toMatch(message);
  });

  it('asks for the fixture listing\'s marketplace in every estimate call', async () => {
    const asked: (string | undefined)[] = [];
    class RecordsMarketplace extends ReferenceConnector {
      protected override async estimateFees(request: FeeEstimatesRequest): Promise<FeeEstimatesResult> {
        asked.push(request.marketplaceId);
        return super.estimateFees(request);
      }
    }
    const options = referenceConformanceOptions((o) => new RecordsMarketplace(o), { fees: defaultFeeSchedule() });
    const fixtures = { ...options.fixtures, listing: { ...options.fixtures.listing, marketplaceId: 'ATVPDKIKX0DER' } };
    const report = await runConformance({ ...options, fixtures }, { only: ['fee-estimates'] });
    expect(report.passed, formatReport(report)).toBe(1);
    // The estimate and the over-sized batch, both for the listing's marketplace.
    expect(asked).toEqual(['ATVPDKIKX0DER', 'ATVPDKIKX0DER']);
  });

  it('passes a connector with neither the capability nor the operation', async () => {
    const report = await runConformance(referenceConformanceOptions(), { only: ['fee-estimates'] });
    expect(report.passed, formatReport(report)).toBe(1);
  });
});
