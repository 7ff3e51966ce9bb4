// A dry run's "Why" for one product: the summary and how old the competition it read is, then who the
// rule followed and who it ignored (and why), the fee figures a fee-aware floor came from, and each
// channel's own price.
import { BlockStack, Text } from '@shopify/polaris';
import type { Explanation } from '../../pricing/policy/types';
import { ReadingAge } from './ReadingAge';

type Shown = NonNullable<Explanation['competitors']>['followed'][number];

export interface WhyRow {
  summary: string;
  /** When the competition the decision read was read (null: never). */
  readAt?: string | null;
  competitors: Explanation['competitors'] | null;
  fees: Explanation['fees'] | null;
  channels: Explanation['channels'] | null;
}

function offer(o: Shown): string {
  const who = o.sellerId ?? 'an unnamed seller';
  return `${who} (${o.fulfillment === 'AFN' ? 'FBA' : 'seller-fulfilled'}, ${o.landed})`;
}

export function DryRunWhy({ row }: { row: WhyRow }) {
  const { competitors, fees, channels } = row;
  return (
    <BlockStack gap="100">
      <Text as="span">{row.summary}</Text>
      <ReadingAge readAt={row.readAt} />
      {competitors && competitors.followed.length > 0 && (
        <Text as="span" tone="subdued" data-why="followed">
          Followed: {competitors.followed.map(offer).join('; ')}
        </Text>
      )}
      {competitors && competitors.ignored.length > 0 && (
        <Text as="span" tone="subdued" data-why="ignored">
          Ignored: {competitors.ignored.map((o) => `${offer(o)}: ${o.reason}`).join('; ')}
        </Text>
      )}
      {fees && (
        <Text as="span" tone="subdued" data-why="fees">
          Amazon fees at {fees.price}: {fees.total} ({fees.lines.map((l) => `${l.type} ${l.amount}`).join(', ')}); floor {fees.floor} = {fees.formula}
        </Text>
      )}
      {channels && channels.length > 0 && (
        <Text as="span" tone="subdued" data-why="channels">
          Channels: {channels.map((c) => `${c.platform === 'amazon' ? 'Amazon' : c.platform === 'shopify' ? 'Shopify' : c.platform} ${c.amount ?? 'keeps its price'}`).join(' · ')}
        </Text>
      )}
    </BlockStack>
  );
}
