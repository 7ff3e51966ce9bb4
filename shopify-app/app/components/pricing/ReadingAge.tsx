// How old the competition a decision read is: "Competitor prices read 2 min ago", beside a suggestion's
// or a dry run's "why". The explanation stores when (inputs.readAt); the age is worded where it is shown.
import { Text } from '@shopify/polaris';
import { useShopZone } from '../frame/shop-zone';
import { freshnessLabel } from '../listings/labels';

export function ReadingAge({ readAt, now }: { readAt: string | null | undefined; now?: number }) {
  const zone = useShopZone();
  // Nothing stored (an older suggestion, a fixed price read nowhere): the summary says what there is.
  if (!readAt) return null;
  return (
    <Text as="span" variant="bodySm" tone="subdued">
      {/* The server's and the browser's clocks word the age a moment apart: the browser's wins. */}
      <span data-why="read" suppressHydrationWarning>
        Competitor prices {freshnessLabel(readAt, now ?? Date.now(), 'read ', zone)}
      </span>
    </Text>
  );
}
