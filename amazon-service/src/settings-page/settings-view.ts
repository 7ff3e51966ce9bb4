// The Amazon settings page, server-rendered with Polaris components (no client script: every action is
// a plain HTML form, so it works with or without Shopify Admin around it). It speaks the seller's language:
// marketplaces by name, the Seller ID as Seller Central calls it, the connection in a sentence, and each
// refused form's reasons at its fields (seller-messages.ts); a link leads back to Calibrate in Shopify Admin.
import React, { type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { AppProvider, Badge, Banner, BlockStack, Box, Button, Card, Checkbox, DataTable, InlineError, InlineStack, Layout, Page, Select, Text, TextField } from '@shopify/polaris';
import en from '@shopify/polaris/locales/en.json' with { type: 'json' };
import type { PlatformHealth } from '@calibr/shared-contracts';
import type { FeedDetails, FeedSummary } from '../feeds/feed-monitor';
import { MARKETPLACES, REGIONS, findMarketplace, type Region } from '../sp-api/regions';
import { SETTINGS_PAGE_PATH } from './paths';
import { REGION_NAMES, type FormField, type FormProblem, type SettingsForm } from './seller-messages';

const h = React.createElement;
type TextProps = React.ComponentProps<typeof Text>;
/** Polaris Text with its children given separately (createElement's typing wants them in props). */
const t = (props: Omit<TextProps, 'children'>, children: ReactNode) => h(Text, { ...props, children } as TextProps);
const noop = () => undefined;

export interface ConnectionView {
  connected: boolean;
  status: string;
  statusReason?: string | null;
  sellingPartnerId?: string;
  region?: Region;
  marketplaceIds?: string[];
  authMode?: string;
  connectedAt?: string;
  lastSyncAt?: string | null;
  /** When Amazon stops accepting the seller's authorization, and "Reconnect Amazon before …" ahead of it. */
  expiresAt?: string;
  expiryWarning?: string | null;
}

/** What the seller entered in a refused form, shown again (never a secret). */
export interface PostedValues {
  form: SettingsForm;
  region?: Region;
  marketplaceIds: string[];
  sellingPartnerId?: string;
}

export interface SettingsViewModel {
  shop: string;
  csrf: string;
  /** Calibrate's integrations page in the shop's Shopify Admin. */
  backUrl: string;
  connection: ConnectionView;
  /** The seller's store name on Amazon (Sellers API), when Amazon told us. */
  storeName?: string;
  health: PlatformHealth | null;
  feeds: FeedSummary[];
  failures: FeedDetails[];
  notice?: string;
  /** Why the last form was refused, at its fields. */
  problem?: FormProblem;
  posted?: PostedValues;
  /** Whether the website workflow is configured (app id + LWA client). */
  consentAvailable: boolean;
  /** Region preselected before a seller is connected. */
  defaultRegion: Region;
}

const namesOf = (ids: readonly string[]) => ids.map((id) => findMarketplace(id)?.name ?? id).join(', ');

/** The message for `field` of `form`, when that form was the one refused. */
function fieldError(vm: SettingsViewModel, form: SettingsForm, field: FormField): string | undefined {
  return vm.problem?.form === form ? vm.problem.fields[field] : undefined;
}

/** What the seller posted in `form`, when that form was the one refused. */
function postedIn(vm: SettingsViewModel, form: SettingsForm): PostedValues | undefined {
  return vm.posted?.form === form ? vm.posted : undefined;
}

function form(action: string, csrf: string, children: ReactNode[], id?: string): ReactNode {
  return h('form', { method: 'post', action, noValidate: true, ...(id ? { id } : {}) }, h('input', { type: 'hidden', name: '_csrf', value: csrf }), ...children);
}

function statusBadge(status: string): ReactNode {
  switch (status) {
    case 'connected':
      return h(Badge, { tone: 'success' }, 'Connected');
    case 'needs_reconnect':
      return h(Badge, { tone: 'critical' }, 'Reconnect needed');
    case 'error':
      return h(Badge, { tone: 'warning' }, 'Error');
    default:
      return h(Badge, null, 'Not connected');
  }
}

/** The connection in a sentence a seller reads. */
function statusSentence(status: string): string {
  switch (status) {
    case 'connected':
      return 'Calibrate is connected to your Amazon seller account: it reads your listings and competitors’ offers and sends your approved prices to Amazon.';
    case 'needs_reconnect':
      return 'Amazon no longer accepts Calibrate’s access to your account, so prices are not read or sent. Connect with Amazon again below.';
    case 'error':
      return 'Calibrate could not reach your Amazon account the last time it tried. It will try again; if this stays, connect with Amazon again below.';
    default:
      return 'No Amazon seller account is connected to this shop yet. Connect one below.';
  }
}

const HEALTH_WORDS: Record<PlatformHealth['status'], string> = { healthy: 'Working', degraded: 'Needs attention', unavailable: 'Not working' };

function feedBadge(status: string): ReactNode {
  const tone = status === 'DONE' ? 'success' : status === 'FATAL' || status === 'CANCELLED' ? 'critical' : 'info';
  return h(Badge, { tone }, status);
}

/** Marketplace checkboxes by name, one group per region (`regions`), with the field's message under them. */
function marketplaceChoices(regions: readonly Region[], chosen: readonly string[], prefix: string, error: string | undefined, help?: string): ReactNode {
  const groups = regions.map((region) =>
    h(
      'fieldset',
      { key: region, className: 'marketplace-group', 'aria-describedby': error ? `${prefix}-marketplaces-error` : undefined },
      h('legend', null, t({ as: 'span', variant: 'headingSm' }, REGION_NAMES[region])),
      h(
        InlineStack,
        { gap: '400', wrap: true },
        ...MARKETPLACES.filter((m) => m.region === region).map((m) =>
          h(Checkbox, { key: m.id, id: `${prefix}-${m.id}`, name: 'marketplaceIds', value: m.id, label: m.name, checked: chosen.includes(m.id), onChange: noop }),
        ),
      ),
    ),
  );
  return h(
    BlockStack,
    { gap: '200' },
    ...groups,
    help ? t({ as: 'p', variant: 'bodySm', tone: 'subdued' }, help) : null,
    error ? h('div', { id: `${prefix}-marketplaces-error`, className: 'field-error' }, h(InlineError, { message: error, fieldID: `${prefix}-marketplaces` })) : null,
  );
}

function regionSelect(value: Region, id: string, error?: string): ReactNode {
  return h(Select, { id, name: 'region', label: 'Region', value, onChange: noop, options: REGIONS.map((r) => ({ label: REGION_NAMES[r], value: r })), helpText: 'The marketplaces of each region are listed below.', ...(error ? { error } : {}) });
}

function connectionCard(vm: SettingsViewModel): ReactNode {
  const c = vm.connection;
  const rows: ReactNode[] = [
    h(InlineStack, { gap: '200', blockAlign: 'center' }, t({ as: 'h2', variant: 'headingMd' }, 'Connection'), statusBadge(c.status)),
    t({ as: 'p', id: 'connection-state' }, statusSentence(c.sellingPartnerId ? c.status : 'disconnected')),
  ];
  if (c.sellingPartnerId) {
    const how = c.authMode === 'self_authorization' ? 'with your own app’s credentials' : 'through Seller Central';
    rows.push(
      h(
        BlockStack,
        { gap: '100' },
        vm.storeName ? t({ as: 'p', variant: 'headingSm', id: 'store-name' }, vm.storeName) : null,
        t({ as: 'p', id: 'seller-id' }, `Seller ID (merchant token): ${c.sellingPartnerId}`),
        t({ as: 'p', tone: 'subdued' }, `${REGION_NAMES[c.region ?? vm.defaultRegion]} · connected ${how}`),
        t({ as: 'p', id: 'connected-marketplaces' }, `Marketplaces: ${namesOf(c.marketplaceIds ?? []) || 'none chosen'}`),
      ),
    );
    if (c.statusReason && c.status !== 'connected') rows.push(t({ as: 'p', tone: 'critical' }, c.statusReason));
    if (c.expiryWarning && c.status === 'connected') rows.push(h(Banner, { tone: 'warning', title: c.expiryWarning }));
    if (vm.health) {
      rows.push(
        h(
          InlineStack,
          { gap: '200', blockAlign: 'center', wrap: true },
          t({ as: 'span' }, 'Amazon connection'),
          h(Badge, { tone: vm.health.status === 'healthy' ? 'success' : vm.health.status === 'degraded' ? 'warning' : 'critical' }, HEALTH_WORDS[vm.health.status]),
          t({ as: 'span', tone: 'subdued', id: 'health-message' }, vm.health.message ?? ''),
        ),
      );
    }
    rows.push(form(`${SETTINGS_PAGE_PATH}/disconnect`, vm.csrf, [h(Button, { submit: true, tone: 'critical', id: 'disconnect' }, 'Disconnect')]));
  }
  return h(Card, null, h(BlockStack, { gap: '300' }, ...rows));
}

function connectCard(vm: SettingsViewModel): ReactNode {
  const posted = postedIn(vm, 'connect');
  const region = posted?.region ?? vm.connection.region ?? vm.defaultRegion;
  const title = vm.connection.sellingPartnerId ? 'Reconnect with Amazon' : 'Connect with Amazon';
  return h(
    Card,
    null,
    h(
      BlockStack,
      { gap: '300' },
      t({ as: 'h2', variant: 'headingMd' }, title),
      t({ as: 'p', tone: 'subdued' }, 'You will approve Calibrate in Seller Central and come back here.'),
      vm.consentAvailable
        ? form(
            `${SETTINGS_PAGE_PATH}/connect`,
            vm.csrf,
            [
              h(
                BlockStack,
                { gap: '300' },
                regionSelect(region, 'connect-region', fieldError(vm, 'connect', 'region')),
                marketplaceChoices(REGIONS, posted?.marketplaceIds ?? vm.connection.marketplaceIds ?? [], 'connect', fieldError(vm, 'connect', 'marketplaceIds'), 'Tick the marketplaces to price, in the region you chose. None ticked: every marketplace you sell in there.'),
                h(Box, null, h(Button, { submit: true, variant: 'primary', id: 'connect-amazon' }, title)),
              ),
            ],
            'connect-form',
          )
        : h(Banner, { tone: 'warning' }, 'Connecting through Seller Central isn’t set up for this Calibrate yet. Enter your own app’s credentials below.'),
    ),
  );
}

function credentialsCard(vm: SettingsViewModel): ReactNode {
  const posted = postedIn(vm, 'credentials');
  const field = (name: FormField, label: string, type: 'text' | 'password', help?: string, value = '') => {
    const error = fieldError(vm, 'credentials', name);
    return h(TextField, { id: `self-${name}`, name, label, type, autoComplete: 'off', value, onChange: noop, ...(help ? { helpText: help } : {}), ...(error ? { error } : {}) });
  };
  return h(
    Card,
    null,
    h(
      BlockStack,
      { gap: '300' },
      t({ as: 'h2', variant: 'headingMd' }, 'Enter credentials (self-authorization)'),
      t({ as: 'p', tone: 'subdued' }, 'For private sellers: your own SP-API app’s LWA credentials and the refresh token Seller Central showed when you authorized it. They are stored encrypted and never shown again.'),
      form(`${SETTINGS_PAGE_PATH}/credentials`, vm.csrf, [
        h(
          BlockStack,
          { gap: '300' },
          field('sellingPartnerId', 'Seller ID (merchant token)', 'text', 'Seller Central › Settings › Account Info › Merchant Token. It starts with A.', posted?.sellingPartnerId ?? ''),
          regionSelect(posted?.region ?? vm.connection.region ?? vm.defaultRegion, 'self-region', fieldError(vm, 'credentials', 'region')),
          marketplaceChoices(REGIONS, posted?.marketplaceIds ?? [], 'self', fieldError(vm, 'credentials', 'marketplaceIds'), 'None ticked: every marketplace you sell in within the region.'),
          field('lwaClientId', 'LWA client identifier', 'text', 'Starts with amzn1.application-oa2-client.'),
          field('lwaClientSecret', 'LWA client secret', 'password'),
          field('refreshToken', 'Refresh token', 'password', 'The long token, beginning with Atzr, that Seller Central shows when you authorize your app.'),
          h(Box, null, h(Button, { submit: true, id: 'save-credentials' }, 'Save credentials')),
        ),
      ]),
    ),
  );
}

function marketplacesCard(vm: SettingsViewModel): ReactNode {
  const c = vm.connection;
  if (!c.sellingPartnerId || !c.region) return null;
  const posted = postedIn(vm, 'marketplaces');
  return h(
    Card,
    null,
    h(
      BlockStack,
      { gap: '300' },
      t({ as: 'h2', variant: 'headingMd' }, 'Marketplaces'),
      t({ as: 'p', tone: 'subdued' }, `Calibrate prices your listings in the marketplaces you tick, in ${REGION_NAMES[c.region]}. A marketplace you untick keeps its history but is no longer priced.`),
      form(`${SETTINGS_PAGE_PATH}/marketplaces`, vm.csrf, [
        h(BlockStack, { gap: '300' }, marketplaceChoices([c.region], posted?.marketplaceIds ?? c.marketplaceIds ?? [], 'choose', fieldError(vm, 'marketplaces', 'marketplaceIds')), h(Box, null, h(Button, { submit: true, id: 'save-marketplaces' }, 'Save marketplaces'))),
      ]),
    ),
  );
}

function feedMonitorCard(vm: SettingsViewModel): ReactNode {
  const rows = vm.feeds.map((f) => [
    f.feedId ?? `(not submitted) ${f.id.slice(0, 8)}`,
    feedBadge(f.status),
    String(f.messageCount),
    String(f.counts.applied),
    String(f.counts.failed),
    String(f.counts.pending),
    f.submittedAt ? new Date(f.submittedAt).toISOString().replace('T', ' ').slice(0, 19) : '—',
  ]);
  const failures = vm.failures.filter((f) => f.failures.length > 0);
  return h(
    Card,
    null,
    h(
      BlockStack,
      { gap: '300' },
      t({ as: 'h2', variant: 'headingMd' }, 'Price feeds'),
      rows.length
        ? h('div', { id: 'feed-monitor' }, h(DataTable, { columnContentTypes: ['text', 'text', 'numeric', 'numeric', 'numeric', 'numeric', 'text'], headings: ['Feed', 'Status', 'SKUs', 'Applied', 'Failed', 'Pending', 'Submitted (UTC)'], rows }))
        : t({ as: 'p', tone: 'subdued', id: 'feed-monitor-empty' }, 'No price feeds yet.'),
      ...failures.map((f) =>
        h(
          BlockStack,
          { gap: '200', key: f.id },
          t({ as: 'h3', variant: 'headingSm' }, `Failed SKUs in feed ${f.feedId ?? f.id}`),
          h('div', { className: 'feed-failures' }, h(DataTable, { columnContentTypes: ['text', 'text', 'text'], headings: ['SKU', 'Amazon code', 'Amazon’s message'], rows: f.failures.map((x) => [x.sku, x.code ?? '', x.message ?? '']) })),
        ),
      ),
    ),
  );
}

/** What the page says after an action, by the `notice` it was sent back with (unknown ones: nothing). */
const NOTICES: Record<string, { tone: 'success' | 'critical'; text: string }> = {
  connected: { tone: 'success', text: 'Your Amazon seller account is connected.' },
  disconnected: { tone: 'success', text: 'Amazon was disconnected and its credentials were deleted.' },
  marketplaces: { tone: 'success', text: 'Marketplaces saved.' },
  credentials: { tone: 'success', text: 'Credentials verified with Amazon and saved.' },
  consent_failed: { tone: 'critical', text: 'Amazon didn’t confirm the connection, so nothing changed. Choose Connect with Amazon again and approve Calibrate in Seller Central within 5 minutes.' },
};

/** The way back to Calibrate in Shopify Admin, at the top of every page that knows the shop. */
function backLink(url: string): ReactNode {
  return h('nav', { className: 'back-to-calibrate', 'aria-label': 'Calibrate' }, h(Button, { url, variant: 'plain', id: 'back-to-calibrate' }, '‹ Back to Calibrate'));
}

/** Why the last form was refused, for the whole page (each field's own reason sits at the field). */
function problemBanner(problem: FormProblem): ReactNode {
  return h('div', { id: 'page-error', role: 'alert' }, h(Banner, { tone: 'critical', title: 'That wasn’t saved' }, t({ as: 'p' }, problem.message)));
}

export function renderSettingsPage(vm: SettingsViewModel): string {
  const notice = vm.notice ? NOTICES[vm.notice] : undefined;
  const body = renderToStaticMarkup(
    h(
      AppProvider,
      { i18n: en },
      h(
        Page,
        { title: 'Amazon settings', subtitle: `For ${vm.shop}` },
        h(
          Layout,
          null,
          h(
            Layout.Section,
            null,
            h(
              BlockStack,
              { gap: '400' },
              backLink(vm.backUrl),
              notice ? h('div', { id: 'page-notice' }, h(Banner, { tone: notice.tone, title: notice.text })) : null,
              vm.problem ? problemBanner(vm.problem) : null,
              connectionCard(vm),
              marketplacesCard(vm),
              connectCard(vm),
              credentialsCard(vm),
              feedMonitorCard(vm),
            ),
          ),
        ),
      ),
    ),
  );
  return document('Amazon settings · Calibrate', body);
}

export function renderMessagePage(title: string, message: string, options: { status?: 'critical' | 'warning'; backUrl?: string } = {}): string {
  const body = renderToStaticMarkup(
    h(AppProvider, { i18n: en }, h(Page, { title }, h(BlockStack, { gap: '400' }, options.backUrl ? backLink(options.backUrl) : null, h(Banner, { tone: options.status ?? 'critical' }, t({ as: 'p' }, message))))),
  );
  return document(title, body);
}

// Phone widths (390 px): Polaris lays the cards out in one column and its tables scroll inside their cards;
// these keep our own pieces inside it (bare fieldsets, the back link's inset).
const PAGE_CSS =
  'body{background:var(--p-color-bg)}' +
  '.marketplace-group{border:0;margin:0;padding:0;min-width:0}.marketplace-group legend{padding:0;margin-bottom:var(--p-space-200)}' +
  '.back-to-calibrate{padding-top:var(--p-space-200)}' +
  // Below Polaris's `sm` breakpoint cards run edge to edge and the page header keeps its own inset: so does the link.
  '@media (max-width:30.6225em){.back-to-calibrate{padding-inline:var(--p-space-400)}}';

function document(title: string, body: string): string {
  const safeTitle = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${safeTitle}</title><link rel="stylesheet" href="${SETTINGS_PAGE_PATH}/polaris.css"><style>${PAGE_CSS}</style></head><body>${body}</body></html>`;
}
