// The kit must fail connectors that break a rule, and name the rule. Each broken connector bends one
// behaviour of the reference connector; the kit runs programmatically and we assert on its report.
import { describe, expect, it } from 'vitest';
import { formatReport, runConformance, type CheckId } from '../../src/conformance/run';
import {
  DoubleApplyConnector,
  FloatMoneyConnector,
  KeepsTenantConnector,
  NoUpdateResultConnector,
  UnmarkedOwnOffersConnector,
  SwallowsRateLimitConnector,
  WholeBatchFailsConnector,
  WrongFeeTotalConnector,
  ThrowsForUnknownFeeItemConnector,
  ConsumingOfferChangesConnector,
  UnlimitedOfferChangesConnector,
  MissingOfferChangesConnector,
  UnaskedPricingHealthConnector,
} from '../reference/broken-connectors';
import { defaultCompetition, defaultFeeSchedule } from '../../src/reference/catalog';
import { referenceConformanceOptions } from '../../src/reference/fixtures';
import { ReferenceConnector, type ReferenceConnectorOptions } from '../../src/reference/in-memory-connector';
import { remoteConformanceOptions, startRemoteHarness } from '../reference/remote-harness';

async function failuresOf(make: (o: ReferenceConnectorOptions) => ReferenceConnector, mode: 'synchronous' | 'asynchronous' = 'synchronous') {
  const report = await runConformance(referenceConformanceOptions(make, { mode }));
  return { failures: [...report.failures].sort(), report };
}

