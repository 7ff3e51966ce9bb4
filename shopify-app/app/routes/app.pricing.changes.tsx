// /app/pricing/changes: every price change and what each platform did with it (Shopify applied at once;
// Amazon pending with its feed until the feed is DONE; failures with the platform's own message), with
// retry for what failed and rollback to the price a change replaced.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { ValidationError } from '@calibr/shared-contracts';
import { Link, useLoaderData } from '@remix-run/react';
import { TitleBar } from '@shopify/app-bridge-react';
import { Badge, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Layout, Page, Select, Tag, Text, useBreakpoints } from '@shopify/polaris';
import { ErrorBanner } from '../components/ErrorBanner';
import { errorToast, toast } from '../components/frame/admin';
import { useBusyAction } from '../components/pricing/busy-action';
import { apiFetch, downloadCsv, errorMessage, formatPrice, formatWhen, statusLabel, STATUS_TONES } from '../components/pricing/format';
import { useShopZone } from '../components/frame/shop-zone';
import { useLiveRefresh } from '../components/live/use-live-refresh';
import { PushProgress, usePushProgress } from '../components/pricing/PushProgress';
import { changeFiltersFrom, listChanges, type ChangeFilters, type ChangeView } from '../pricing/changes.server';
import { consoleProject } from '../pricing/console.server';
import { pricingVersion } from '../pricing/live.server';
import { pushProgress } from '../pricing/progress.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { projectId } = await consoleProject(request);
  // ?status=failed&day=today&failedOn=amazon (the home's links); a bad value is the page's 400.
  let filters: ChangeFilters;
  try {
    filters = changeFiltersFrom(new URL(request.url).searchParams);
  } catch (error) {
    if (error instanceof ValidationError) throw new Response(error.message, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    throw error;
  }
  // Read before the list: the live refresh starts from it, so a change settled in between still reloads.
  const live = await pricingVersion(projectId);
  const [changes, progress] = await Promise.all([listChanges(projectId, { ...filters, limit: 100 }), pushProgress(projectId)]);
  return { live, changes, progress, filters };
};

const FILTERS = ['all', 'pushing', 'applied', 'partially_applied', 'failed', 'rolled_back'];

