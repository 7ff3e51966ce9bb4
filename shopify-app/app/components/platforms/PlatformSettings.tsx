// How a platform is connected and configured, rendered from its registration alone: the credentials form
// for platforms whose credentials the app holds, the signed link to a platform's own settings page
// (Amazon's, on the Amazon service), or a pointer to the app's own page about it (Shopify).
import { useEffect, useState } from 'react';
import { Banner, BlockStack, Button, FormLayout, InlineStack, Text, TextField } from '@shopify/polaris';
import type { SettingsLink } from '../../registry/platform-registration';
import type { PlatformView } from '../../services/platform-status.server';
import { apiFetch, errorMessage } from './api-client';

/** Refresh the signed link well before the service would refuse it. */
const LINK_REFRESH_MS = 120_000;

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
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [platform, enabled]);
  return link;
}

export function SettingsLinkButton({ view, link, primary }: { view: PlatformView; link: SettingsLink | null; primary?: boolean }) {
  const label = view.connection.status === 'connected' ? `${view.displayName} settings` : `Connect ${view.displayName}`;
  return (
    <Button url={link?.url} target="_blank" disabled={!link} variant={primary ? 'primary' : undefined} accessibilityLabel={`${label} (opens in a new window)`}>
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

/** The settings line of a card: what this platform offers to configure, and where. */
export function PlatformSettings({ view, link }: { view: PlatformView; link: SettingsLink | null }) {
  if (view.connection.method === 'settings_page') {
    return (
      <Text as="p" variant="bodySm" tone="subdued">
        Connect, choose marketplaces and watch price feeds on the {view.displayName} settings page{link ? '' : ' (preparing the link…)'}.
      </Text>
    );
  }
  if (view.connection.method === 'app_install') {
    return (
      <Text as="p" variant="bodySm" tone="subdued">
        Connected by installing Calibrate in your {view.displayName} admin.
      </Text>
    );
  }
  return (
    <Text as="p" variant="bodySm" tone="subdued">
      Connected with {view.connection.fields.map((f) => f.label.toLowerCase()).join(' and ')}, stored encrypted.
    </Text>
  );
}
