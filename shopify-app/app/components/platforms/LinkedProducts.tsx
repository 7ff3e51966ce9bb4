// Products linked across platforms, each platform's listing and current price side by side (a column
// per registered platform), with unlink; and the listings in no link, to link by hand when SKUs differ.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Pagination, SkeletonBodyText, Text, TextField, useBreakpoints, useIndexResourceState } from '@shopify/polaris';
import type { LinkedListingView, LinkPage, ProductLinkView } from '../../platforms/product-links.server';
import { apiFetch, errorMessage, formatPrice } from './api-client';

export interface PlatformColumn {
  platform: string;
  displayName: string;
}

function ListingCell({ listings }: { listings: LinkedListingView[] }) {
  if (listings.length === 0) {
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  }
  return (
    <BlockStack gap="050">
      {listings.map((l) => (
        <BlockStack gap="0" key={l.id}>
          <Text as="span" fontWeight="semibold" numeric>
            <span data-price={`${l.platform}:${l.sku ?? ''}`}>{formatPrice(l.price)}</span>
          </Text>
          <Text as="span" variant="bodySm" tone="subdued">
            {[l.sku, l.marketplaceId, l.variantTitle].filter(Boolean).join(' · ')}
          </Text>
        </BlockStack>
      ))}
    </BlockStack>
  );
}

