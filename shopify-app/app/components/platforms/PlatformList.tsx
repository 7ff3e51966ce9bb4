// The platforms side by side: one column on a phone, two on a tablet, three on a wide screen.
import { InlineGrid } from '@shopify/polaris';
import type { PlatformView } from '../../platforms/platform-status.server';
import { PlatformCard } from './PlatformCard';

export function PlatformList({ platforms, checking, onChanged }: { platforms: PlatformView[]; checking: boolean; onChanged: () => void }) {
  return (
    <InlineGrid columns={{ xs: 1, md: 2, lg: 3 }} gap="400">
      {platforms.map((view) => (
        <PlatformCard key={view.platform} view={view} checking={checking} onChanged={onChanged} />
      ))}
    </InlineGrid>
  );
}
