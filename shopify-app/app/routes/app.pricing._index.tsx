// /app/pricing: the suggestions waiting for the merchant, in a Polaris IndexTable: status tabs, filters by
// platform and rule, search by product, SKU or rule, sort; all of it done by the server a page at a time
// (GET /api/pricing/suggestions). Approve or reject in bulk, edit a price before approving (checked here
// as a decimal in the currency's minor units, then as Money and against the guardrails by the server; a
// bad price shows its error under the field; the Change column follows the edited price as it is typed;
// an edit the server finds too far from the current price asks for a confirmation before anything is
// approved), each row's explanation (what moved, which rule, which guardrail). A dry run shows what the
// rules would do across the catalog, creating nothing. The Admin's title bar holds the page's actions;
// outcomes are toasts, refusals a banner listing each reason, confirmations App Bridge modals.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Modal, TitleBar } from '@shopify/app-bridge-react';
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  EmptyState,
  IndexFilters,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
  useIndexResourceState,
  useBreakpoints,
  useSetIndexFiltersMode,
  type IndexFiltersProps,
} from '@shopify/polaris';
import { ErrorBanner } from '../components/ErrorBanner';
import { errorToast, toast } from '../components/frame/admin';
import { useBusyAction } from '../components/pricing/busy-action';
import { ApiProblem, apiFetch, downloadCsv, errorMessage, formatPercent, formatPrice, statusLabel, STATUS_TONES } from '../components/pricing/format';
import { useLiveRefresh } from '../components/live/use-live-refresh';
import { decisionOutcome, generateOutcome } from '../components/pricing/outcome-text';
import { PushProgress, usePushProgress } from '../components/pricing/PushProgress';
import { ReadingAge } from '../components/pricing/ReadingAge';
import { consoleProject } from '../pricing/console.server';
import { pricingVersion } from '../pricing/live.server';
import { pushProgress } from '../pricing/progress.server';
import { listSuggestions, suggestionFacets, type SuggestionView } from '../pricing/suggestions.server';

const PAGE_SIZE = 25;
const STATUS_TABS = ['pending', 'approved', 'auto_approved', 'rejected', 'superseded', 'all'] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { projectId } = await consoleProject(request);
  // Read before the lists: the live refresh starts from it, so a change stored in between still reloads.
  const live = await pricingVersion(projectId);
  const [list, progress, facets] = await Promise.all([listSuggestions(projectId, { status: 'pending', pageSize: PAGE_SIZE }), pushProgress(projectId), suggestionFacets(projectId)]);
  return { live, list, progress, facets };
};

/**
 * A price as the merchant typed it: a plain decimal with at most the currency's minor-unit digits
 * (Intl knows them: 2 for USD, 0 for JPY, 3 for KWD). The server checks it again as Money and against
 * the guardrails; this only catches typing mistakes before anything is sent.
 */
export function editedPriceError(value: string, currency: string): string | null {
  const text = value.trim();
  if (text === '') return 'Enter a price';
  const digits = minorDigits(currency);
  if (digits === null) return `Unknown currency ${currency}`;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) return `Enter a plain decimal such as ${digits === 0 ? '1500' : `19.${'9'.repeat(digits)}`} (no sign, letters, spaces or thousands separators)`;
  const fraction = text.split('.')[1] ?? '';
  if (fraction.length > digits) return digits === 0 ? `${currency} has no minor unit: whole amounts only` : `${currency} has ${digits} decimals at most`;
  if (/^0*(\.0*)?$/.test(text)) return 'The price must be above zero';
  return null;
}

/** The currency's minor-unit digits as Intl knows them, or null for an unknown currency. */
function minorDigits(currency: string): number | null {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
}

/**
 * The change an edited price makes to the current price, as the Change column shows it (signed percent,
 * two decimals, half-even like the server's), in integer minor units; null while the edit isn't a price.
 */
