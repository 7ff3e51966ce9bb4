// /app/listings: the listings workspace. Every linked product in a Polaris IndexTable, a page at a time
// from the server (GET /api/listings): cost, floor, ceiling and MAP (edited in place, checked by the server,
// its message under the field), each channel's price, the Buy Box holder, how many compete and when the
// competition was last read, the last price change. Views: all, price war, below target margin, Buy Box
// held by another seller, not read yet (`?view=` opens one). While the first readings run, a banner says
// how many listings have been read; while a platform's live price alerts are down, a banner says so.
// Each row says who brought its latest reading (notification or polling). Narrow screens get the IndexTable's condensed layout.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { TitleBar } from '@shopify/app-bridge-react';
import { errorToast, toast } from '../components/frame/admin';
import { useLiveRefresh } from '../components/live/use-live-refresh';
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  EmptyState,
  IndexFilters,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
  useBreakpoints,
  useSetIndexFiltersMode,
  type IndexFiltersProps,
} from '@shopify/polaris';
import { ValidationError } from '@calibr/shared-contracts';
import { ErrorBanner } from '../components/ErrorBanner';
import { ApiProblem, apiFetch, errorMessage, formatPrice } from '../components/pricing/format';
import { channelName, freshnessLabel, readLabel } from '../components/listings/labels';
import { consoleProject } from '../pricing/console.server';
import { readingsVersion } from '../pricing/live.server';
import { listListings, listingOptionsFrom, type ListingRowView, type ListListingsResult } from '../listings/workspace.server';
import { LISTING_VIEWS, type ListingView } from '../listings/views';
import { useShopZone } from '../components/frame/shop-zone';

const PAGE_SIZE = 25;

const FIELDS = ['cost', 'floor', 'ceiling', 'map'] as const;
type Field = (typeof FIELDS)[number];
const FIELD_LABEL: Record<Field, string> = { cost: 'Cost', floor: 'Floor', ceiling: 'Ceiling', map: 'MAP' };
const VIEW_LABEL: Record<ListingView, string> = { all: 'All', price_war: 'Price war', below_margin: 'Below target margin', no_buy_box: 'Buy Box lost', buy_box_ineligible: 'Not Buy Box eligible', unread: 'Not read yet' };

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { projectId } = await consoleProject(request);
  // A link with a view or page out of range opens the first page of all listings (the API refuses it instead).
  let options;
  try {
    options = listingOptionsFrom(new URL(request.url).searchParams);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    options = {};
  }
  // Read before the list: the live refresh starts from it, so a reading stored in between still reloads.
  const live = await readingsVersion(projectId);
  return { live, list: await listListings(projectId, { pageSize: PAGE_SIZE, ...options }), query: options.q ?? '', sort: `${options.sort ?? 'title'} ${options.direction ?? 'asc'}`, now: Date.now() };
};

const SORTS: IndexFiltersProps['sortOptions'] = [
  { label: 'Product', value: 'title asc', directionLabel: 'A–Z' },
  { label: 'Product', value: 'title desc', directionLabel: 'Z–A' },
  { label: 'SKU', value: 'sku asc', directionLabel: 'A–Z' },
  { label: 'SKU', value: 'sku desc', directionLabel: 'Z–A' },
  { label: 'Linked', value: 'linked desc', directionLabel: 'Newest first' },
  { label: 'Linked', value: 'linked asc', directionLabel: 'Oldest first' },
];

type Draft = Record<Field, string>;

