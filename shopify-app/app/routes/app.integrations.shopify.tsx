// /app/integrations/shopify: the shop's Shopify connection (status, scopes, webhooks and their delivery
// health), product sync with progress, and the synced products with their variant prices.
import { useEffect, useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { useFetcher, useLoaderData, useNavigate, useNavigation, useRevalidator, useSearchParams } from '@remix-run/react';
import { TitleBar } from '@shopify/app-bridge-react';
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  DataTable,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Pagination,
  SkeletonBodyText,
  Spinner,
  Text,
  TextField,
} from '@shopify/polaris';
import { toast } from '../components/frame/admin';
import { useShopZone } from '../components/frame/shop-zone';
import { formatWhen } from '../components/platforms/api-client';
import { shopifyStatus, syncedProducts } from '../platforms/shopify/status.server';
import { startShopifySync } from '../platforms/shopify/catalog-sync.server';
import { authenticate, projectIdForSession } from '../shopify.server';
import { readFormBody } from '../lib/request-body.server';

async function projectIdFor(request: Request) {
  const { session } = await authenticate.admin(request);
  return projectIdForSession(session);
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const projectId = await projectIdFor(request);
  const url = new URL(request.url);
  const [status, products] = await Promise.all([
    shopifyStatus(projectId),
    syncedProducts(projectId, { query: url.searchParams.get('q') ?? '', page: Number(url.searchParams.get('page') ?? '1') || 1 }),
  ]);
  return { status, products };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const projectId = await projectIdFor(request);
  const form = await readFormBody(request);
  const mode = form.get('mode') === 'incremental' ? 'incremental' : 'full';
  try {
    const handle = await startShopifySync(projectId, { mode, trigger: 'manual' });
    return { ok: true as const, syncId: handle.syncLogId, error: null };
  } catch (error) {
    return { ok: false as const, syncId: null, error: error instanceof Error ? error.message : String(error) };
  }
};

