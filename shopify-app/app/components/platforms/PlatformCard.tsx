// One platform's card: who it is, its connection and health, its listings, its last sync, and what the
// merchant can do (connect, disconnect, sync now, settings). Everything comes from the platform's view,
// so a newly registered platform gets a working card without a line of code here.
import { useState } from 'react';
import { useNavigate } from '@remix-run/react';
import { Badge, BlockStack, Button, Card, Divider, InlineStack, Text } from '@shopify/polaris';
import type { PlatformView } from '../../platforms/platform-status.server';
import { errorToast, toast, useAdminLoading } from '../frame/admin';
import { apiFetch, errorMessage } from './api-client';
import { ConnectionStatus } from './ConnectionStatus';
import { ConnectionMethodNote, PlatformSettings, SettingsLinkButton, useSettingsLink } from './PlatformSettings';
import { SyncStatus } from './SyncStatus';

export interface PlatformCardProps {
  view: PlatformView;
  /** The live check (connection, health) is still running. */
  checking: boolean;
  /** Something changed: reload the platforms, history and links. */
  onChanged: () => void;
}

export function PlatformCard({ view, checking, onChanged }: PlatformCardProps) {
  const navigate = useNavigate();
  const link = useSettingsLink(view);
  const [busy, setBusy] = useState<'sync' | 'disconnect' | null>(null);
  useAdminLoading(busy !== null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const connected = view.connection.status === 'connected';
  const syncing = view.sync.status === 'in_progress' || view.sync.lastRun?.status === 'started';

  const run = async (what: 'sync' | 'disconnect', call: () => Promise<unknown>) => {
    setBusy(what);
    try {
      await call();
      toast(what === 'sync' ? `${view.displayName} sync started` : `${view.displayName} disconnected`);
      onChanged();
    } catch (e) {
      errorToast(`${view.displayName}: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
      setConfirmDisconnect(false);
    }
  };

  const sync = () => run('sync', () => apiFetch(`/api/platforms/${view.platform}/sync`, { body: { mode: 'full' } }));
  const disconnect = () => run('disconnect', () => apiFetch(`/api/platforms/${view.platform}/disconnect`, { body: {} }));

  return (
    <div data-platform={view.platform} style={{ height: '100%' }}>
      <Card>
        <BlockStack gap="300">
          <BlockStack gap="100">
            <InlineStack gap="200" blockAlign="center" wrap>
              <Text as="h2" variant="headingMd">
                {view.displayName}
              </Text>
              {view.remote ? <Badge tone="info">Remote service</Badge> : null}
              {view.testPlatform ? <Badge tone="attention">Test platform</Badge> : null}
            </InlineStack>
            {view.description ? (
              <Text as="p" variant="bodySm" tone="subdued">
                {view.description}
              </Text>
            ) : null}
          </BlockStack>

          <ConnectionStatus view={view} checking={checking} />

          <Divider />
          <InlineStack gap="400" wrap>
            <ListingCount count={view.listings.total} label="listings" />
            <ListingCount count={view.listings.active} label="active" />
            <ListingCount count={view.listings.linked} label="linked" />
          </InlineStack>
          <SyncStatus view={view} />
          <ConnectionMethodNote view={view} link={link} />

          <InlineStack gap="200" wrap>
            {connected && view.capabilities.productSync ? (
              <Button variant="primary" onClick={() => void sync()} loading={busy === 'sync' || syncing} disabled={syncing}>
                {syncing ? 'Syncing' : 'Sync now'}
              </Button>
            ) : null}
            {/* Connected, its settings page is one click further, in Settings. */}
            {view.connection.hasSettingsPage && !connected ? <SettingsLinkButton view={view} link={link} primary /> : null}
            {view.connection.canConnect && view.connection.method === 'credentials' ? (
              <Button variant="primary" onClick={() => setSettingsOpen(true)}>
                {`Connect ${view.displayName}`}
              </Button>
            ) : null}
            <Button onClick={() => setSettingsOpen(true)}>Settings</Button>
            {view.consolePath ? <Button onClick={() => navigate(view.consolePath as string)}>Details</Button> : null}
            {view.connection.canDisconnect && !confirmDisconnect ? (
              <Button variant="plain" tone="critical" onClick={() => setConfirmDisconnect(true)}>
                Disconnect
              </Button>
            ) : null}
            {confirmDisconnect ? (
              <InlineStack gap="200" blockAlign="center">
                <Text as="span" variant="bodySm">
                  Disconnect {view.displayName}?
                </Text>
                <Button tone="critical" onClick={() => void disconnect()} loading={busy === 'disconnect'}>
                  Disconnect
                </Button>
                <Button variant="plain" onClick={() => setConfirmDisconnect(false)}>
                  Keep
                </Button>
              </InlineStack>
            ) : null}
          </InlineStack>
        </BlockStack>
      </Card>
      <PlatformSettings view={view} link={link} open={settingsOpen} onClose={() => setSettingsOpen(false)} onConnected={onChanged} />
    </div>
  );
}

/** One of the card's listing figures: the number in bold, then what it counts. */
function ListingCount({ count, label }: { count: number; label: string }) {
  return (
    <Text as="p" variant="bodySm">
      <Text as="span" fontWeight="semibold">
        {count}
      </Text>{' '}
      {label}
    </Text>
  );
}
