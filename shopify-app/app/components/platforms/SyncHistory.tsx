// Recent sync runs across every platform: what ran, when, how long, how many items, how it ended.
import { Badge, Card, DataTable, EmptyState, Text } from '@shopify/polaris';
import type { SyncRunView } from '../../platforms/platform-sync.server';
import { formatWhen } from './api-client';
import { useShopZone } from '../frame/shop-zone';

function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function SyncHistory({ runs, names }: { runs: SyncRunView[]; names: Record<string, string> }) {
  const zone = useShopZone();
  return (
    <Card padding="0">
      <div style={{ padding: 'var(--p-space-400)' }}>
        <Text as="h2" variant="headingMd">
          Sync history
        </Text>
      </div>
      {runs.length === 0 ? (
        <EmptyState heading="No syncs yet" image="">
          <p>Each sync of each platform is listed here with its items and errors.</p>
        </EmptyState>
      ) : (
        <div data-section="sync-history">
          <DataTable
            columnContentTypes={['text', 'text', 'text', 'text', 'numeric', 'numeric', 'text']}
            headings={['Platform', 'Type', 'Started', 'Duration', 'Synced', 'Failed', 'Result']}
            rows={runs.map((run) => [
              names[run.platform] ?? run.platform,
              run.type,
              formatWhen(run.startedAt, zone),
              duration(run.durationMs),
              run.itemsSynced,
              run.itemsFailed,
              <span key={run.id} title={run.errors.map((e) => e.message).join('\n')}>
                <Badge tone={run.status === 'completed' ? 'success' : run.status === 'failed' ? 'critical' : 'info'}>
                  {run.status === 'started' ? 'Running' : run.status === 'completed' ? 'Completed' : 'Failed'}
                </Badge>
              </span>,
            ])}
          />
        </div>
      )}
    </Card>
  );
}
