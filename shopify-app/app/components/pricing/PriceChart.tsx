// Our price against the Buy Box and the lowest offer over time, with @shopify/polaris-viz (Polaris's own
// charts). The chart library measures the DOM, so it loads in the browser only; the server renders a
// placeholder of the same size.
import { useEffect, useState, type ComponentType } from 'react';
import { Spinner, Text } from '@shopify/polaris';

export interface ChartSeries {
  key: string;
  name: string;
  points: Array<{ at: string; value: string | null }>;
}

type Viz = {
  PolarisVizProvider: ComponentType<{ children: React.ReactNode }>;
  LineChart: ComponentType<Record<string, unknown>>;
};

const COLORS: Record<string, string> = {
  our_amazon: '#2c6ecb',
  our_shopify: '#008060',
  buy_box: '#d72c0d',
  lowest_offer: '#b98900',
};

export function PriceChart({ series, currency, height = 320 }: { series: ChartSeries[]; currency: string | null; height?: number }) {
  const [viz, setViz] = useState<Viz | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    import('@shopify/polaris-viz')
      .then((mod) => alive && setViz(mod as unknown as Viz))
      .catch((error: unknown) => alive && setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      alive = false;
    };
  }, []);
  const points = series[0]?.points.length ?? 0;
  if (points === 0) {
    return (
      <Text as="p" tone="subdued">
        No prices recorded yet: the monitor records our price and the competition as it reads them.
      </Text>
    );
  }
  if (failed) return <Text as="p" tone="critical">The chart could not load: {failed}</Text>;
  if (!viz) {
    return (
      <div style={{ height, display: 'grid', placeItems: 'center' }}>
        <Spinner size="small" accessibilityLabel="Loading the chart" />
      </div>
    );
  }
  const { PolarisVizProvider, LineChart } = viz;
  // The chart plots numbers; the amounts stay decimal strings everywhere else (only drawn here).
  const data = series.map((s) => ({
    name: s.name,
    color: COLORS[s.key],
    data: s.points.map((p) => ({ key: p.at, value: p.value === null ? null : Number(p.value) })),
  }));
  const money = (value: number | string | null) => {
    if (value === null || value === undefined) return '';
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency ?? 'USD' }).format(Number(value));
    } catch {
      return String(value);
    }
  };
  return (
    <div style={{ height }} data-section="price-chart" data-series={series.map((s) => s.key).join(',')}>
      <PolarisVizProvider>
        <LineChart
          data={data}
          theme="Light"
          isAnimated={false}
          showLegend
          xAxisOptions={{ labelFormatter: (key: string | number | null) => (key ? new Date(String(key)).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : '') }}
          yAxisOptions={{ labelFormatter: money }}
          tooltipOptions={{ valueFormatter: money }}
        />
      </PolarisVizProvider>
    </div>
  );
}