export default function ChangesPage() {
  const initial = useLoaderData<typeof loader>();
  const zone = useShopZone();
  const [changes, setChanges] = useState<ChangeView[]>(initial.changes as ChangeView[]);
  const [filter, setFilter] = useState(initial.filters.status ?? 'all');
  // The home's links narrow further: settled today, failed on one platform (each a removable tag).
  const [day, setDay] = useState(initial.filters.day);
  const [failedOn, setFailedOn] = useState(initial.filters.failedOn);
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useBusyAction();
  const { progress, watch } = usePushProgress(initial.progress, { since: initial.live });
  // Below Polaris' small breakpoint (a phone) the table is a list of compact rows.
  const condensed = useBreakpoints().smDown;

  const load = useCallback(async () => {
    try {
      const q = new URLSearchParams({ limit: '100', ...(filter === 'all' ? {} : { status: filter }), ...(day ? { day } : {}), ...(failedOn ? { failedOn } : {}) });
      const { changes: rows } = await apiFetch<{ changes: ChangeView[] }>(`/api/pricing/changes?${q}`);
      setChanges(rows);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [filter, day, failedOn]);
  // The loader read the list for the filters the page opened with (the live refresh catches up from its
  // version); a filter the merchant changes reads it again.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void load();
  }, [load]);
  // Outcomes and rollbacks show by themselves, whichever instance or job settled them.
  useLiveRefresh(load, { since: initial.live, hold: busy !== null });

  const act = async (changeId: string, what: 'retry' | 'rollback') => {
    await run(`${what}:${changeId}`, async () => {
      await apiFetch(`/api/pricing/changes/${changeId}/${what}`, { body: {} });
      toast(what === 'retry' ? 'Retrying the push' : 'Rolling back to the previous price');
      watch();
      await load();
    });
  };

  // What each platform did, and what the merchant can do about it: the same in both layouts.
  const attemptsOf = (c: ChangeView, wrap: boolean) => (
    <BlockStack gap="100">
      {c.attempts.map((a) => (
        <div key={a.id} data-platform={a.platform} data-status={a.status} data-outcome={a.outcome}>
          <InlineStack gap="100" blockAlign="center" wrap={wrap}>
            <Text as="span" variant="bodySm" fontWeight="medium">
              {a.platform === 'amazon' ? 'Amazon' : a.platform === 'shopify' ? 'Shopify' : a.platform}
            </Text>
            <Badge tone={a.outcome === 'retrying' ? 'warning' : a.outcome === 'accepted' ? 'info' : STATUS_TONES[a.status]}>
              {a.outcome === 'accepted' ? 'Accepted, waiting to go live' : statusLabel(a.outcome ?? a.status)}
            </Badge>
            <Text as="span" variant="bodySm" tone="subdued">
              {formatPrice({ amount: a.amount, currency: c.currency })}
              {/* Amazon: pending with its feed until the feed is DONE, then accepted until the price shows. */}
              {a.status === 'pending' && a.platformReference ? ` · ${a.platformReference}` : ''}
            </Text>
          </InlineStack>
          {(a.status === 'failed' || a.outcome === 'retrying') && a.platformMessage && (
            <Text as="p" variant="bodySm" tone={a.status === 'failed' ? 'critical' : 'caution'}>
              {a.platformCode ? `${a.platformCode}: ` : ''}
              {a.platformMessage}
              {a.outcome === 'retrying' && a.nextAttemptAt ? ` · trying again by itself at ${formatWhen(a.nextAttemptAt, zone)}` : ''}
            </Text>
          )}
        </div>
      ))}
    </BlockStack>
  );
  const actionsOf = (c: ChangeView, wrap: boolean) => (
    <InlineStack gap="200" wrap={wrap}>
      {(c.status === 'failed' || c.status === 'partially_applied') && (
        <Button size="slim" onClick={() => void act(c.id, 'retry')} loading={busy === `retry:${c.id}`}>
          Retry
        </Button>
      )}
      {(c.status === 'applied' || c.status === 'partially_applied') && !c.rolledBackBy && c.source !== 'rollback' && (
        <Button size="slim" onClick={() => void act(c.id, 'rollback')} loading={busy === `rollback:${c.id}`}>
          Roll back
        </Button>
      )}
      {c.attempts[0] && (
        <Link to={`/app/listings/${encodeURIComponent(productOf(c))}`}>Chart</Link>
      )}
    </InlineStack>
  );

  return (
    <Page>
      <TitleBar title="Price changes">
        <button onClick={() => void downloadCsv('/api/pricing/export/history', 'price-history.csv').catch((e) => errorToast(errorMessage(e)))}>Export CSV</button>
      </TitleBar>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <PushProgress progress={progress} />
            <ErrorBanner error={error} onDismiss={() => setError(null)} title="Something went wrong" />
            <Card padding="0">
              <div style={{ padding: 'var(--p-space-300)' }}>
                <InlineStack gap="200" blockAlign="center">
                  <div style={{ maxWidth: 260 }}>
                    <Select label="Status" labelInline options={(FILTERS.includes(filter) ? FILTERS : [...FILTERS, filter]).map((f) => ({ label: f === 'all' ? 'All' : statusLabel(f), value: f }))} value={filter} onChange={setFilter} />
                  </div>
                  {day === 'today' && <Tag onRemove={() => setDay(undefined)}>Settled today</Tag>}
                  {failedOn && <Tag onRemove={() => setFailedOn(undefined)}>{`Failed on ${failedOn === 'amazon' ? 'Amazon' : failedOn === 'shopify' ? 'Shopify' : failedOn}`}</Tag>}
                </InlineStack>
              </div>
              <IndexTable
                resourceName={{ singular: 'price change', plural: 'price changes' }}
                itemCount={changes.length}
                selectable={false}
                condensed={condensed}
                emptyState={
                  <EmptyState heading="No price changes yet" image="">
                    <p>Approve a suggestion and it is pushed to Shopify and Amazon; each platform’s outcome shows here.</p>
                  </EmptyState>
                }
                headings={[{ title: 'Product' }, { title: 'Price' }, { title: 'Status' }, { title: 'Platforms' }, { title: 'Approved' }, { title: '' }]}
              >
                {changes.map((c, index) =>
                  // A phone: one compact cell per change (IndexTable's condensed list).
                  condensed ? (
                    <IndexTable.Row id={c.id} key={c.id} position={index}>
                      <div style={{ padding: 'var(--p-space-300) var(--p-space-400)', width: '100%', minWidth: 0, whiteSpace: 'normal' }} data-section="change-compact">
                        <BlockStack gap="200">
                          <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                            <BlockStack gap="050">
                              <Text as="span" fontWeight="semibold">
                                {c.title}
                              </Text>
                              <Text as="span" variant="bodySm" tone="subdued">
                                {c.sku ?? '—'} {c.source === 'rollback' ? '· rollback' : ''}
                              </Text>
                            </BlockStack>
                            <Badge tone={STATUS_TONES[c.status]}>{statusLabel(c.status)}</Badge>
                          </InlineStack>
                          <Text as="span" numeric>
                            {formatPrice({ amount: c.from, currency: c.currency })} → {formatPrice({ amount: c.to, currency: c.currency })}
                          </Text>
                          {attemptsOf(c, true)}
                          <Text as="span" variant="bodySm" tone="subdued">
                            {formatWhen(c.approvedAt, zone)} {c.approvedByName ? `· ${c.approvedByName}` : ''}
                          </Text>
                          {actionsOf(c, true)}
                        </BlockStack>
                      </div>
                    </IndexTable.Row>
                  ) : (
                    <IndexTable.Row id={c.id} key={c.id} position={index}>
                      <IndexTable.Cell>
                        <BlockStack gap="100">
                          <Text as="span" fontWeight="semibold">
                            {c.title}
                          </Text>
                          <Text as="span" variant="bodySm" tone="subdued">
                            {c.sku ?? '—'} {c.source === 'rollback' ? '· rollback' : ''}
                          </Text>
                        </BlockStack>
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        <Text as="span" numeric>
                          {formatPrice({ amount: c.from, currency: c.currency })} → {formatPrice({ amount: c.to, currency: c.currency })}
                        </Text>
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        <Badge tone={STATUS_TONES[c.status]}>{statusLabel(c.status)}</Badge>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{attemptsOf(c, false)}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <Text as="span" variant="bodySm">
                          {formatWhen(c.approvedAt, zone)}
                          <br />
                          {c.approvedByName ?? ''}
                        </Text>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{actionsOf(c, false)}</IndexTable.Cell>
                    </IndexTable.Row>
                  ),
                )}
              </IndexTable>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function productOf(change: ChangeView): string {
  return change.productLinkId ?? change.attempts[0]!.listingId;
}
