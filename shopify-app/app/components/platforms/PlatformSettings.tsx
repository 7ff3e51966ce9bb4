// A platform's settings, rendered from its registration alone: its capabilities, its connection, the
// credentials form for platforms whose credentials the app holds, and the signed link to a platform's
// own settings page (Amazon's, on the Amazon service). The settings are an App Bridge modal: the Admin
// dims everything around it, as it does for Shopify's own dialogs.
import { useEffect, useState } from 'react';
import { Modal, TitleBar } from '@shopify/app-bridge-react';
import { Badge, Banner, BlockStack, Box, Button, FormLayout, InlineStack, Text, TextField } from '@shopify/polaris';
import type { SettingsLink } from '../../platforms/platform-registration';
import type { PlatformView } from '../../platforms/platform-status.server';
import { toast } from '../frame/admin';
import { apiFetch, errorMessage, formatWhen } from './api-client';
import { useShopZone } from '../frame/shop-zone';

/** Refresh the signed link well before the service would refuse it. */
const LINK_REFRESH_MS = 120_000;
/** A settings link opens once (the service refuses it the second time): a click asks for a fresh one. */
const LINK_OPENED_EVENT = 'calibr:settings-link-opened';

export function useSettingsLink(view: PlatformView): SettingsLink | null {
  const [link, setLink] = useState<SettingsLink | null>(null);
  const platform = view.platform;
  const enabled = view.connection.hasSettingsPage;
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const load = () =>
      apiFetch<SettingsLink>(`/api/platforms/${platform}/settings`)
        .then((l) => !cancelled && setLink(l))
        .catch(() => !cancelled && setLink(null));
    void load();
    const timer = setInterval(load, LINK_REFRESH_MS);
    const opened = (event: Event) => {
      if ((event as CustomEvent<string>).detail === platform) void load();
    };
    window.addEventListener(LINK_OPENED_EVENT, opened);
    return () => {
      cancelled = true;
      clearInterval(timer);
      window.removeEventListener(LINK_OPENED_EVENT, opened);
    };
  }, [platform, enabled]);
  return link;
}

/**
 * The platform's own page opens in Admin's window, in place of Admin (a top-level navigation, Shopify's
 * `_top` for external pages), not in a new tab: one window, the browser's Back works, and the page's "Back to
 * Calibrate" reloads this console with what changed there. Opened in a new tab (a middle click), this tab
 * stays and fetches a fresh link, as the one it had is used up.
 */
export function SettingsLinkButton({ view, link, primary }: { view: PlatformView; link: SettingsLink | null; primary?: boolean }) {
  const label = view.connection.status === 'connected' ? `${view.displayName} settings` : `Connect ${view.displayName}`;
  return (
    <Button
      url={link?.url}
      target="_top"
      disabled={!link}
      variant={primary ? 'primary' : undefined}
      onClick={() => window.dispatchEvent(new CustomEvent(LINK_OPENED_EVENT, { detail: view.platform }))}
    >
      {label}
    </Button>
  );
}