describe('conformance kit catches broken connectors', () => {
  it('passes the reference connector with no failures and no skips', async () => {
    const { report } = await failuresOf((o) => new ReferenceConnector(o));
    expect(report.failed, formatReport(report)).toBe(0);
    expect(report.skipped).toBe(0);
  });

  it('fails a connector that applies a retried update twice', async () => {
    const { failures, report } = await failuresOf((o) => new DoubleApplyConnector(o));
    // It keeps no record per key either, so getUpdateResult can't answer.
    expect(failures, formatReport(report)).toEqual<CheckId[]>(['idempotency-key-reuse', 'idempotent-retry', 'update-result']);
    const retry = report.results.find((r) => r.id === 'idempotent-retry');
    expect(retry?.message).toMatch(/retried result|applied again/);
  });

  it('also fails it in asynchronous (feed) mode, where the replay would queue a second feed', async () => {
    const { failures, report } = await failuresOf((o) => new DoubleApplyConnector(o), 'asynchronous');
    expect(failures, formatReport(report)).toContain('idempotent-retry');
  });

  it('fails a connector that fails the whole batch for one bad item', async () => {
    const { failures, report } = await failuresOf((o) => new WholeBatchFailsConnector(o));
    expect(failures, formatReport(report)).toEqual<CheckId[]>(['batch-per-item-failures']);
    expect(report.results.find((r) => r.id === 'batch-per-item-failures')?.message).toMatch(/valid item 0/);
  });

  it('fails a connector that accepts float or exponent money', async () => {
    const { failures, report } = await failuresOf((o) => new FloatMoneyConnector(o));
    expect(failures, formatReport(report)).toEqual<CheckId[]>(['invalid-money']);
    const message = report.results.find((r) => r.id === 'invalid-money')?.message ?? '';
    expect(message).toContain('a float number');
    expect(message).toContain('exponent notation');
  });

  it('fails a connector whose eraseTenant leaves the tenant connected', async () => {
    const { failures, report } = await failuresOf((o) => new KeepsTenantConnector(o));
    expect(failures, formatReport(report)).toEqual<CheckId[]>(['erase-tenant']);
    expect(report.results.find((r) => r.id === 'erase-tenant')?.message).toMatch(/still true after eraseTenant/);
  });

  it('fails a connector that hides rate limits behind a generic error', async () => {
    const { failures, report } = await failuresOf((o) => new SwallowsRateLimitConnector(o));
    expect(failures, formatReport(report)).toEqual<CheckId[]>(['rate-limit', 'rate-limit-retry']);
  });

  it('fails a connector whose competitive offers leave ours unmarked', async () => {
    const report = await runConformance(referenceConformanceOptions((o) => new UnmarkedOwnOffersConnector(o), { competition: defaultCompetition() }));
    expect([...report.failures].sort(), formatReport(report)).toEqual<CheckId[]>(['competitive-offers']);
    expect(report.results.find((r) => r.id === 'competitive-offers')?.message).toMatch(/isOurs/);
  });

  it('fails a connector whose fee total is not the sum of its lines, and one that throws for an unknown item', async () => {
    const wrong = await runConformance(referenceConformanceOptions((o) => new WrongFeeTotalConnector(o), { fees: defaultFeeSchedule() }));
    expect([...wrong.failures], formatReport(wrong)).toEqual<CheckId[]>(['fee-estimates']);
    expect(wrong.results.find((r) => r.id === 'fee-estimates')?.message).toMatch(/sum of its/);
    const throws = await runConformance(referenceConformanceOptions((o) => new ThrowsForUnknownFeeItemConnector(o), { fees: defaultFeeSchedule() }));
    expect([...throws.failures], formatReport(throws)).toEqual<CheckId[]>(['fee-estimates']);
  });

  it('fails a connector whose offer changes are consumed by reading, one that ignores limit, one without the operation it declares', async () => {
    for (const [make, message] of [
      [(o: ReferenceConnectorOptions) => new ConsumingOfferChangesConnector(o), /same after/],
      [(o: ReferenceConnectorOptions) => new UnlimitedOfferChangesConnector(o), /limit 1/],
      [(o: ReferenceConnectorOptions) => new MissingOfferChangesConnector(o), /getOfferChanges is missing/],
    ] as const) {
      const report = await runConformance(referenceConformanceOptions(make, { offerChanges: {} }), { only: ['offer-changes'] });
      expect([...report.failures], formatReport(report)).toEqual<CheckId[]>(['offer-changes']);
      expect(report.results[0]?.message).toMatch(message);
    }
    // The operation without the capability.
    const sneaky = await runConformance(
      referenceConformanceOptions((o) => {
        const c = new ReferenceConnector(o);
        (c.pricing as { getOfferChanges?: unknown }).getOfferChanges = async () => ({ changes: [], cursor: null, status: { state: 'off', lastReceivedAt: null } });
        return c;
      }),
      { only: ['offer-changes'] },
    );
    expect(sneaky.results[0]?.message, formatReport(sneaky)).toMatch(/capabilities.offerChanges is false/);
    // Without the hook only the end of the feed is checked, and the check says it skipped the rest.
    const { announceOfferChange: _omit, ...withoutHook } = referenceConformanceOptions(undefined, { offerChanges: {} });
    const skipped = await runConformance(withoutHook, { only: ['offer-changes'] });
    expect(skipped.skipped, formatReport(skipped)).toBe(1);
  });

  it('fails a connector that hands out pricing health unasked; skips the announcement without its hook', async () => {
    const unasked = await runConformance(referenceConformanceOptions((o) => new UnaskedPricingHealthConnector(o), { offerChanges: {} }), { only: ['offer-changes-pricing-health'] });
    expect([...unasked.failures], formatReport(unasked)).toEqual<CheckId[]>(['offer-changes-pricing-health']);
    expect(unasked.results[0]?.message).toMatch(/without being asked/);
    const { announcePricingHealth: _omit, ...withoutHook } = referenceConformanceOptions(undefined, { offerChanges: {} });
    const skipped = await runConformance(withoutHook, { only: ['offer-changes-pricing-health'] });
    expect(skipped.skipped, formatReport(skipped)).toBe(1);
    // Without the capability, `include` is ignored and the check passes.
    const off = await runConformance(referenceConformanceOptions(undefined, { offerChanges: { pricingHealth: false } }), { only: ['offer-changes-pricing-health'] });
    expect([...off.failures], formatReport(off)).toEqual([]);
  });

  it('fails a connector whose updates settle later but that has no getUpdateResult', async () => {
    const report = await runConformance(referenceConformanceOptions((o) => new NoUpdateResultConnector(o)));
    expect([...report.failures].sort(), formatReport(report)).toEqual<CheckId[]>(['batch-sizes', 'update-result']);
  });

  it('runs the competitive offers check only against what a connector declares', async () => {
    const report = await runConformance(referenceConformanceOptions((o) => new ReferenceConnector(o), { competition: defaultCompetition() }), { only: ['competitive-offers'] });
    expect(report.passed, formatReport(report)).toBe(1);
    const { competitiveItem: _omit, ...fixtures } = referenceConformanceOptions().fixtures;
    const skipped = await runConformance({ ...referenceConformanceOptions(undefined, { competition: defaultCompetition() }), fixtures }, { only: ['competitive-offers'] });
    expect(skipped.skipped, formatReport(skipped)).toBe(1);
  });

  it('reports checks it cannot run as skipped, not passed', async () => {
    const options = referenceConformanceOptions();
    const { simulateRateLimit: _omit, ...withoutHook } = options;
    const report = await runConformance({ ...withoutHook, fixtures: { ...options.fixtures, invalidCredentials: undefined } });
    expect(report.results.filter((r) => r.status === 'skipped').map((r) => r.id).sort()).toEqual([
      'auth-invalid-credentials',
      'rate-limit',
      'rate-limit-retry',
    ]);
    expect(report.failed).toBe(0);
  });

  it('catches a broken connector behind the HTTP hop too (double apply, served remotely)', async () => {
    const harness = await startRemoteHarness({}, (o) => new DoubleApplyConnector(o));
    try {
      const report = await runConformance(remoteConformanceOptions(harness), {
        only: ['idempotent-retry', 'idempotency-key-reuse', 'price-update'],
      });
      expect([...report.failures].sort(), formatReport(report)).toEqual(['idempotency-key-reuse', 'idempotent-retry']);
      expect(report.passed).toBe(1);
    } finally {
      await harness.close();
    }
  });
});
