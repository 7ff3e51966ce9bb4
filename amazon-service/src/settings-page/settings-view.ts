// The Amazon settings page, server-rendered with Polaris components (no client script: every action is
// a plain HTML form, so it works with or without Shopify Admin around it).
import React, { type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { AppProvider, Badge, Banner, BlockStack, Box, Button, Card, Checkbox, DataTable, InlineStack, Layout, Page, Select, Text, TextField } from '@shopify/polaris';
import en from '@shopify/polaris/locales/en.json' with { type: 'json' };
import type { PlatformHealth } from '@calibr/shared-contracts';
import type { FeedDetails, FeedSummary } from '../feeds/feed-monitor';
import { MARKETPLACES, REGIONS, type Region } from '../sp-api/regions';
import { SETTINGS_PAGE_PATH } from './paths';

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

export interface SettingsViewModel {
  shop: string;
  csrf: string;
  connection: ConnectionView;
  health: PlatformHealth | null;
  feeds: FeedSummary[];
  failures: FeedDetails[];
  notice?: string;
  error?: string;
  /** Whether the website workflow is configured (app id + LWA client). */
  consentAvailable: boolean;
  /** Region preselected before a seller is connected. */
  defaultRegion: Region;
}

const REGION_LABELS: Record<Region, string> = { na: 'North America', eu: 'Europe', fe: 'Far East' };

function form(action: string, csrf: string, children: ReactNode[], id?: string): ReactNode {
  return h('form', { method: 'post', action, ...(id ? { id } : {}) }, h('input', { type: 'hidden', name: '_csrf', value: csrf }), ...children);
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

function feedBadge(status: string): ReactNode {
  const tone = status === 'DONE' ? 'success' : status === 'FATAL' || status === 'CANCELLED' ? 'critical' : 'info';
  return h(Badge, { tone }, status);
}

function marketplaceChoices(region: Region, chosen: string[], prefix: string): ReactNode {
  return h(
    InlineStack,
    { gap: '400', wrap: true },
    ...MARKETPLACES.filter((m) => m.region === region).map((m) =>
      h(Checkbox, { key: m.id, id: `${prefix}-${m.id}`, name: 'marketplaceIds', value: m.id, label: `${m.name} (${m.id})`, checked: chosen.includes(m.id), onChange: noop }),
    ),
  );
}

function regionSelect(name: string, value: Region, id: string): ReactNode {
  return h(Select, { id, name, label: 'Region', value, onChange: noop, options: REGIONS.map((r) => ({ label: `${REGION_LABELS[r]} (${r})`, value: r })) });
}

function connectionCard(vm: SettingsViewModel): ReactNode {
  const c = vm.connection;
  const rows: ReactNode[] = [h(InlineStack, { gap: '200', blockAlign: 'center' }, t({ as: 'h2', variant: 'headingMd' }, 'Connection'), statusBadge(c.status))];
  if (c.sellingPartnerId) {
    rows.push(
      t({ as: 'p', id: 'seller-id' }, `Seller ${c.sellingPartnerId} · ${REGION_LABELS[c.region ?? vm.defaultRegion]} · ${c.authMode === 'self_authorization' ? 'self-authorized' : 'authorized through Seller Central'}`),
      t({ as: 'p', tone: 'subdued' }, `Marketplaces: ${(c.marketplaceIds ?? []).map((id) => MARKETPLACES.find((m) => m.id === id)?.name ?? id).join(', ') || 'none'}`),
    );
    if (c.statusReason) rows.push(t({ as: 'p', tone: 'critical' }, c.statusReason));
    if (c.expiryWarning && c.status === 'connected') rows.push(h(Banner, { tone: 'warning', title: c.expiryWarning }));
    if (vm.health) {
      rows.push(
        h(InlineStack, { gap: '200', blockAlign: 'center' }, t({ as: 'span' }, 'Health'), h(Badge, { tone: vm.health.status === 'healthy' ? 'success' : vm.health.status === 'degraded' ? 'warning' : 'critical' }, vm.health.status), t({ as: 'span', tone: 'subdued', id: 'health-message' }, vm.health.message ?? '')),
      );
    }
    rows.push(form(`${SETTINGS_PAGE_PATH}/disconnect`, vm.csrf, [h(Button, { submit: true, tone: 'critical', id: 'disconnect' }, 'Disconnect')]));
  } else {
    rows.push(t({ as: 'p', tone: 'subdued' }, 'No Amazon seller account is connected to this shop yet.'));
  }
  return h(Card, null, h(BlockStack, { gap: '300' }, ...rows));
}

function connectCard(vm: SettingsViewModel): ReactNode {
  const region = vm.connection.region ?? vm.defaultRegion;
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
        ? form(`${SETTINGS_PAGE_PATH}/connect`, vm.csrf, [h(BlockStack, { gap: '300' }, regionSelect('region', region, 'connect-region'), marketplaceChoices(region, vm.connection.marketplaceIds ?? [], 'connect'), h(Box, null, h(Button, { submit: true, variant: 'primary', id: 'connect-amazon' }, title)))], 'connect-form')
        : h(Banner, { tone: 'warning' }, 'This service has no SP-API application configured (AMAZON_SP_APP_ID, AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET). Use your own credentials below.'),
    ),
  );
}

