// /app/listings/:itemId: a product's one page (a product link, or a listing no link holds, shown alone; a
// linked listing's id is sent on to its link's page). What its rule decides now and why, its competitors in the
// latest reading (seller, fulfilment, feedback, landed price, followed or ignored by its rule and why), its fees (the platform's latest
// estimate), its prices over time drawn as steps (our price per channel, the Buy Box, the lowest eligible
// offer) and its price changes. Its open flags come first, in words (Amazon saying the offer lost Buy Box
// eligibility on price: "… price 24.99 is above Amazon's reference price 21.50 (competitive price)").
import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { TitleBar } from '@shopify/app-bridge-react';
import { Badge, Banner, BlockStack, Box, Card, DataTable, InlineStack, Layout, Page, Text } from '@shopify/polaris';
import { NotFoundError } from '@calibr/shared-contracts';
import { StepChart } from '../components/listings/StepChart';
import { channelName, freshnessLabel, readLabel } from '../components/listings/labels';
import { formatPrice, formatWhen, statusLabel, STATUS_TONES } from '../components/pricing/format';
import { useShopZone } from '../components/frame/shop-zone';
import { pathId } from '../lib/route-params.server';
import { listingPage } from '../listings/listing-page.server';
import { consoleProject } from '../pricing/console.server';

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { projectId, redirect } = await consoleProject(request);
  try {
    const itemId = pathId(params.itemId, 'listing');
    const page = await listingPage(projectId, itemId);
    // One address per product: a linked listing's id (an older change's, a suggestion's market) shows its link's page.
    if (page.row.id !== itemId) throw redirect(`/app/listings/${page.row.id}`);
    return { page, now: Date.now() };
  } catch (error) {
    // No such product in this shop (or an id that can't be one): the page's 404, not a server error.
    if (error instanceof NotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
};

function feedback(f: { percentage: number | null; count: number | null } | null): string {
  if (!f || (f.percentage === null && f.count === null)) return '—';
  return `${f.percentage ?? '?'} % (${f.count ?? '?'} ratings)`;
}

export default function ListingPage() {
  const { page, now } = useLoaderData<typeof loader>();
  const zone = useShopZone();
  const { row, markets, history, flags } = page;
  const money = (amount: string | null, currency = row.currency) => (amount ? formatPrice({ amount, currency }) : '—');
  return (
    <Page>
      <TitleBar title={row.title} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <InlineStack gap="200" blockAlign="center">
              <Link to="/app/listings">← Listings</Link>
              <Text as="span" tone="subdued">
                {row.sku}
              </Text>
              {row.priceWar && <Badge tone="critical">Price war</Badge>}
            </InlineStack>
            {flags.map((f) => (
              <div key={f.id} data-flag={f.kind}>
                <Banner tone="warning">
                  <Text as="p">{f.message}</Text>
                </Banner>
              </div>
            ))}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {row.title}
                </Text>
                <InlineStack gap="400" wrap>
                  <Text as="span">Cost {money(row.cost)}</Text>
                  <Text as="span">Floor {money(row.floor)}</Text>
                  <Text as="span">Ceiling {money(row.ceiling)}</Text>
                  <Text as="span">MAP {money(row.map)}</Text>
                </InlineStack>
                <InlineStack gap="400" wrap>
                  {row.channels.map((c) => (
                    <Text as="span" key={c.listingId}>
                      {channelName(c.platform, c.marketplaceId)}: {formatPrice(c.price)}
                      {c.status === 'deleted' || c.status === 'retired' ? ` (${c.status})` : ''}
                    </Text>
                  ))}
                </InlineStack>
                <Text as="span" tone="subdued">
                  {row.reading === 'reading' ? 'Reading… (the competition has not been read yet)' : row.reading === 'read' ? `Competition ${readLabel(row.readAt, row.readSource, now, zone)}` : 'Not on Amazon: no competition is read'}
                </Text>
              </BlockStack>
            </Card>

            {markets.map((m) => (
              <Card key={m.marketplaceId || 'none'} padding="0">
                <Box padding="400">
                  <BlockStack gap="100">
                    <Text as="h2" variant="headingMd">
                      Competitors{markets.length > 1 ? ` · ${channelName('amazon', m.marketplaceId)}` : ''}
                    </Text>
                    <Text as="p" tone="subdued">
                      {m.readAt ? `Latest reading ${freshnessLabel(m.readAt, now, '', zone)}` : 'Not read yet'}
                      {m.ruleName ? ` · as the rule “${m.ruleName}” sees them` : ' · no rule governs this product: the default filters (new offers only)'}
                      {m.lowestEligible ? ` · lowest eligible offer ${money(m.lowestEligible, m.currency)}` : ''}
                    </Text>
                    <div data-section="pricing">
                      <Text as="p">{m.pricing.summary}</Text>
                    </div>
                  </BlockStack>
                </Box>
                <div data-section="competitors">
                  {m.competitors.length === 0 ? (
                    <Box padding="400">
                      <Text as="p" tone="subdued">
                        {m.readAt ? 'The latest reading lists no offers.' : 'No offers read yet.'}
                      </Text>
                    </Box>
                  ) : (
                    <DataTable
                      columnContentTypes={['text', 'text', 'text', 'numeric', 'text']}
                      headings={['Seller', 'Fulfilment', 'Feedback', 'Landed', 'Followed?']}
                      rows={m.competitors.map((c) => [
                        <span key="seller" data-seller={c.sellerId ?? ''}>
                          {/* Amazon's offers carry a seller id, no name: the id is what there is to show. */}
                          {c.isOurs ? `You (${c.sellerId ?? 'our offer'})` : (c.sellerId ?? 'Unnamed seller')}
                          {c.isBuyBoxWinner ? ' · Buy Box' : ''}
                        </span>,
                        c.fulfillment === 'AFN' ? 'Amazon (FBA)' : 'Seller',
                        feedback(c.feedback),
                        money(c.landed, c.currency),
                        c.followed ? (
                          <Badge key="f" tone="success">
                            Followed
                          </Badge>
                        ) : (
                          <span key="i" style={{ whiteSpace: 'normal', display: 'inline-block', maxWidth: 320 }}>
                            <Badge>Ignored</Badge> {c.reason}
                          </span>
                        ),
                      ])}
                    />
                  )}
                </div>
                <Box padding="400">
                  <div data-section="fees">
                    <BlockStack gap="100">
                      <Text as="h3" variant="headingSm">
                        Fees
                      </Text>
                      {m.fees ? (
                        <Text as="p">
                          At {money(m.fees.price, m.currency)}: {money(m.fees.total, m.currency)} in fees ({m.fees.lines.map((l) => `${l.type} ${money(l.amount, m.currency)}`).join(', ')}), estimated {formatWhen(m.fees.estimatedAt, zone)}
                        </Text>
                      ) : (
                        <Text as="p" tone="subdued">
                          {m.feesNote}
                        </Text>
                      )}
                    </BlockStack>
                  </div>
                </Box>
              </Card>
            ))}

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Prices over time
                </Text>
                <StepChart series={history.series} currency={history.currency} />
              </BlockStack>
            </Card>

            <Card padding="0">
              <Box padding="400">
                <Text as="h2" variant="headingMd">
                  Price changes
                </Text>
              </Box>
              <div data-section="history">
                {history.changes.length === 0 ? (
                  <Box padding="400">
                    <Text as="p" tone="subdued">
                      No price changes yet.
                    </Text>
                  </Box>
                ) : (
                  <DataTable
                    columnContentTypes={['text', 'numeric', 'numeric', 'text', 'text']}
                    headings={['Approved', 'From', 'To', 'Status', 'By']}
                    rows={[...history.changes].reverse().map((c) => [
                      formatWhen(c.at, zone),
                      money(c.from, history.currency ?? row.currency),
                      money(c.to, history.currency ?? row.currency),
                      <Badge key={c.id} tone={STATUS_TONES[c.status]}>
                        {statusLabel(c.status)}
                      </Badge>,
                      c.approvedBy ?? (c.source === 'rollback' ? 'rollback' : '—'),
                    ])}
                  />
                )}
              </div>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
