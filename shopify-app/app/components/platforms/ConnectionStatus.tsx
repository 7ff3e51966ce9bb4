// A platform's connection and health: one badge each, the account, and what the health check said.
// While the live check is running the health shows a spinner, not a guess.
import { Badge, BlockStack, InlineStack, Spinner, Text } from '@shopify/polaris';
import type { PlatformView } from '../../platforms/platform-status.server';

const CONNECTION: Record<PlatformView['connection']['status'], { label: string; tone?: 'success' | 'critical' | 'warning' | 'attention' }> = {
  connected: { label: 'Connected', tone: 'success' },
  not_connected: { label: 'Not connected' },
  disconnected: { label: 'Disconnected', tone: 'warning' },
  needs_reconnect: { label: 'Reconnect needed', tone: 'critical' },
  error: { label: 'Error', tone: 'critical' },
};

const HEALTH: Record<PlatformView['health']['status'], { label: string; tone?: 'success' | 'critical' | 'warning' }> = {
  healthy: { label: 'Healthy', tone: 'success' },
  degraded: { label: 'Degraded', tone: 'warning' },
  unavailable: { label: 'Unavailable', tone: 'critical' },
  unknown: { label: 'Not checked' },
};

export function ConnectionStatus({ view, checking }: { view: PlatformView; checking: boolean }) {
  const connection = CONNECTION[view.connection.status];
  const health = HEALTH[view.health.status];
  const showHealth = view.connection.status === 'connected' || view.health.status === 'unavailable';
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center" wrap>
        <Badge tone={connection.tone} progress={view.connection.status === 'connected' ? 'complete' : 'incomplete'}>
          {connection.label}
        </Badge>
        {checking ? (
          <InlineStack gap="100" blockAlign="center">
            <Spinner size="small" accessibilityLabel={`Checking ${view.displayName}`} />
            <Text as="span" tone="subdued" variant="bodySm">
              Checking…
            </Text>
          </InlineStack>
        ) : showHealth ? (
          <span data-health={view.health.status}>
            <Badge tone={health.tone}>{health.label}</Badge>
          </span>
        ) : null}
      </InlineStack>
      {view.connection.accountId ? (
        <Text as="p" variant="bodySm" tone="subdued">
          Account {view.connection.accountId}
        </Text>
      ) : null}
      {!checking && view.health.message && view.health.status !== 'healthy' && view.health.status !== 'unknown' ? (
        <Text as="p" variant="bodySm" tone={view.health.status === 'unavailable' ? 'critical' : 'caution'}>
          {view.health.message}
        </Text>
      ) : null}
    </BlockStack>
  );
}
