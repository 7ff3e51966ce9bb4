// The dismissible red banner a console page shows for its last failed request. Every pricing page and the
// platform card had their own copy of it; one component keeps them alike.
import { Banner } from '@shopify/polaris';

export interface ErrorBannerProps {
  /** The message to show; nothing is rendered while it is null. */
  error: string | null;
  onDismiss: () => void;
  title?: string;
}

export function ErrorBanner({ error, onDismiss, title }: ErrorBannerProps) {
  if (!error) return null;
  return (
    <Banner tone="critical" title={title} onDismiss={onDismiss}>
      <p>{error}</p>
    </Banner>
  );
}