export default function ShopifyIntegrationPage() {
  const { status, products } = useLoaderData<typeof loader>();
  const zone = useShopZone();
  const formatDate = (iso: string | null) => formatWhen(iso, zone);
  const fetcher = useFetcher<typeof action>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const [searchParams, setSearchParams] = useSearchParams();
  const [query, setQuery] = useState(searchParams.get('q') ?? '');
  const navigate = useNavigate();
  const breadcrumb = (
    <button variant="breadcrumb" onClick={() => navigate('/app/integrations')}>
      Integrations
    </button>
  );

  const syncing = fetcher.state !== 'idle' || status?.lastSync?.status === 'started';
  const loadingProducts = navigation.state === 'loading' && navigation.location?.pathname === '/app/integrations/shopify';

  // A sync that started is an outcome for a toast (one that couldn't start keeps its banner).
  const startedSync = fetcher.data?.ok ? fetcher.data.syncId : null;
  useEffect(() => {
    if (startedSync) toast('Sync started');
  }, [startedSync]);

  // While a sync runs, refresh its progress every second.
  useEffect(() => {
    if (!syncing) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [syncing, revalidator]);

  // Search as the merchant types (debounced), back to page 1.
  useEffect(() => {
    if ((searchParams.get('q') ?? '') === query) return;
    const timer = setTimeout(() => {
      const next = new URLSearchParams(searchParams);
      if (query) next.set('q', query);
      else next.delete('q');
      next.delete('page');
      setSearchParams(next, { replace: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [query, searchParams, setSearchParams]);

  const goToPage = (page: number) => {
    const next = new URLSearchParams(searchParams);
    next.set('page', String(page));
    setSearchParams(next);
  };

  if (!status) {
    return (
      <Page>
        <TitleBar title="Shopify">{breadcrumb}</TitleBar>
        <Banner tone="critical" title="Shopify is not connected">
          <p>Open Calibrate from your Shopify admin to connect it.</p>
        </Banner>
      </Page>
    );
  }

  const lastSync = status.lastSync;
  // App Bridge's fetch carries the session token and follows the grant screen's reauthorize header.
  const askForScopes = () => void fetch('/api/integrations/shopify/scopes', { method: 'POST' }).then(() => revalidator.revalidate());
  const startSync = (mode: 'full' | 'incremental') => fetcher.submit({ mode }, { method: 'post' });

  return (
    <Page>
      <TitleBar title={`Shopify · ${status.shop}`}>
        {breadcrumb}
        <button onClick={() => startSync('incremental')} disabled={syncing || !status.connected || !lastSync}>
          Sync changes only
        </button>
        <button variant="primary" onClick={() => startSync('full')} disabled={syncing || !status.connected} loading={syncing ? '' : undefined}>
          {syncing ? 'Syncing…' : 'Sync products'}
        </button>
      </TitleBar>
      <Layout>
        {fetcher.data?.error ? (
          <Layout.Section>
            <Banner tone="critical" title="The sync could not start">
              <p>{fetcher.data.error}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {lastSync?.status === 'failed' ? (
          <Layout.Section>
            <Banner tone="critical" title="The last sync failed">
              <p>{lastSync.error ?? 'Unknown error'}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {status.connected && status.missingScopes.length > 0 ? (
          <Layout.Section>
            <Banner tone="warning" title="Calibrate needs more access" action={{ content: 'Review access in Shopify', onAction: askForScopes }}>
              <p>Grant {status.missingScopes.join(', ')} so Calibrate can do what it is configured to do; calls that need it fail until then.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {!status.connected ? (
          <Layout.Section>
            <Banner tone="warning" title="The app is uninstalled from this shop">
              <p>Uninstalled {formatDate(status.uninstalledAt)}. Reinstall it to sync products and push prices.</p>
            </Banner>
          </Layout.Section>
        ) : null}

        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Connection
                </Text>
                <Badge tone={status.connected ? 'success' : 'critical'}>{status.connected ? 'Connected' : 'Disconnected'}</Badge>
              </InlineStack>
              <Text as="p">Installed {formatDate(status.installedAt)} · Admin API {status.apiVersion ?? '—'}</Text>
              <InlineStack gap="100">
                {status.scopes.map((scope) => (
                  <Badge key={scope}>{scope}</Badge>
                ))}
              </InlineStack>
              <Text as="p" tone="subdued">
                {status.listings.total} variants synced ({status.listings.active} active)
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Last sync
                </Text>
                {lastSync ? (
                  <Badge tone={lastSync.status === 'completed' ? 'success' : lastSync.status === 'failed' ? 'critical' : 'info'}>
                    {lastSync.status === 'started' ? 'In progress' : lastSync.status === 'completed' ? 'Completed' : 'Failed'}
                  </Badge>
                ) : null}
              </InlineStack>
              {lastSync ? (
                <>
                  {lastSync.status === 'started' ? (
                    <InlineStack gap="200" blockAlign="center">
                      <Spinner size="small" accessibilityLabel="Sync in progress" />
                      <Text as="p" id="sync-progress">
                        {lastSync.itemsSynced} variants synced so far…
                      </Text>
                    </InlineStack>
                  ) : (
                    <Text as="p" id="sync-result">
                      {lastSync.type} sync: {lastSync.itemsSynced} variants synced, {lastSync.itemsFailed} failed
                    </Text>
                  )}
                  <Text as="p" tone="subdued">
                    Started {formatDate(lastSync.startedAt)} · finished {formatDate(lastSync.completedAt)}
                  </Text>
                </>
              ) : (
                <Text as="p">No sync yet. Sync products to bring your catalog into Calibrate.</Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Webhooks
              </Text>
              <DataTable
                columnContentTypes={['text', 'text', 'numeric', 'numeric', 'numeric', 'text', 'text']}
                headings={['Topic', 'Endpoint', 'Received', 'Duplicates', 'Failed', 'Last delivery', 'Health']}
                rows={status.webhooks.map((w) => [
                  w.topic,
                  w.uri,
                  w.deliveriesReceived,
                  w.duplicatesIgnored,
                  w.deliveriesFailed,
                  formatDate(w.lastDeliveryAt),
                  <Badge key={w.topic} tone={w.health === 'healthy' ? 'success' : w.health === 'failing' ? 'critical' : undefined}>
                    {w.health === 'healthy' ? 'Healthy' : w.health === 'failing' ? 'Failing' : 'No deliveries yet'}
                  </Badge>,
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>

        {status.outsideChanges.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Prices changed outside Calibrate
                </Text>
                {status.outsideChanges.map((c) => (
                  <Text as="p" key={`${c.at}-${c.externalId}`}>
                    {formatDate(c.at)}: {c.externalId} {c.from} → {c.to} {c.currency}
                  </Text>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <Card padding="0">
            <div style={{ padding: 'var(--p-space-400)' }}>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Products
                </Text>
                <TextField
                  label="Search products"
                  labelHidden
                  placeholder="Search by title or SKU"
                  value={query}
                  onChange={setQuery}
                  autoComplete="off"
                  clearButton
                  onClearButtonClick={() => setQuery('')}
                />
              </BlockStack>
            </div>
            {loadingProducts ? (
              <div style={{ padding: 'var(--p-space-400)' }}>
                <SkeletonBodyText lines={6} />
              </div>
            ) : products.items.length === 0 ? (
              <EmptyState
                heading={products.query ? 'No products match your search' : 'No products synced yet'}
                image="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E"
              >
                <p>{products.query ? 'Try another title or SKU.' : 'Sync products to see them here with their prices.'}</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: 'product', plural: 'products' }}
                itemCount={products.items.length}
                selectable={false}
                headings={[{ title: 'Product' }, { title: 'Variants' }, { title: 'Prices' }]}
              >
                {products.items.map((product, index) => (
                  <IndexTable.Row id={product.productId} key={product.productId} position={index}>
                    <IndexTable.Cell>
                      <Text as="span" fontWeight="semibold">
                        {product.title}
                      </Text>
                      {product.vendor ? <Text as="p" tone="subdued">{product.vendor}</Text> : null}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        {product.variants.map((v) => (
                          <Text as="span" key={v.id}>
                            {v.title ?? 'Default'} {v.sku ? `· ${v.sku}` : ''}
                          </Text>
                        ))}
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        {product.variants.map((v) => (
                          <Text as="span" key={v.id} numeric>
                            {v.price} {v.currency}
                            {v.compareAtPrice ? ` (was ${v.compareAtPrice})` : ''}
                          </Text>
                        ))}
                      </BlockStack>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
            <div style={{ padding: 'var(--p-space-400)', display: 'flex', justifyContent: 'center' }}>
              <Pagination
                hasPrevious={products.hasPrevious}
                hasNext={products.hasNext}
                onPrevious={() => goToPage(products.page - 1)}
                onNext={() => goToPage(products.page + 1)}
                label={`Page ${products.page} of ${Math.max(1, Math.ceil(products.totalProducts / products.pageSize))} · ${products.totalProducts} products`}
              />
            </div>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