function credentialsCard(vm: SettingsViewModel): ReactNode {
  const field = (name: string, label: string, type: 'text' | 'password', help?: string) =>
    h(TextField, { id: `self-${name}`, name, label, type, autoComplete: 'off', value: '', onChange: noop, ...(help ? { helpText: help } : {}) });
  return h(
    Card,
    null,
    h(
      BlockStack,
      { gap: '300' },
      t({ as: 'h2', variant: 'headingMd' }, 'Enter credentials (self-authorization)'),
      t({ as: 'p', tone: 'subdued' }, 'For private sellers: your own SP-API app’s LWA client and the refresh token Seller Central showed when you authorized it. They are stored encrypted and never shown again.'),
      form(`${SETTINGS_PAGE_PATH}/credentials`, vm.csrf, [
        h(
          BlockStack,
          { gap: '300' },
          field('sellingPartnerId', 'Selling partner id (merchant token)', 'text'),
          regionSelect('region', vm.connection.region ?? vm.defaultRegion, 'self-region'),
          h(TextField, { id: 'self-marketplaceIds', name: 'marketplaceIds', label: 'Marketplace ids', autoComplete: 'off', value: '', onChange: noop, helpText: 'Comma-separated, e.g. ATVPDKIKX0DER. Empty: every marketplace you sell in within the region.' }),
          field('lwaClientId', 'LWA client id', 'text'),
          field('lwaClientSecret', 'LWA client secret', 'password'),
          field('refreshToken', 'Refresh token', 'password'),
          h(Box, null, h(Button, { submit: true, id: 'save-credentials' }, 'Save credentials')),
        ),
      ]),
    ),
  );
}

function marketplacesCard(vm: SettingsViewModel): ReactNode {
  const c = vm.connection;
  if (!c.sellingPartnerId || !c.region) return null;
  return h(
    Card,
    null,
    h(
      BlockStack,
      { gap: '300' },
      t({ as: 'h2', variant: 'headingMd' }, 'Marketplaces'),
      form(`${SETTINGS_PAGE_PATH}/marketplaces`, vm.csrf, [
        h('input', { type: 'hidden', name: 'region', value: c.region }),
        h(BlockStack, { gap: '300' }, marketplaceChoices(c.region, c.marketplaceIds ?? [], 'choose'), h(Box, null, h(Button, { submit: true, id: 'save-marketplaces' }, 'Save marketplaces'))),
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

const NOTICES: Record<string, string> = {
  connected: 'Your Amazon seller account is connected.',
  disconnected: 'Amazon was disconnected and its credentials were deleted.',
  marketplaces: 'Marketplaces saved.',
  credentials: 'Credentials verified with Amazon and saved.',
};

export function renderSettingsPage(vm: SettingsViewModel): string {
  const notice = vm.notice ? NOTICES[vm.notice] : undefined;
  const body = renderToStaticMarkup(
    h(
      AppProvider,
      { i18n: en },
      h(
        Page,
        { title: 'Amazon', subtitle: `Settings for ${vm.shop}` },
        h(
          Layout,
          null,
          h(
            Layout.Section,
            null,
            h(
              BlockStack,
              { gap: '400' },
              notice ? h(Banner, { tone: 'success', title: notice }) : null,
              vm.error ? h('div', { id: 'page-error' }, h(Banner, { tone: 'critical', title: 'That didn’t work' }, t({ as: 'p' }, vm.error))) : null,
              connectionCard(vm),
              connectCard(vm),
              marketplacesCard(vm),
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

export function renderMessagePage(title: string, message: string, status: 'critical' | 'warning' = 'critical'): string {
  const body = renderToStaticMarkup(h(AppProvider, { i18n: en }, h(Page, { title }, h(Banner, { tone: status }, t({ as: 'p' }, message)))));
  return document(title, body);
}

function document(title: string, body: string): string {
  const safeTitle = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${safeTitle}</title><link rel="stylesheet" href="${SETTINGS_PAGE_PATH}/polaris.css"></head><body style="background:var(--p-color-bg)">${body}</body></html>`;
}