export function editedChangePercent(current: { amount: string; currency: string }, edited: string): string | null {
  if (editedPriceError(edited, current.currency) !== null) return null;
  const digits = minorDigits(current.currency) ?? 2;
  const minor = (text: string) => {
    const [whole, fraction = ''] = text.trim().split('.');
    return BigInt(whole!) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  };
  const from = minor(current.amount);
  if (from === 0n) return null;
  const numerator = (minor(edited) - from) * 10_000n;
  let hundredths = numerator / from;
  const twice = (numerator % from < 0n ? -(numerator % from) : numerator % from) * 2n;
  if (twice > from || (twice === from && hundredths % 2n !== 0n)) hundredths += numerator < 0n ? -1n : 1n;
  const size = hundredths < 0n ? -hundredths : hundredths;
  return `${hundredths < 0n ? '-' : ''}${size / 100n}.${String(size % 100n).padStart(2, '0')}`;
}

/** An edited price the server wants confirmed (its `largeChanges` problem member). */
interface LargeChange {
  suggestionId: string;
  title: string;
  currency: string;
  from: string;
  to: string;
  changePercent: string | null;
  limitPercent: string;
  limitSource: 'rule_step_limit' | 'default';
}

type ListResult = Awaited<ReturnType<typeof listSuggestions>>;
interface DecideResult {
  approved: Array<{ suggestionId: string; changeId: string }>;
  rejected: string[];
  refused: Array<{ suggestionId: string; code: string; message: string }>;
}
interface DryRunResult {
  counts: { evaluated: number; suggest: number; no_change: number; skipped: number; blocked: number; autoApprove: number };
  rows: Array<{ itemId: string; title: string; sku: string | null; status: string; reason: string | null; ruleName: string | null; current: { amount: string; currency: string } | null; suggested: { amount: string; currency: string } | null; changePercent: string | null; summary: string; readAt?: string | null }>;
  total: number;
}

const SORTS: IndexFiltersProps['sortOptions'] = [
  { label: 'Created', value: 'created desc', directionLabel: 'Newest first' },
  { label: 'Created', value: 'created asc', directionLabel: 'Oldest first' },
  { label: 'Change', value: 'change asc', directionLabel: 'Biggest cut first' },
  { label: 'Change', value: 'change desc', directionLabel: 'Biggest rise first' },
  { label: 'Product', value: 'title asc', directionLabel: 'A–Z' },
  { label: 'Product', value: 'title desc', directionLabel: 'Z–A' },
  { label: 'Suggested price', value: 'suggested asc', directionLabel: 'Lowest first' },
  { label: 'Suggested price', value: 'suggested desc', directionLabel: 'Highest first' },
];

