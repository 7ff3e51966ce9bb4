// /app/integrations: every registered platform as a card (connection, health, listings, last sync,
// connect / disconnect / sync now / settings), the products linked across platforms with each platform's
// price side by side, linking by hand, and the sync history. The page renders from the database first;
// the live check (connection and health, each platform under its own deadline) fills in after.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData, useRevalidator } from '@remix-run/react';
import { TitleBar } from '@shopify/app-bridge-react';
import { Banner, BlockStack, Box, Layout, Page, Text } from '@shopify/polaris';
import { errorToast, toast, useAdminLoading } from '../components/frame/admin';
import { apiFetch, errorMessage } from '../components/platforms/api-client';
import { LinkedProducts, ManualLinking, type PlatformColumn } from '../components/platforms/LinkedProducts';
import { PlatformList } from '../components/platforms/PlatformList';
import { SyncHistory } from '../components/platforms/SyncHistory';
import { platformViews, type PlatformView } from '../platforms/platform-status.server';
import { syncHistory } from '../platforms/platform-sync.server';
import { autoLinkBySku, listProductLinks } from '../platforms/product-links.server';
import { authenticate, projectIdForSession } from '../shopify.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const projectId = await projectIdForSession(session);
  await autoLinkBySku(projectId);
  const [platforms, runs, links] = await Promise.all([
    platformViews(projectId, { live: false }),
    syncHistory(projectId, { limit: 20 }),
    listProductLinks(projectId, { page: 1 }),
  ]);
  return { shop: session.shop, platforms, runs, links };
};

const POLL_MS = 1500;
const isSyncing = (views: PlatformView[]) => views.some((v) => v.sync.status === 'in_progress' || v.sync.lastRun?.status === 'started');

export default function IntegrationsDashboard() {
  const data = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const [live, setLive] = useState<PlatformView[] | null>(null);
  const [liveError, setLiveError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const lastLive = useRef<PlatformView[] | null>(null);

  // Live: connection and health asked of every platform.
  const refreshLive = useCallback(async () => {
    try {
      const { platforms } = await apiFetch<{ platforms: PlatformView[] }>('/api/platforms');
      lastLive.current = platforms;
      setLive(platforms);
      setLiveError(null);
    } catch (e) {
      setLiveError(errorMessage(e));
    }
  }, []);

  // While a sync runs: the database's view only (cheap), keeping the last live health.
  const poll = useCallback(async () => {
    const { platforms } = await apiFetch<{ platforms: PlatformView[] }>('/api/platforms?live=0');
    const health = new Map((lastLive.current ?? []).map((p) => [p.platform, p.health]));
    const merged = platforms.map((p) => ({ ...p, health: health.get(p.platform) ?? p.health }));
    setLive(merged);
    return merged;
  }, []);

  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const onChanged = useCallback(() => {
    setVersion((v) => v + 1);
    revalidate.current();
    void refreshLive();
  }, [refreshLive]);

  useEffect(() => {
    void refreshLive();
    // Back from the platform's settings page (another tab): its connection may have changed.
    const onFocus = () => {
      if (document.visibilityState === 'visible') void refreshLive();
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onFocus);
    return () => {
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onFocus);
    };
  }, [refreshLive]);

  const platforms = live ?? data.platforms;
  const syncing = isSyncing(platforms);
  useEffect(() => {
    if (!syncing) return;
    const timer = setInterval(() => {
      void poll()
        .then((views) => {
          if (!isSyncing(views)) onChanged();
        })
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [syncing, poll, onChanged]);

  // "Sync now": a full sync of every connected platform that syncs a catalog; each card shows its progress.
  const [starting, setStarting] = useState(false);
  useAdminLoading(starting);
  const syncable = platforms.filter((p) => p.connection.status === 'connected' && p.capabilities.productSync);
  const syncAll = async () => {
    setStarting(true);
    try {
      for (const p of syncable) await apiFetch(`/api/platforms/${p.platform}/sync`, { body: { mode: 'full' } });
      toast(syncable.length === 1 ? `${syncable[0]!.displayName} sync started` : `Sync started on ${syncable.map((p) => p.displayName).join(', ')}`);
      onChanged();
    } catch (e) {
      errorToast(errorMessage(e));
    } finally {
      setStarting(false);
    }
  };

  const columns: PlatformColumn[] = platforms.map((p) => ({ platform: p.platform, displayName: p.displayName }));
  const names = Object.fromEntries(columns.map((c) => [c.platform, c.displayName]));

  return (
    <Page fullWidth>
      <TitleBar title="Integrations">
        <button onClick={() => void refreshLive()}>Refresh status</button>
        <button variant="primary" onClick={() => void syncAll()} disabled={starting || syncing || syncable.length === 0} loading={starting ? '' : undefined}>
          Sync now
        </button>
      </TitleBar>
      <Layout>
        {liveError ? (
          <Layout.Section>
            <Banner tone="warning" title="Live status could not be checked" action={{ content: 'Try again', onAction: () => void refreshLive() }}>
              <p>{liveError}. The cards show what Calibrate last recorded.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="200">
            {/* On a phone Polaris' cards run edge to edge: the heading keeps their inner margin. */}
            <Box paddingInline={{ xs: '400', sm: '0' }}>
              <Text as="h2" variant="headingLg">
                Platforms
              </Text>
              <Text as="p" tone="subdued">
                Every platform Calibrate prices on for {data.shop}
              </Text>
            </Box>
            <PlatformList platforms={platforms} checking={live === null && !liveError} onChanged={onChanged} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <LinkedProducts initial={data.links} columns={columns} version={version} onChanged={onChanged} />
        </Layout.Section>
        <Layout.Section>
          <ManualLinking columns={columns} version={version} onChanged={onChanged} />
        </Layout.Section>
        <Layout.Section>
          <SyncHistory runs={data.runs} names={names} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
