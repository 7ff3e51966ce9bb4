// A listing's prices over time as steps: our price per channel, the Buy Box and the lowest eligible offer.
// Plain SVG drawn from step-chart.ts's model, scaled to its container's width (usable on a phone).
import { BlockStack, InlineStack, Text } from '@shopify/polaris';
import { zoneName } from '../../lib/shop-time';
import { useShopZone } from '../frame/shop-zone';
import { defaultTimeLabel, stepChartModel, type StepSeries } from './step-chart';

const COLORS: Record<string, string> = {
  our_amazon: '#2c6ecb',
  our_shopify: '#008060',
  buy_box: '#d72c0d',
  lowest_offer: '#b98900',
};
const FALLBACK = ['#6d7175', '#8051b8', '#0094a8'];

export function StepChart({ series, currency, height = 280 }: { series: readonly StepSeries[]; currency: string | null; height?: number }) {
  const zone = useShopZone();
  const shown = series.filter((s) => s.points.some((p) => p.value !== null));
  if (shown.length === 0) {
    return (
      <Text as="p" tone="subdued">
        No prices recorded yet: the monitor records our price and the competition as it reads them.
      </Text>
    );
  }
  const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency ?? 'USD' });
  const width = 640;
  const model = stepChartModel(shown, { width, height, money: (v) => format.format(v), time: (at, span) => defaultTimeLabel(at, span, zone) });
  const color = (key: string, i: number) => COLORS[key] ?? FALLBACK[i % FALLBACK.length]!;
  return (
    <div data-section="price-chart" data-series={shown.map((s) => s.key).join(',')} style={{ width: '100%' }}>
      <BlockStack gap="200">
        <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="Prices over time, drawn as steps" style={{ display: 'block', overflow: 'visible' }}>
          {model.yTicks.map((t) => (
            <g key={`y${t.label}`} data-axis="y">
              <line x1={model.plot.left} x2={model.plot.right} y1={t.y} y2={t.y} stroke="#e1e3e5" />
              <text x={model.plot.left - 6} y={t.y + 4} textAnchor="end" fontSize="11" fill="#6d7175">
                {t.label}
              </text>
            </g>
          ))}
          {model.xTicks.map((t) => (
            <text key={`x${t.label}`} data-axis="x" x={t.x} y={height - 8} textAnchor="middle" fontSize="11" fill="#6d7175">
              {t.label}
            </text>
          ))}
          {model.lines.map((l, i) => (
            <path key={l.key} data-line={l.key} d={l.path} fill="none" stroke={color(l.key, i)} strokeWidth={2} strokeLinejoin="miter" />
          ))}
        </svg>
        <InlineStack gap="300" wrap>
          {model.lines.map((l, i) => (
            <InlineStack key={l.key} gap="100" blockAlign="center">
              <span style={{ display: 'inline-block', width: 12, height: 3, background: color(l.key, i) }} />
              <Text as="span" variant="bodySm">
                {l.name}
              </Text>
            </InlineStack>
          ))}
          <Text as="span" variant="bodySm" tone="subdued">
            <span data-chart="zone">Times in {zoneName(zone, lastTime(shown))}</span>
          </Text>
        </InlineStack>
      </BlockStack>
    </div>
  );
}

/** The latest time drawn: the zone is named as it was then (PDT or PST). */
function lastTime(series: readonly StepSeries[]): number {
  return Math.max(...series.flatMap((s) => s.points.map((p) => Date.parse(p.at)).filter((t) => !Number.isNaN(t))));
}
