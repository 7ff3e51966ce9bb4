// The step chart's geometry (components/listings/step-chart.ts): a price holds flat until its next value,
// then moves straight up or down; a gap where nobody held the Buy Box stays a gap; time is a real axis
// (uneven readings keep their spacing); no axis label is repeated.
import { describe, expect, it } from 'vitest';
import { stepChartModel, type StepSeries } from '../../app/components/listings/step-chart';

const money = (v: number) => `$${v.toFixed(2)}`;
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 7, 9, 0) + minutes * 60_000).toISOString();

describe('the step chart model', () => {
  it('draws each series as horizontal then vertical moves, never a slope, on a time axis', () => {
    const series: StepSeries[] = [
      { key: 'our_amazon', name: 'Our price (Amazon)', points: [{ at: at(0), value: '20.00' }, { at: at(10), value: '18.00' }, { at: at(60), value: '18.00' }] },
      { key: 'buy_box', name: 'Buy Box', points: [{ at: at(0), value: '19.00' }, { at: at(10), value: null }, { at: at(60), value: '17.50' }] },
    ];
    const model = stepChartModel(series, { width: 640, height: 280, money });
    const [ours, buyBox] = model.lines;
    // M at the first reading, flat to minute 10 (1/6 of the 564 px plot), down to 18.00, flat to the end.
    expect(ours!.path).toMatch(/^M64 [\d.]+ H158 V[\d.]+ H628 V[\d.]+ H628$/);
    // Nobody held the Buy Box from minute 10 to 60: the line stops there and starts again.
    expect(buyBox!.path).toMatch(/^M64 [\d.]+ H158 M628 [\d.]+ H628$/);
    for (const line of model.lines) expect(line.path.replace(/(^| )M[\d.]+ [\d.]+/g, '')).toMatch(/^( [HV][\d.]+)*$/);
  });

  it('never repeats an axis label, however close the readings or the prices', () => {
    // Four readings within a minute, prices a cent apart: ticks would read the same; they are dropped.
    const series: StepSeries[] = [{ key: 'our_amazon', name: 'Ours', points: [0, 0.2, 0.5, 0.9].map((m, i) => ({ at: at(m), value: `10.0${i}` })) }];
    const model = stepChartModel(series, { width: 640, height: 280, money: (v) => `$${v.toFixed(0)}` });
    for (const ticks of [model.xTicks, model.yTicks]) {
      expect(ticks.length).toBeGreaterThan(0);
      expect(new Set(ticks.map((t) => t.label)).size).toBe(ticks.length);
    }
    // Over several days the labels are dates, each once.
    const days = stepChartModel([{ key: 'buy_box', name: 'Buy Box', points: [0, 60 * 24 * 3, 60 * 24 * 7].map((m) => ({ at: at(m), value: '12.00' })) }], { width: 640, height: 280, money });
    expect(days.xTicks.map((t) => t.label)).toEqual(['Dec 7', 'Dec 9', 'Dec 10', 'Dec 12', 'Dec 14']);
  });

  it('draws nothing without a known value', () => {
    expect(stepChartModel([{ key: 'buy_box', name: 'Buy Box', points: [{ at: at(0), value: null }] }], { width: 640, height: 280, money }).lines).toEqual([]);
  });
});