/** A link's product: its title, SKU and whether it was linked by hand (both layouts). */
function ProductName({ link }: { link: ProductLinkView }) {
  return (
    <BlockStack gap="050">
      <Text as="span" fontWeight="semibold">
        {link.title ?? link.sku}
      </Text>
      <InlineStack gap="100">
        <Text as="span" variant="bodySm" tone="subdued">
          {link.sku}
        </Text>
        {link.source === 'manual' ? <Badge size="small">Linked by hand</Badge> : null}
      </InlineStack>
    </BlockStack>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function LinkedProducts({ initial, columns, version, onChanged }: { initial: LinkPage; columns: PlatformColumn[]; version: number; onChanged: () => void }) {
  const [page, setPage] = useState(initial);
  // Below Polaris' small breakpoint (a phone) the table is a list of compact rows.
  const condensed = useBreakpoints().smDown;
  const [pageNumber, setPageNumber] = useState(1);
  const [query, setQuery] = useState('');
  const debouncedQuery = useDebounced(query, 300);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const params = new URLSearchParams({ page: String(pageNumber), ...(debouncedQuery ? { q: debouncedQuery } : {}) });
      setPage(await apiFetch<LinkPage>(`/api/product-links?${params}`));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [pageNumber, debouncedQuery]);

  useEffect(() => {
    setPage(initial);
  }, [initial]);
  useEffect(() => {
    if (version === 0 && pageNumber === 1 && debouncedQuery === '') return;
    void load();
  }, [load, version, pageNumber, debouncedQuery]);

  const unlink = async (link: ProductLinkView) => {
    try {
      await apiFetch(`/api/product-links/${link.id}`, { method: 'DELETE' });
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  return (
    <Card padding="0">
      <div style={{ padding: 'var(--p-space-400)' }}>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Linked products
            </Text>
            <Text as="span" tone="subdued">
              {page.total} linked across platforms
            </Text>
          </InlineStack>
          <TextField
            label="Search linked products"
            labelHidden
            placeholder="Search by SKU or title"
            value={query}
            onChange={(v) => {
              setQuery(v);
              setPageNumber(1);
            }}
            autoComplete="off"
            clearButton
            onClearButtonClick={() => setQuery('')}
          />
          {error ? (
            <Banner tone="critical" title="Linked products could not be loaded" action={{ content: 'Retry', onAction: () => void load() }}>
              <p>{error}</p>
            </Banner>
          ) : null}
        </BlockStack>
      </div>
      {loading && page.links.length === 0 ? (
        <div style={{ padding: 'var(--p-space-400)' }}>
          <SkeletonBodyText lines={5} />
        </div>
      ) : page.links.length === 0 ? (
        <EmptyState heading={query ? 'No linked product matches' : 'No linked products yet'} image="">
          <p>Sync two platforms: listings with the same SKU are linked automatically. Link differing SKUs by hand below.</p>
        </EmptyState>
      ) : (
        <div data-section="linked-products">
          <IndexTable
            resourceName={{ singular: 'linked product', plural: 'linked products' }}
            itemCount={page.links.length}
            selectable={false}
            condensed={condensed}
            loading={loading}
            headings={[{ title: 'Product' }, ...columns.map((c) => ({ title: c.displayName })), { title: '' }] as never}
          >
            {page.links.map((link, index) =>
              // A phone: one compact cell per linked product (IndexTable's condensed list), platforms stacked.
              condensed ? (
                <IndexTable.Row id={link.id} key={link.id} position={index}>
                  <div style={{ padding: 'var(--p-space-300) var(--p-space-400)', width: '100%', minWidth: 0, whiteSpace: 'normal' }}>
                    <BlockStack gap="200">
                      <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                        <ProductName link={link} />
                        <Button variant="plain" tone="critical" onClick={() => void unlink(link)} accessibilityLabel={`Unlink ${link.sku}`}>
                          Unlink
                        </Button>
                      </InlineStack>
                      {columns.map((c) => (
                        <InlineStack key={c.platform} gap="200" blockAlign="start" wrap={false}>
                          <div style={{ minWidth: 72 }}>
                            <Text as="span" variant="bodySm" tone="subdued">
                              {c.displayName}
                            </Text>
                          </div>
                          <ListingCell listings={link.listings.filter((l) => l.platform === c.platform)} />
                        </InlineStack>
                      ))}
                    </BlockStack>
                  </div>
                </IndexTable.Row>
              ) : (
                <IndexTable.Row id={link.id} key={link.id} position={index}>
                  <IndexTable.Cell>
                    <ProductName link={link} />
                  </IndexTable.Cell>
                  {columns.map((c) => (
                    <IndexTable.Cell key={c.platform}>
                      <ListingCell listings={link.listings.filter((l) => l.platform === c.platform)} />
                    </IndexTable.Cell>
                  ))}
                  <IndexTable.Cell>
                    <Button variant="plain" tone="critical" onClick={() => void unlink(link)} accessibilityLabel={`Unlink ${link.sku}`}>
                      Unlink
                    </Button>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ),
            )}
          </IndexTable>
        </div>
      )}
      <div style={{ padding: 'var(--p-space-400)', display: 'flex', justifyContent: 'center' }}>
        <Pagination
          hasPrevious={pageNumber > 1}
          hasNext={pageNumber < pages}
          onPrevious={() => setPageNumber((n) => n - 1)}
          onNext={() => setPageNumber((n) => n + 1)}
          label={`Page ${pageNumber} of ${pages}`}
        />
      </div>
    </Card>
  );
}

/** Listings in no link: pick two or more (SKUs may differ) and link them. */
export function ManualLinking({ columns, version, onChanged }: { columns: PlatformColumn[]; version: number; onChanged: () => void }) {
  const [query, setQuery] = useState('');
  const debouncedQuery = useDebounced(query, 300);
  const [listings, setListings] = useState<LinkedListingView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [linking, setLinking] = useState(false);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState((listings ?? []) as unknown as Array<{ [key: string]: unknown }>);
  const names = Object.fromEntries(columns.map((c) => [c.platform, c.displayName]));

  useEffect(() => {
    let cancelled = false;
    const params = new URLSearchParams({ unlinked: '1', ...(debouncedQuery ? { q: debouncedQuery } : {}) });
    apiFetch<{ listings: LinkedListingView[] }>(`/api/product-links?${params}`)
      .then((r) => {
        if (!cancelled) {
          setListings(r.listings);
          setError(null);
        }
      })
      .catch((e: unknown) => !cancelled && setError(errorMessage(e)));
    return () => {
      cancelled = true;
    };
  }, [debouncedQuery, version]);

  const link = async () => {
    setLinking(true);
    try {
      await apiFetch('/api/product-links', { body: { listingIds: selectedResources } });
      clearSelection();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLinking(false);
    }
  };

  return (
    <Card padding="0">
      <div style={{ padding: 'var(--p-space-400)' }}>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <BlockStack gap="050">
              <Text as="h2" variant="headingMd">
                Link by hand
              </Text>
              <Text as="p" variant="bodySm" tone="subdued">
                Listings in no link. Select the same product on two platforms when their SKUs differ.
              </Text>
            </BlockStack>
            <Button onClick={() => void link()} disabled={selectedResources.length < 2} loading={linking}>
              {`Link ${selectedResources.length || ''} selected`.replace('  ', ' ')}
            </Button>
          </InlineStack>
          <TextField label="Search unlinked listings" labelHidden placeholder="Search by SKU or title" value={query} onChange={setQuery} autoComplete="off" clearButton onClearButtonClick={() => setQuery('')} />
          {error ? (
            <Banner tone="critical" onDismiss={() => setError(null)}>
              <p>{error}</p>
            </Banner>
          ) : null}
        </BlockStack>
      </div>
      {listings === null ? (
        <div style={{ padding: 'var(--p-space-400)' }}>
          <SkeletonBodyText lines={4} />
        </div>
      ) : (
        <div data-section="unlinked-listings">
          <IndexTable
            resourceName={{ singular: 'listing', plural: 'listings' }}
            itemCount={listings.length}
            selectedItemsCount={allResourcesSelected ? 'All' : selectedResources.length}
            onSelectionChange={handleSelectionChange}
            headings={[{ title: 'Platform' }, { title: 'Listing' }, { title: 'SKU' }, { title: 'Price' }]}
            emptyState={<Text as="p" tone="subdued">Every listing is linked.</Text>}
          >
            {listings.map((l, index) => (
              <IndexTable.Row id={l.id} key={l.id} position={index} selected={selectedResources.includes(l.id)}>
                <IndexTable.Cell>{names[l.platform] ?? l.platform}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span">{[l.title, l.variantTitle].filter(Boolean).join(' / ')}</Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{l.sku ?? '—'}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" numeric>
                    {formatPrice(l.price)}
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
              ),
            )}
          </IndexTable>
        </div>
      )}
    </Card>
  );
}
