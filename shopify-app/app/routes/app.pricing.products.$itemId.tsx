// /app/pricing/products/:itemId: one product's prices over time (our price on each platform against the
// Buy Box and the lowest offer) and its price changes.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData, useNavigate } from '@remix-run/react';
import { TitleBar } from '@shopify/app-bridge-react';
import polarisVizStyles from '@shopify/polaris-viz/build/esm/styles.css?url';
import { Badge, BlockStack, Card, DataTable, Layout, Page, Text } from '@shopify/polaris';
import { formatPrice, formatWhen, statusLabel, STATUS_TONES } from '../components/pricing/format';
import { PriceChart } from '../components/pricing/PriceChart';
import { consoleProject } from '../pricing/console.server';
import { priceHistory } from '../pricing/history.server';
import { productFreshnessLines } from '../pricing/monitor/competitive-freshness.server';
import { pathId } from '../lib/route-params.server';
import { NotFoundError } from '@calibr/shared-contracts';

export const links = () => [{ rel: 'stylesheet', href: polarisVizStyles }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { projectId } = await consoleProject(request);
  try {
    const itemId = pathId(params.itemId, 'product');
    const history = await priceHistory(projectId, itemId);
    // How fresh the competitors' prices are: "Competitor prices read 12 s ago (notification)".
    return { history, freshness: await productFreshnessLines(projectId, itemId) };
  } catch (error) {
    // No such product in this shop (or an id that can't be one): the page's 404, not a server error.
    if (error instanceof NotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
};

export default function ProductPricePage() {
  const { history, freshness } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const currency = history.currency;
  return (
    <Page>
      <TitleBar title={history.sku ? `${history.title} (${history.sku})` : history.title}>
        <button variant="breadcrumb" onClick={() => navigate('/app/pricing')}>
          Suggestions
        </button>
      </TitleBar>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Our price, the Buy Box and the lowest offer
                </Text>
                {freshness.map((f) => (
                  <Text key={f.listingId} as="p" tone="subdued">
                    {f.text}
                    {freshness.length > 1 && f.marketplaceId ? ` · ${f.marketplaceId}` : ''}
                  </Text>
                ))}
                <PriceChart series={history.series} currency={currency} />
              </BlockStack>
            </Card>
            <Card padding="0">
              <div style={{ padding: 'var(--p-space-400)' }}>
                <Text as="h2" variant="headingMd">
                  Price changes
                </Text>
              </div>
              <DataTable
                columnContentTypes={['text', 'text', 'text', 'text', 'text']}
                headings={['Approved', 'From', 'To', 'Status', 'By']}
                rows={[...history.changes].reverse().map((c) => [
                  formatWhen(c.at),
                  formatPrice({ amount: c.from, currency: currency ?? 'USD' }),
                  formatPrice({ amount: c.to, currency: currency ?? 'USD' }),
                  <Badge key={c.id} tone={STATUS_TONES[c.status]}>{statusLabel(c.status)}</Badge>,
                  c.approvedByName ?? (c.source === 'rollback' ? 'rollback' : '—'),
                ])}
              />
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
