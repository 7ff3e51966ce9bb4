// Our price against the Buy Box and the lowest offer over time, for the product page: drawn as steps on a
// time axis, without repeated axis labels (components/listings/StepChart.tsx; polaris-viz's LineChart
// spaces points evenly and curves between them, which misdraws prices that hold until they change).
import { StepChart } from '../listings/StepChart';

export interface ChartSeries {
  key: string;
  name: string;
  points: Array<{ at: string; value: string | null }>;
}

export function PriceChart({ series, currency, height = 320 }: { series: ChartSeries[]; currency: string | null; height?: number }) {
  return <StepChart series={series} currency={currency} height={height} />;
}
