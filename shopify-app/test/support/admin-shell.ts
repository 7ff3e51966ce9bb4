// The sandbox's Shopify Admin shell as the browser suites drive it: an app page opened in it and waited
// for until the app has loaded (tried again when a load races Vite), and what the Admin around the app
// shows: its toasts, and its title bar's buttons (App Bridge draws them there).
import type { FrameLocator, Page } from '@playwright/test';

/** Generous: this machine's cores are shared, and Vite compiles a page's modules on its first request. */
export const LOAD_TIMEOUT_MS = 120_000;

/** What an opened page must show (in the app's frame) before a test goes on. */
export type Ready = (app: FrameLocator) => Promise<unknown>;

export interface OpenOptions {
  /** Runs before the last failure is thrown (a screenshot, say). */
  onFailure?: () => Promise<unknown>;
  /** Loads tried before giving up: 3, or 1 where the first load itself is what a test proves. */
  attempts?: number;
}

/**
 * Open `url` (the Admin shell with an app path) and wait until `ready` holds in the app's frame and React
 * has hydrated the app's document. A load can fail to hydrate when Vite's optimized dependencies change
 * under it ("useNavigate() may be used only in the context of a <Router>"; each suite has its own cache,
 * VITE_CACHE_DIR, but a first load can still race the optimizer): a load with page errors is tried again.
 * `errors` (the page's, see newMerchantPage) is emptied at each load.
 */
export async function openInAdminShell(page: Page, url: string, ready: Ready, errors: string[], options: OpenOptions = {}): Promise<FrameLocator> {
  const attempts = options.attempts ?? 3;
  const app = page.frameLocator('#app-frame');
  for (let attempt = 1; ; attempt++) {
    errors.length = 0;
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    try {
      await ready(app);
      await hydrated(page, app, errors);
      if (errors.length === 0) return app;
    } catch (error) {
      if (attempt >= attempts) {
        await options.onFailure?.().catch(() => undefined);
        throw new Error(`${url} did not load: ${error instanceof Error ? error.message : error}; page errors: ${errors.join('; ') || 'none'}`);
      }
    }
    if (attempt >= attempts) {
      await options.onFailure?.().catch(() => undefined);
      throw new Error(`${url} failed to load: ${errors.join('; ')}`);
    }
  }
}

/**
 * Until React has hydrated the app's document (app/root.tsx marks it), or a page error says it won't: the
 * server's HTML can show what `ready` waits for before the page's scripts have run.
 */
async function hydrated(page: Page, app: FrameLocator, errors: string[]): Promise<void> {
  if (errors.length > 0) return;
  const marked = app.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: LOAD_TIMEOUT_MS });
  const failed = page.waitForEvent('pageerror', { timeout: LOAD_TIMEOUT_MS });
  // The one that loses the race settles later, on its own: nothing waits for it.
  marked.catch(() => undefined);
  failed.catch(() => undefined);
  await Promise.race([marked, failed]);
}

/** The toasts the Admin shows now (App Bridge's `shopify.toast`; each lasts a few seconds). */
export async function toasts(page: Page): Promise<string[]> {
  return page.locator('#toasts .toast').allInnerTexts();
}

/** A button of the Admin's title bar (the page's TitleBar actions), by its label. */
export function titleBarButton(page: Page, name: string) {
  return page.locator('#titlebar button', { hasText: name });
}