export default function ListingsPage() {
  const initial = useLoaderData<typeof loader>();
  const { smDown } = useBreakpoints();
  const [list, setList] = useState<ListListingsResult>(initial.list as ListListingsResult);
  const [tab, setTab] = useState(Math.max(0, LISTING_VIEWS.indexOf(initial.list.view)));
  const [query, setQuery] = useState(initial.query);
  const [sort, setSort] = useState<string[]>([initial.sort]);
  const [page, setPage] = useState(initial.list.page);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(initial.now);
  const zone = useShopZone();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>({ cost: '', floor: '', ceiling: '', map: '' });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [saving, setSaving] = useState(false);
  const { mode, setMode } = useSetIndexFiltersMode();
  const view = LISTING_VIEWS[tab]!;

  const load = useCallback(async () => {
    setLoading(true);
    const [field, direction] = (sort[0] ?? 'title asc').split(' ');
    const params = new URLSearchParams({ view, sort: field!, direction: direction!, page: String(page), pageSize: String(PAGE_SIZE), ...(query.trim() ? { q: query.trim() } : {}) });
    try {
      setList(await apiFetch<ListListingsResult>(`/api/listings?${params}`));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [view, sort, page, query]);

  // Search as the merchant types, a moment after they stop.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => void load(), 250);
    return () => clearTimeout(timer);
  }, [load]);

  // "read 2 min ago" moves on; while the first readings run, the list is read again every few seconds.
  const reading = list.progress.total > 0 && list.progress.read < list.progress.total;
  useEffect(() => {
    setNow(Date.now());
    const clock = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(clock);
  }, []);
  useLiveRefresh(() => void load(), { topic: 'readings', since: initial.live, hold: !reading || editing !== null });

  const startEdit = (row: ListingRowView) => {
    setEditing(row.id);
    setFieldErrors({});
    setDraft({ cost: row.cost ?? '', floor: row.floor ?? '', ceiling: row.ceiling ?? '', map: row.map ?? '' });
  };

  const save = async (row: ListingRowView) => {
    // Only what changed is sent; an emptied floor, ceiling or MAP is cleared.
    const changes = Object.fromEntries(FIELDS.filter((f) => draft[f].trim() !== (row[f] ?? '')).map((f) => [f, draft[f].trim()]));
    if (Object.keys(changes).length === 0) {
      setEditing(null);
      return;
    }
    setSaving(true);
    try {
      const { row: saved } = await apiFetch<{ row: ListingRowView }>(`/api/listings/${row.id}`, { method: 'PATCH', body: changes });
      setList((current) => ({ ...current, rows: current.rows.map((r) => (r.id === saved.id ? saved : r)) }));
      setEditing(null);
      setFieldErrors({});
      toast(`Saved ${row.title}`);
    } catch (e) {
      const errors = e instanceof ApiProblem ? (e.problem?.errors as Array<{ path: string; message: string }> | undefined) : undefined;
      const mine = Object.fromEntries((errors ?? []).filter((x) => (FIELDS as readonly string[]).includes(x.path)).map((x) => [x.path, x.message]));
      if (Object.keys(mine).length > 0) setFieldErrors(mine);
      else setError(errorMessage(e));
      errorToast(Object.keys(mine).length > 0 ? 'Not saved: check the highlighted field' : 'Not saved');
    } finally {
      setSaving(false);
    }
  };

  const field = (row: ListingRowView, f: Field) => (
    <div onClick={(e) => e.stopPropagation()} style={{ minWidth: 96, maxWidth: 180, whiteSpace: 'normal' }} data-field={f}>
      <TextField
        label={`${FIELD_LABEL[f]} of ${row.title}`}
        labelHidden={!smDown}
        autoComplete="off"
        inputMode="decimal"
        value={draft[f]}
        onChange={(value) => {
          setDraft((d) => ({ ...d, [f]: value }));
          setFieldErrors(({ [f]: _dropped, ...rest }) => rest);
        }}
        placeholder={f === 'cost' ? '12.50' : 'none'}
        suffix={row.currency}
        error={fieldErrors[f]}
      />
    </div>
  );
  const amount = (row: ListingRowView, f: Field) => (
    <Text as="span" numeric tone={row[f] ? undefined : 'subdued'}>
      <span data-value={f}>{row[f] ? formatPrice({ amount: row[f]!, currency: row.currency }) : '—'}</span>
    </Text>
  );
  const editActions = (row: ListingRowView) =>
    editing === row.id ? (
      <div onClick={(e) => e.stopPropagation()}>
        <InlineStack gap="200" wrap={false}>
          <Button variant="primary" size="slim" loading={saving} onClick={() => void save(row)}>
            Save
          </Button>
          <Button size="slim" onClick={() => setEditing(null)}>
            Cancel
          </Button>
        </InlineStack>
      </div>
    ) : (
      <div onClick={(e) => e.stopPropagation()}>
        <Button size="slim" onClick={() => startEdit(row)} accessibilityLabel={`Edit cost, floor, ceiling and MAP of ${row.title}`}>
          Edit
        </Button>
      </div>
    );
  const prices = (row: ListingRowView) => (
    <BlockStack gap="050">
      {row.channels.map((c) => (
        <Text as="span" key={c.listingId} variant="bodySm" numeric>
          {channelName(c.platform, c.marketplaceId)} {formatPrice(c.price)}
        </Text>
      ))}
    </BlockStack>
  );
  const buyBox = (row: ListingRowView) =>
    row.buyBox === null ? (
      <Text as="span" tone="subdued">—</Text>
    ) : row.buyBox.holder === 'ours' ? (
      <Badge tone="success">Ours</Badge>
    ) : row.buyBox.holder === 'other' ? (
      <Badge tone="warning">{`${row.buyBox.sellerId ?? 'Another seller'}${row.buyBox.price ? ` · ${formatPrice(row.buyBox.price)}` : ''}`}</Badge>
    ) : (
      <Text as="span" tone="subdued">Nobody</Text>
    );
  const freshness = (row: ListingRowView) => (
    <span data-section="freshness">
      {row.reading === 'reading' ? <Badge tone="info">Reading…</Badge> : <Text as="span" tone="subdued">{readLabel(row.readAt, row.readSource, now, zone)}</Text>}
    </span>
  );
  const lastChange = (row: ListingRowView) =>
    row.lastChange ? (
      <Text as="span" variant="bodySm">
        {formatPrice({ amount: row.lastChange.from, currency: row.lastChange.currency })} → {formatPrice({ amount: row.lastChange.to, currency: row.lastChange.currency })}
        <br />
        <Text as="span" tone="subdued" variant="bodySm">
          {freshnessLabel(row.lastChange.at, now, '', zone)}
        </Text>
      </Text>
    ) : (
      <Text as="span" tone="subdued">—</Text>
    );
  const product = (row: ListingRowView) => (
    <BlockStack gap="050">
      <Link to={`/app/listings/${row.id}`} onClick={(e) => e.stopPropagation()} data-testid="listing-link">
        <Text as="span" fontWeight="semibold">
          {row.title}
        </Text>
      </Link>
      <InlineStack gap="100">
        <Text as="span" variant="bodySm" tone="subdued">
          {row.sku}
        </Text>
        {row.priceWar && <Badge tone="critical">Price war</Badge>}
      </InlineStack>
    </BlockStack>
  );

  const rowMarkup = list.rows.map((row, index) =>
    smDown ? (
      // Condensed: one cell holding the whole row, stacked for a phone.
      <IndexTable.Row id={row.id} key={row.id} position={index}>
        <div style={{ padding: 'var(--p-space-300) var(--p-space-400)', width: '100%' }} data-row={row.sku}>
          <BlockStack gap="200">
            <InlineStack align="space-between" blockAlign="start" wrap={false} gap="200">
              {product(row)}
              {freshness(row)}
            </InlineStack>
            {prices(row)}
            <InlineStack gap="300">
              <Text as="span" variant="bodySm">Buy Box:</Text>
              {buyBox(row)}
              <Text as="span" variant="bodySm" tone="subdued">
                {row.competitors === null ? '' : `${row.competitors} competing`}
              </Text>
            </InlineStack>
            {editing === row.id ? (
              <BlockStack gap="200">
                {FIELDS.map((f) => (
                  <div key={f}>{field(row, f)}</div>
                ))}
              </BlockStack>
            ) : (
              <InlineStack gap="300" wrap>
                {FIELDS.map((f) => (
                  <Text as="span" variant="bodySm" key={f}>
                    {FIELD_LABEL[f]} {amount(row, f)}
                  </Text>
                ))}
              </InlineStack>
            )}
            {editActions(row)}
          </BlockStack>
        </div>
      </IndexTable.Row>
    ) : (
      <IndexTable.Row id={row.id} key={row.id} position={index}>
        <IndexTable.Cell>
          <div data-row={row.sku}>{product(row)}</div>
        </IndexTable.Cell>
        {FIELDS.map((f) => (
          <IndexTable.Cell key={f}>{editing === row.id ? field(row, f) : amount(row, f)}</IndexTable.Cell>
        ))}
        <IndexTable.Cell>{editActions(row)}</IndexTable.Cell>
        <IndexTable.Cell>{prices(row)}</IndexTable.Cell>
        <IndexTable.Cell>{buyBox(row)}</IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" numeric>
            {row.competitors ?? '—'}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>{freshness(row)}</IndexTable.Cell>
        <IndexTable.Cell>{lastChange(row)}</IndexTable.Cell>
      </IndexTable.Row>
    ),
  );

  const tabs = useMemo(() => LISTING_VIEWS.map((v, i) => ({ id: v, content: VIEW_LABEL[v], index: i, onAction: () => undefined, isLocked: true })), []);
  const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));

  return (
    <Page fullWidth>
      <TitleBar title="Listings" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {list.alertsDown.map((platform) => (
              <Banner key={platform} tone="warning" title={`${channelName(platform, null)}’s live price alerts are paused; Calibrate is reading prices on its own schedule`}>
                <p>Competitor prices still arrive, a little later than usual; the alerts resume on their own.</p>
              </Banner>
            ))}
            {reading && (
              <Banner tone="info" title={`Reading competitor prices: ${list.progress.read} of ${list.progress.total} listings read`}>
                <p>Listings not read yet say “Reading…” until Amazon’s offers for them arrive; only then do the rules price them against the competition.</p>
              </Banner>
            )}
            <ErrorBanner error={error} onDismiss={() => setError(null)} title="Something went wrong" />
            <Card padding="0">
              <IndexFilters
                sortOptions={SORTS}
                sortSelected={sort}
                onSort={(value) => {
                  setSort(value);
                  setPage(1);
                }}
                queryValue={query}
                queryPlaceholder="Search by product or SKU"
                onQueryChange={(value) => {
                  setQuery(value);
                  setPage(1);
                }}
                onQueryClear={() => setQuery('')}
                tabs={tabs}
                selected={tab}
                onSelect={(index) => {
                  setTab(index);
                  setPage(1);
                }}
                filters={[]}
                appliedFilters={[]}
                onClearAll={() => setQuery('')}
                mode={mode}
                setMode={setMode}
                cancelAction={{ onAction: () => setQuery(''), disabled: false, loading: false }}
                canCreateNewView={false}
                loading={loading}
              />
              <IndexTable
                condensed={smDown}
                selectable={false}
                resourceName={{ singular: 'listing', plural: 'listings' }}
                itemCount={list.rows.length}
                loading={loading}
                emptyState={
                  <EmptyState heading={view === 'all' ? 'No linked products yet' : `No listings in “${VIEW_LABEL[view]}”`} image="">
                    <p>Products listed on Shopify and Amazon under one SKU are linked when the platforms sync; link others by hand on the integrations page.</p>
                  </EmptyState>
                }
                headings={[
                  { title: 'Product' },
                  { title: 'Cost', alignment: 'end' },
                  { title: 'Floor', alignment: 'end' },
                  { title: 'Ceiling', alignment: 'end' },
                  { title: 'MAP', alignment: 'end' },
                  { title: '', hidden: true },
                  { title: 'Prices' },
                  { title: 'Buy Box' },
                  { title: 'Competitors', alignment: 'end' },
                  { title: 'Read' },
                  { title: 'Last change' },
                ]}
                pagination={{
                  hasPrevious: page > 1,
                  hasNext: page < pages,
                  onPrevious: () => setPage((p) => Math.max(1, p - 1)),
                  onNext: () => setPage((p) => p + 1),
                  label: `Page ${page} of ${pages} · ${list.total.toLocaleString('en')} listing${list.total === 1 ? '' : 's'}`,
                }}
              >
                {rowMarkup}
              </IndexTable>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
