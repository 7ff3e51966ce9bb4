// The geometry of a price chart drawn as steps: a price holds until it changes, so each series runs
// flat to the time of its next value and then moves straight up or down (never a slope or a curve
// between two readings). Time is a real time axis (readings are uneven), and axis labels are never
// repeated: ticks whose label reads the same as the previous one are dropped. Amounts stay decimal
// strings everywhere else; they become numbers only here, to be drawn.
import { shopClockText, shopDateText } from '../../lib/shop-time';

export interface StepSeries {
  key: string;
  name: string;
  points: ReadonlyArray<{ at: string; value: string | null }>;
}

export interface StepChartModel {
  width: number;
  height: number;
  /** The plot area inside the axes. */
  plot: { left: number; top: number; right: number; bottom: number };
  lines: Array<{ key: string; name: string; path: string }>;
  xTicks: Array<{ x: number; label: string }>;
  yTicks: Array<{ y: number; label: string }>;
}

export interface StepChartOptions {
  width: number;
  height: number;
  /** Formats a y value (the currency's). */
  money: (value: number) => string;
  /** Formats a time for the x axis, given the span shown (ms): hours for a day, dates beyond. */
  time?: (at: number, spanMs: number) => string;
  xTickCount?: number;
  yTickCount?: number;
}

const DAY = 24 * 3600_000;

/** An axis label on the shop's clock (UTC without a zone); the chart names the zone once beside it. */
export function defaultTimeLabel(at: number, spanMs: number, timeZone: string | null = null): string {
  // Readings minutes apart (just after connecting) are told apart by their seconds.
  if (spanMs <= 10 * 60_000) return shopClockText(at, timeZone, true);
  if (spanMs <= 2 * DAY) return shopClockText(at, timeZone);
  return shopDateText(at, timeZone);
}

/** A "nice" step (1, 2 or 5 × 10^k) near range / count. */
function niceStep(range: number, count: number): number {
  const raw = range / Math.max(1, count);
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Drop ticks whose label repeats the previous kept one. */
function distinctLabels<T extends { label: string }>(ticks: T[]): T[] {
  const out: T[] = [];
  for (const tick of ticks) if (out[out.length - 1]?.label !== tick.label) out.push(tick);
  return out;
}

export function stepChartModel(series: readonly StepSeries[], options: StepChartOptions): StepChartModel {
  const { width, height } = options;
  const plot = { left: 64, top: 8, right: width - 12, bottom: height - 28 };
  const times = series.flatMap((s) => s.points.map((p) => Date.parse(p.at))).filter((t) => Number.isFinite(t));
  const values = series.flatMap((s) => s.points.map((p) => (p.value === null ? NaN : Number(p.value)))).filter((v) => Number.isFinite(v));
  if (times.length === 0 || values.length === 0) return { width, height, plot, lines: [], xTicks: [], yTicks: [] };
  const t0 = Math.min(...times);
  const t1 = Math.max(...times) === t0 ? t0 + 3600_000 : Math.max(...times);
  const step = niceStep(Math.max(...values) - Math.min(...values) || Math.max(...values) * 0.1 || 1, options.yTickCount ?? 4);
  const v0 = Math.floor(Math.min(...values) / step) * step;
  const v1 = Math.max(Math.ceil(Math.max(...values) / step) * step, v0 + step);
  const x = (t: number) => plot.left + ((t - t0) / (t1 - t0)) * (plot.right - plot.left);
  const y = (v: number) => plot.bottom - ((v - v0) / (v1 - v0)) * (plot.bottom - plot.top);
  const round = (n: number) => Math.round(n * 10) / 10;

  const lines = series.map((s) => {
    let path = '';
    let drawing = false;
    for (const p of s.points) {
      const px = round(x(Date.parse(p.at)));
      if (p.value === null) {
        // The line stops where the value stops being known (nobody held the Buy Box).
        if (drawing) path += ` H${px}`;
        drawing = false;
        continue;
      }
      const py = round(y(Number(p.value)));
      path += drawing ? ` H${px} V${py}` : `${path ? ' ' : ''}M${px} ${py}`;
      drawing = true;
    }
    if (drawing) path += ` H${round(plot.right)}`;
    return { key: s.key, name: s.name, path };
  });

  const time = options.time ?? defaultTimeLabel;
  const xCount = options.xTickCount ?? 5;
  const xTicks = distinctLabels(Array.from({ length: xCount }, (_, i) => t0 + ((t1 - t0) * i) / (xCount - 1)).map((t) => ({ x: round(x(t)), label: time(t, t1 - t0) })));
  const yValues: number[] = [];
  for (let v = v0; v <= v1 + step / 2; v += step) yValues.push(v);
  const yTicks = distinctLabels(yValues.map((v) => ({ y: round(y(v)), label: options.money(v) })));
  return { width, height, plot, lines, xTicks, yTicks };
}
