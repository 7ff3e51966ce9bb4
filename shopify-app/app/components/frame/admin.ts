// What the console asks of the Shopify Admin around it, through App Bridge's `shopify` global: toasts for
// outcomes and the loading bar. Outside a browser (server render) and outside the Admin they do nothing.
import { useNavigation } from '@remix-run/react';
import type { useAppBridge } from '@shopify/app-bridge-react';
import { useEffect } from 'react';

function appBridge(): ReturnType<typeof useAppBridge> | null {
  return typeof window !== 'undefined' && window.shopify ? window.shopify : null;
}

/** An outcome the merchant should see (approved, saved, sync started…), as a toast in the Admin. */
export function toast(message: string): void {
  appBridge()?.toast.show(message);
}

/** A failure the merchant should see, as an error toast in the Admin. */
export function errorToast(message: string): void {
  appBridge()?.toast.show(message, { isError: true, duration: 8000 });
}

/**
 * Resolves when the page's unsaved changes may go: at once without a save bar showing, else once the
 * merchant chose to leave in the Admin's dialog (never, if they stay).
 */
export function leaveConfirmation(): Promise<void> {
  return appBridge()?.saveBar.leaveConfirmation() ?? Promise.resolve();
}

// The Admin has one loading bar: it stays on while any navigation or long action runs.
let running = 0;
function begin(): void {
  if (running++ === 0) appBridge()?.loading(true);
}
function end(): void {
  if (--running === 0) appBridge()?.loading(false);
}

/** The Admin's loading bar is on while `active` is. */
export function useAdminLoading(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    begin();
    return end;
  }, [active]);
}

/** The Admin's loading bar is on while Remix loads the next page (used once, by the app's frame). */
export function useNavigationLoading(): void {
  useAdminLoading(useNavigation().state !== 'idle');
}