export default function SuggestionsPage() {
  const initial = useLoaderData<typeof loader>();
  const [list, setList] = useState<ListResult>(initial.list as ListResult);
  const [tab, setTab] = useState(0);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<string[]>(['created desc']);
  const [page, setPage] = useState(1);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** What an action could not do, with each item's reason (what it did do is a toast). */
  const [notice, setNotice] = useState<{ title: string; lines: string[] } | null>(null);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState<string | null>(null);
  const [dryRun, setDryRun] = useState<DryRunResult | null>(null);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [platform, setPlatform] = useState<string[]>([]);
  /** A decision waiting for the merchant to confirm its large edited prices. */
  const [confirming, setConfirming] = useState<{ ids: string[]; changes: LargeChange[] } | null>(null);
  const [rule, setRule] = useState<string[]>([]);
  // The modal's hide event also fires when it closes because the merchant confirmed: only a dismissal cancels.
  const confirmingRef = useRef(confirming);
  confirmingRef.current = confirming;
  const facets = initial.facets;
  const { busy, run } = useBusyAction();
  const { mode, setMode } = useSetIndexFiltersMode();
  const { progress, refresh: refreshProgress, watch } = usePushProgress(initial.progress, { since: initial.live });
  const status = STATUS_TABS[tab]!;
  // Below Polaris' small breakpoint (a phone) the table is a list of compact rows.
  const condensed = useBreakpoints().smDown;

  const load = useCallback(async () => {
    setLoading(true);
    const [field, direction] = (sort[0] ?? 'created desc').split(' ');
    const params = new URLSearchParams({
      status,
      sort: field!,
      direction: direction!,
      page: String(page),
      pageSize: String(PAGE_SIZE),
      ...(query.trim() ? { q: query.trim() } : {}),
      ...(platform[0] ? { platform: platform[0] } : {}),
      ...(rule[0] ? { rule: rule[0] } : {}),
    });
    try {
      setList(await apiFetch<ListResult>(`/api/pricing/suggestions?${params}`));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [status, sort, page, query, platform, rule]);

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

  // New suggestions and decided ones show by themselves, but never while a price field is open (or shows its
  // error), a large change waits for confirmation, or a decision is in flight. Edited prices and the
  // selection are kept by suggestion id, so a reload keeps them.
  useLiveRefresh(load, { since: initial.live, hold: editing !== null || Object.keys(rowErrors).length > 0 || confirming !== null || busy !== null });

  const rows = list.rows;
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows as unknown as Array<{ [key: string]: unknown; id: string }>);

  const decide = async (action: 'approve' | 'reject', ids: string[], confirmLargeChange = false) => {
    setNotice(null);
    if (action === 'approve') {
      // An edited price with a typing mistake is never sent: its error shows under the field.
      const bad = Object.fromEntries(
        ids.flatMap((id) => {
          const row = rows.find((r) => r.id === id);
          const problem = edits[id] !== undefined && row ? editedPriceError(edits[id]!, row.suggested.currency) : null;
          return problem ? [[id, problem]] : [];
        }),
      );
      if (Object.keys(bad).length > 0) {
        setRowErrors((current) => ({ ...current, ...bad }));
        setEditing(Object.keys(bad)[0]!);
        setNotice({ title: 'Nothing was approved: fix the edited price first', lines: [] });
        return;
      }
    }
    await run(action, async () => {
      // "Select all N" across pages: the server resolves the same filters to ids (edited prices still ride along).
      const matching = allResourcesSelected && list.total > rows.length ? { q: query.trim(), platform: platform[0] ?? '', rule: rule[0] ?? '' } : null;
      const sent = matching ? ids.filter((id) => edits[id] !== undefined) : ids;
      const body =
        action === 'approve'
          ? { action, ...(matching ? { matching } : {}), items: sent.map((id) => (edits[id] !== undefined ? { id, amount: edits[id] } : { id })), ...(confirmLargeChange ? { confirmLargeChange } : {}) }
          : { action, ...(matching ? { matching } : { ids }) };
      const result = await apiFetch<DecideResult>('/api/pricing/suggestions', { body });
      const outcome = decisionOutcome(action, action === 'approve' ? result.approved.length : result.rejected.length, result.refused.length);
      if (outcome.toast) toast(outcome.toast);
      setNotice(outcome.warning ? { title: outcome.warning, lines: result.refused.map((r) => `${rows.find((s) => s.id === r.suggestionId)?.title ?? r.suggestionId}: ${r.message}`) } : null);
      setEdits((current) => Object.fromEntries(Object.entries(current).filter(([id]) => !ids.includes(id) || result.refused.some((r) => r.suggestionId === id))));
      // The server's word on an edited price (not Money in this currency, or outside a guardrail) goes under its field.
      const refusedEdits = result.refused.filter((r) => edits[r.suggestionId] !== undefined && (r.code === 'validation' || r.code === 'guardrail'));
      setRowErrors((current) => ({ ...Object.fromEntries(Object.entries(current).filter(([id]) => !ids.includes(id))), ...Object.fromEntries(refusedEdits.map((r) => [r.suggestionId, r.message])) }));
      if (refusedEdits[0]) setEditing(refusedEdits[0].suggestionId);
      clearSelection();
      await load();
      watch();
      void refreshProgress();
    }, (e) => {
      // Nothing was approved: the server wants the large edited prices confirmed first.
      const large = e instanceof ApiProblem ? (e.problem?.largeChanges as LargeChange[] | undefined) : undefined;
      if (large?.length) setConfirming({ ids, changes: large });
      else errorToast(errorMessage(e));
    });
  };

  const cancelLargeChange = () => {
    const first = confirming?.changes[0]?.suggestionId;
    setConfirming(null);
    setNotice({ title: 'Nothing was approved: check the edited price', lines: [] });
    if (first && rows.some((r) => r.id === first)) setEditing(first);
  };

  const generate = async () => {
    await run('generate', async () => {
      const result = await apiFetch<{ created: number; kept: number; autoApproved: number; blocked: number; evaluated: number }>('/api/pricing/suggestions/generate', { body: {} });
      toast(generateOutcome(result));
      await load();
      watch();
    });
  };

  // A full sync of every connected platform (the listings and prices the rules work on); its progress
  // shows in the banner above the table.
  const syncAll = async () => {
    await run('sync', async () => {
      for (const platform of facets.platforms) await apiFetch(`/api/platforms/${platform}/sync`, { body: { mode: 'full' } });
      toast('Sync started');
      watch();
      void refreshProgress();
    });
  };

  const runDryRun = async () => {
    await run('dry-run', async () => {
      setDryRun(await apiFetch<DryRunResult>('/api/pricing/dry-run', { body: { pageSize: 100 } }));
    });
  };

  const tabs = useMemo(() => STATUS_TABS.map((s, i) => ({ id: s, content: s === 'all' ? 'All' : statusLabel(s), badge: s === 'all' ? undefined : String(list.counts[s] ?? 0), index: i, onAction: () => undefined, isLocked: true })), [list.counts]);
  const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));

  // The suggested price, or its edit field while the merchant edits it (both layouts show the same).
  const priceCell = (s: SuggestionView) => {
    const edited = edits[s.id];
    return editing === s.id || rowErrors[s.id] ? (
      <div onClick={(e) => e.stopPropagation()} style={{ maxWidth: 220, whiteSpace: 'normal' }} data-section="price-edit">
        <TextField
          label={`New price for ${s.title}`}
          labelHidden
          autoComplete="off"
          inputMode="decimal"
          value={edited ?? s.suggested.amount}
          onChange={(value) => {
            setEdits((current) => ({ ...current, [s.id]: value }));
            setRowErrors((current) => {
              const problem = editedPriceError(value, s.suggested.currency);
              const { [s.id]: _dropped, ...rest } = current;
              return problem ? { ...rest, [s.id]: problem } : rest;
            });
          }}
          onBlur={() => setEditing(null)}
          suffix={s.suggested.currency}
          error={rowErrors[s.id]}
          autoFocus={editing === s.id}
        />
      </div>
    ) : (
      <InlineStack gap="100" blockAlign="center">
        <Text as="span" numeric fontWeight={edited ? 'bold' : 'regular'}>
          {formatPrice(s.approved ?? { amount: edited ?? s.suggested.amount, currency: s.suggested.currency })}
        </Text>
        {edited && <Badge tone="attention">edited</Badge>}
        {s.status === 'pending' && (
          <div onClick={(e) => e.stopPropagation()}>
            <Button variant="plain" onClick={() => setEditing(s.id)} accessibilityLabel={`Edit the price of ${s.title}`}>
              Edit
            </Button>
          </div>
        )}
      </InlineStack>
    );
  };

  // The edited price's real change, against the current price, as it is typed.
  const changeOf = (s: SuggestionView) => (s.status === 'pending' && edits[s.id] !== undefined ? editedChangePercent(s.current, edits[s.id]!) : s.changePercent);
  const changeText = (s: SuggestionView) => {
    const change = changeOf(s);
    return (
      <Text as="span" numeric tone={change?.startsWith('-') ? 'critical' : 'success'}>
        <span data-section="change">{formatPercent(change)}</span>
      </Text>
    );
  };
  // The explanation, cut to `length` characters until the merchant asks why.
  const whyText = (s: SuggestionView, length: number) => {
    const shown = expanded === s.id || s.summary.length <= length ? s.summary : `${s.summary.slice(0, length)}…`;
    return (
      <div onClick={(e) => e.stopPropagation()} style={{ maxWidth: 420, whiteSpace: 'normal' }}>
        <Text as="p" variant="bodySm">
          {shown}
        </Text>
        {/* How old the competition this suggestion followed is. */}
        <ReadingAge readAt={s.readAt} />
        {s.summary.length > length && (
          <Button variant="plain" onClick={() => setExpanded(expanded === s.id ? null : s.id)}>
            {expanded === s.id ? 'Less' : 'Why?'}
          </Button>
        )}
      </div>
    );
  };
  const statusBadge = (s: SuggestionView) => <Badge tone={STATUS_TONES[s.change?.status ?? s.status]}>{statusLabel(s.change?.status ?? s.status)}</Badge>;
  // The product's one page (its listing page: a product link's, or a lone listing's); a suggestion whose
  // product is gone names it without a link.
  const productLink = (s: SuggestionView) => {
    const title = (
      <Text as="span" fontWeight="semibold">
        {s.title}
      </Text>
    );
    const pageId = s.productLinkId ?? s.listingId;
    return pageId ? (
      <Link to={`/app/listings/${pageId}`} onClick={(e) => e.stopPropagation()} data-testid="product-link">
        {title}
      </Link>
    ) : (
      title
    );
  };

  const rowMarkup = rows.map((s: SuggestionView, index) =>
    // A phone: one compact cell per suggestion (IndexTable's condensed list), the explanation folded.
    condensed ? (
      <IndexTable.Row id={s.id} key={s.id} position={index} selected={selectedResources.includes(s.id)} disabled={s.status !== 'pending'}>
        <div style={{ padding: 'var(--p-space-300) var(--p-space-400)', width: '100%', minWidth: 0, whiteSpace: 'normal' }} data-section="suggestion-compact">
          <BlockStack gap="100">
            <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
              <div style={{ minWidth: 0, overflowWrap: 'anywhere' }}>{productLink(s)}</div>
              {statusBadge(s)}
            </InlineStack>
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" numeric tone="subdued">
                {formatPrice(s.current)} →
              </Text>
              {priceCell(s)}
              {changeText(s)}
            </InlineStack>
            <Text as="span" variant="bodySm" tone="subdued">
              {s.ruleName ?? 'No rule'} · {s.sku ?? '—'}
            </Text>
            {expanded === s.id && (
              <Text as="p" variant="bodySm">
                {s.summary}
              </Text>
            )}
            {/* A condensed IndexTable has no selection: each pending suggestion carries its own decision. */}
            <InlineStack gap="200" blockAlign="center">
              {s.status === 'pending' && (
                <>
                  <Button size="slim" variant="primary" onClick={() => void decide('approve', [s.id])} accessibilityLabel={`Approve ${s.title}`} disabled={busy !== null}>
                    Approve
                  </Button>
                  <Button size="slim" onClick={() => void decide('reject', [s.id])} accessibilityLabel={`Reject ${s.title}`} disabled={busy !== null}>
                    Reject
                  </Button>
                </>
              )}
              <Button variant="plain" onClick={() => setExpanded(expanded === s.id ? null : s.id)}>
                {expanded === s.id ? 'Less' : 'Why?'}
              </Button>
            </InlineStack>
          </BlockStack>
        </div>
      </IndexTable.Row>
    ) : (
      <IndexTable.Row id={s.id} key={s.id} position={index} selected={selectedResources.includes(s.id)} disabled={s.status !== 'pending'}>
        <IndexTable.Cell>
          <BlockStack gap="100">
            {productLink(s)}
            <Text as="span" variant="bodySm" tone="subdued">
              {s.sku ?? '—'} · {s.platforms.join(' + ') || 'no listing'}
            </Text>
          </BlockStack>
        </IndexTable.Cell>
        <IndexTable.Cell>{s.ruleName ?? '—'}</IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" numeric>
            {formatPrice(s.current)}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>{priceCell(s)}</IndexTable.Cell>
        <IndexTable.Cell>{changeText(s)}</IndexTable.Cell>
        <IndexTable.Cell>{whyText(s, 140)}</IndexTable.Cell>
        <IndexTable.Cell>{statusBadge(s)}</IndexTable.Cell>
      </IndexTable.Row>
    ),
  );

  const exportCsv = () =>
    void downloadCsv(`/api/pricing/export/suggestions?${new URLSearchParams({ status, ...(query.trim() ? { q: query.trim() } : {}), ...(platform[0] ? { platform: platform[0] } : {}), ...(rule[0] ? { rule: rule[0] } : {}) })}`, 'suggestions.csv').catch((e) =>
      errorToast(errorMessage(e)),
    );

  return (
    <Page>
      <TitleBar title="Suggestions">
        <button onClick={() => void runDryRun()} disabled={busy !== null} loading={busy === 'dry-run' ? '' : undefined}>
          Dry run
        </button>
        <button onClick={() => void syncAll()} disabled={busy !== null || facets.platforms.length === 0} loading={busy === 'sync' ? '' : undefined}>
          Full sync
        </button>
        <button onClick={exportCsv}>Export CSV</button>
        <button variant="primary" onClick={() => void generate()} disabled={busy !== null} loading={busy === 'generate' ? '' : undefined}>
          Generate suggestions
        </button>
      </TitleBar>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <PushProgress progress={progress} />
            <ErrorBanner error={error} onDismiss={() => setError(null)} title="Something went wrong" />
            {notice && (
              <Banner tone="warning" title={notice.title} onDismiss={() => setNotice(null)}>
                {notice.lines.length > 0 && (
                  <ul>
                    {notice.lines.slice(0, 10).map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                )}
              </Banner>
            )}
            <Card padding="0">
              <IndexFilters
                sortOptions={SORTS}
                sortSelected={sort}
                onSort={(value) => {
                  setSort(value);
                  setPage(1);
                }}
                queryValue={query}
                queryPlaceholder="Search by product, SKU or rule"
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
                  clearSelection();
                }}
                filters={[
                  {
                    key: 'platform',
                    label: 'Platform',
                    filter: (
                      <ChoiceList
                        title="Platform"
                        titleHidden
                        choices={facets.platforms.map((p) => ({ label: platformName(p), value: p }))}
                        selected={platform}
                        onChange={(value) => {
                          setPlatform(value);
                          setPage(1);
                        }}
                      />
                    ),
                    shortcut: true,
                  },
                  {
                    key: 'rule',
                    label: 'Rule',
                    filter: (
                      <ChoiceList
                        title="Rule"
                        titleHidden
                        choices={[...facets.rules.map((r) => ({ label: r.name, value: r.id })), { label: 'No rule (deleted)', value: 'none' }]}
                        selected={rule}
                        onChange={(value) => {
                          setRule(value);
                          setPage(1);
                        }}
                      />
                    ),
                    shortcut: true,
                  },
                ]}
                appliedFilters={[
                  ...(platform[0] ? [{ key: 'platform', label: `Platform: ${platformName(platform[0])}`, onRemove: () => setPlatform([]) }] : []),
                  ...(rule[0] ? [{ key: 'rule', label: `Rule: ${rule[0] === 'none' ? 'none' : (facets.rules.find((r) => r.id === rule[0])?.name ?? rule[0])}`, onRemove: () => setRule([]) }] : []),
                ]}
                onClearAll={() => {
                  setQuery('');
                  setPlatform([]);
                  setRule([]);
                }}
                mode={mode}
                setMode={setMode}
                // Leaving the search and filters shows the status tabs again, unfiltered.
                cancelAction={{
                  onAction: () => {
                    setQuery('');
                    setPlatform([]);
                    setRule([]);
                    setPage(1);
                  },
                  disabled: false,
                  loading: false,
                }}
                canCreateNewView={false}
                loading={loading}
              />
              <IndexTable
                resourceName={{ singular: 'suggestion', plural: 'suggestions' }}
                condensed={condensed}
                itemCount={rows.length}
                // More pending suggestions than this page shows: Polaris offers "Select all", decided by filter.
                hasMoreItems={status === 'pending' && list.total > rows.length}
                paginatedSelectAllActionText={`Select all ${list.total.toLocaleString()} pending suggestions`}
                selectedItemsCount={allResourcesSelected ? 'All' : selectedResources.length}
                onSelectionChange={handleSelectionChange}
                promotedBulkActions={[
                  { content: 'Approve', onAction: () => void decide('approve', selectedResources) },
                  { content: 'Reject', onAction: () => void decide('reject', selectedResources) },
                ]}
                loading={loading || busy === 'approve' || busy === 'reject'}
                emptyState={
                  <EmptyState heading={status === 'pending' ? 'Nothing waits for you' : 'No suggestions here'} image="">
                    <p>When a competitor moves on Amazon, or a price changes outside Calibrate, the rules suggest a price here.</p>
                  </EmptyState>
                }
                headings={[{ title: 'Product' }, { title: 'Rule' }, { title: 'Current', alignment: 'end' }, { title: 'Suggested' }, { title: 'Change', alignment: 'end' }, { title: 'Why' }, { title: 'Status' }]}
                pagination={{
                  hasPrevious: page > 1,
                  hasNext: page < pages,
                  onPrevious: () => setPage((p) => Math.max(1, p - 1)),
                  onNext: () => setPage((p) => p + 1),
                  label: `Page ${page} of ${pages} · ${list.total.toLocaleString()} suggestion${list.total === 1 ? '' : 's'}`,
                }}
              >
                {rowMarkup}
              </IndexTable>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
      <Modal id="large-change-modal" open={confirming !== null} onHide={() => confirmingRef.current && cancelLargeChange()}>
        <TitleBar title={confirming && confirming.changes.length > 1 ? `Approve ${confirming.changes.length} large price changes?` : 'Approve a large price change?'}>
          <button onClick={cancelLargeChange}>Cancel</button>
          <button
            variant="primary"
            tone="critical"
            onClick={() => {
              const ids = confirming?.ids ?? [];
              setConfirming(null);
              void decide('approve', ids, true);
            }}
          >
            Approve anyway
          </button>
        </TitleBar>
        {confirming && (
          <Box padding="400">
            <BlockStack gap="300">
              <Text as="p">Nothing has been approved yet. {confirming.changes.length > 1 ? 'These edited prices move' : 'This edited price moves'} far from the current price; a typing mistake would go live on every linked platform.</Text>
              <ul data-section="large-changes">
                {confirming.changes.map((c) => (
                  <li key={c.suggestionId}>
                    <Text as="span" fontWeight="semibold">
                      {c.title}
                    </Text>
                    : {formatPrice({ amount: c.from, currency: c.currency })} → {formatPrice({ amount: c.to, currency: c.currency })} ({formatPercent(c.changePercent)}), more than{' '}
                    {c.limitSource === 'rule_step_limit' ? `the rule’s step limit of ${c.limitPercent} %` : `${c.limitPercent} % (the rule has no step limit)`}
                  </li>
                ))}
              </ul>
            </BlockStack>
          </Box>
        )}
      </Modal>
      <Modal id="dry-run-modal" variant="large" open={dryRun !== null} onHide={() => setDryRun(null)}>
        <TitleBar title="Dry run: what the rules would do now" />
        {dryRun && (
          <Box padding="400">
            <BlockStack gap="300">
              <Text as="p">
                {dryRun.counts.evaluated.toLocaleString()} products evaluated, nothing created: {dryRun.counts.suggest} would get a new price ({dryRun.counts.autoApprove} approved automatically), {dryRun.counts.no_change} keep theirs, {dryRun.counts.blocked} blocked by
                conflicting guardrails, {dryRun.counts.skipped} skipped.
              </Text>
              <Box>
                {dryRun.rows.map((row) => (
                  <Box key={row.itemId} paddingBlockEnd="200">
                    <InlineStack gap="200" blockAlign="center">
                      <Badge tone={row.status === 'suggest' ? 'attention' : row.status === 'blocked' ? 'critical' : undefined}>{statusLabel(row.status)}</Badge>
                      <Text as="span" fontWeight="semibold">
                        {row.title}
                      </Text>
                      <Text as="span" tone="subdued">
                        {formatPrice(row.current)} → {row.suggested ? formatPrice(row.suggested) : '—'} {row.changePercent ? `(${formatPercent(row.changePercent)})` : ''}
                      </Text>
                    </InlineStack>
                    <Text as="p" variant="bodySm" tone="subdued">
                      {row.summary}
                    </Text>
                    <ReadingAge readAt={row.readAt} />
                  </Box>
                ))}
              </Box>
            </BlockStack>
          </Box>
        )}
      </Modal>
    </Page>
  );
}

function platformName(platform: string): string {
  return platform === 'amazon' ? 'Amazon' : platform === 'shopify' ? 'Shopify' : platform;
}