export function CredentialsForm({
  view,
  onSubmit,
  onCancel,
}: {
  view: PlatformView;
  onSubmit: (fields: Record<string, string>) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setSubmitting(true);
    setError(null);
    try {
      await onSubmit(values);
      setValues({});
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <BlockStack gap="200">
        {error ? (
          <Banner tone="critical" title={`${view.displayName} was not connected`}>
            <p>{error}</p>
          </Banner>
        ) : null}
        <FormLayout>
          {view.connection.fields.map((field) => (
            <TextField
              key={field.name}
              label={field.label}
              name={field.name}
              type={field.sensitive ? 'password' : 'text'}
              autoComplete="off"
              value={values[field.name] ?? ''}
              onChange={(value) => setValues((v) => ({ ...v, [field.name]: value }))}
              helpText={field.helpText}
              requiredIndicator
            />
          ))}
        </FormLayout>
        <InlineStack gap="200">
          <Button submit variant="primary" loading={submitting}>
            Connect
          </Button>
          <Button onClick={onCancel} disabled={submitting}>
            Cancel
          </Button>
        </InlineStack>
      </BlockStack>
    </form>
  );
}

const CAPABILITY_LABELS: Array<[keyof PlatformView['capabilities'], string]> = [
  ['productSync', 'Catalog sync'],
  ['priceRead', 'Reads live prices'],
  ['priceUpdate', 'Updates prices'],
  ['minMaxPrice', 'Minimum / maximum price'],
  ['compareAtPrice', 'Compare-at price'],
  ['marketplaces', 'Several marketplaces'],
  ['webhooks', 'Pushes changes (webhooks)'],
  ['competitivePricing', 'Competitive pricing'],
];

const MODE_LABELS: Record<PlatformView['capabilities']['priceUpdateMode'], string> = {
  synchronous: 'applied at once',
  asynchronous: 'processed by the platform later (feeds)',
  mixed: 'applied at once or through feeds',
};

/** How the platform is connected, in a sentence (on the card and in its settings). */
export function ConnectionMethodNote({ view, link }: { view: PlatformView; link: SettingsLink | null }) {
  const text =
    view.connection.method === 'settings_page'
      ? `Connect, choose marketplaces and watch price feeds on the ${view.displayName} settings page${link ? '' : ' (preparing the link…)'}.`
      : view.connection.method === 'app_install'
        ? `Connected by installing Calibrate in your ${view.displayName} admin.`
        : `Connected with ${view.connection.fields.map((f) => f.label.toLowerCase()).join(' and ')}, stored encrypted.`;
  return (
    <Text as="p" variant="bodySm" tone="subdued">
      {text}
    </Text>
  );
}

/**
 * A platform's settings: what it can do, how it is connected, and where to change that (its credentials
 * form, its own settings page, or the app's page about it). Built from the platform's view alone.
 */
export function PlatformSettings({
  view,
  link,
  open,
  onClose,
  onConnected,
}: {
  view: PlatformView;
  link: SettingsLink | null;
  open: boolean;
  onClose: () => void;
  onConnected: () => void;
}) {
  const zone = useShopZone();
  const connect = async (fields: Record<string, string>) => {
    await apiFetch(`/api/platforms/${view.platform}/connect`, { body: { fields } });
    toast(`${view.displayName} connected`);
    onConnected();
    onClose();
  };
  const connected = view.connection.status === 'connected';
  return (
    <Modal id={`platform-settings-${view.platform}`} open={open} onHide={onClose}>
      <TitleBar title={`${view.displayName} settings`} />
      <Box padding="400">
        <BlockStack gap="300">
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              Connection
            </Text>
            <Text as="p">
              {connected
                ? `Connected${view.connection.accountId ? ` as ${view.connection.accountId}` : ''}${view.connection.connectedAt ? ` since ${formatWhen(view.connection.connectedAt, zone)}` : ''}.`
                : 'Not connected.'}
            </Text>
            <ConnectionMethodNote view={view} link={link} />
          </BlockStack>
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              What Calibrate can do here
            </Text>
            <InlineStack gap="100" wrap>
              {CAPABILITY_LABELS.filter(([key]) => view.capabilities[key] === true).map(([key, label]) => (
                <Badge key={key}>{label}</Badge>
              ))}
            </InlineStack>
            <Text as="p" variant="bodySm" tone="subdued">
              Price changes are {MODE_LABELS[view.capabilities.priceUpdateMode]}, up to {view.capabilities.maxBatchSize.toLocaleString()} in one batch.
            </Text>
          </BlockStack>
          {view.connection.method === 'credentials' ? (
            <BlockStack gap="100">
              <Text as="h3" variant="headingSm">
                {connected ? 'Replace the credentials' : 'Connect'}
              </Text>
              <CredentialsForm view={view} onSubmit={connect} onCancel={onClose} />
            </BlockStack>
          ) : null}
          {view.connection.hasSettingsPage ? (
            <InlineStack>
              <SettingsLinkButton view={view} link={link} primary />
            </InlineStack>
          ) : null}
        </BlockStack>
      </Box>
    </Modal>
  );
}
