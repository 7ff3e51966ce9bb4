// The last sync of a platform: when, what kind, how many items, how it ended, and the first errors.
import { Badge, BlockStack, InlineStack, Spinner, Text } from '@shopify/polaris';
import type { PlatformView } from '../../platforms/platform-status.server';
import { formatWhen } from './api-client';
import { useShopZone } from '../frame/shop-zone';

export function SyncStatus({ view }: { view: PlatformView }) {
  const zone = useShopZone();
  const run = view.sync.lastRun;
  const running = run?.status === 'started' || view.sync.status === 'in_progress';
  if (!run) {
    return (
      <Text as="p" tone="subdued">
        Not synced yet.
      </Text>
    );
  }
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center" wrap>
        {running ? (
          <>
            <Spinner size="small" accessibilityLabel={`${view.displayName} sync in progress`} />
            <Text as="span">Syncing… {run.itemsSynced} items so far</Text>
          </>
        ) : (
          <>
            <Badge tone={run.status === 'completed' ? 'success' : 'critical'}>{run.status === 'completed' ? 'Synced' : 'Sync failed'}</Badge>
            <Text as="span" variant="bodySm" tone="subdued">
              {run.type} · {formatWhen(run.completedAt ?? run.startedAt, zone)}
            </Text>
          </>
        )}
      </InlineStack>
      {!running ? (
        <Text as="p" variant="bodySm">
          {run.itemsSynced} items synced{run.itemsFailed > 0 ? `, ${run.itemsFailed} failed` : ''}
        </Text>
      ) : null}
      {run.errors.slice(0, 2).map((e, i) => (
        <Text as="p" variant="bodySm" tone="critical" key={`${e.code}-${i}`}>
          {e.externalId ? `${e.externalId}: ` : ''}
          {e.message}
        </Text>
      ))}
    </BlockStack>
  );
}
