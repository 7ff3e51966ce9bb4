// The pricing console as the browser suites drive it inside the sandbox's Admin shell: open a page (retried
// when a load races Vite's dependency optimizer), press an IndexTable bulk action, read the banners, and
// what the Admin around it shows: its toasts, and its title bar's buttons (App Bridge draws them there).
import type { FrameLocator, Page } from '@playwright/test';

/**
 * Open `url` (the Admin shell with an app path) and wait until `ready` holds in the app's frame. A load can
 * fail to hydrate when Vite's optimized dependencies change under it ("useNavigate() may be used only in
 * the context of a <Router>"; each suite has its own cache, VITE_CACHE_DIR, but the first load still races
 * the optimizer); such a load is retried, up to three times, after a moment to let errors surface.
 * `onFailure` runs before the last failure is thrown (a screenshot, say).
 */
export async function openInAdminShell(page: Page, url: string, ready: (app: FrameLocator) => Promise<unknown>, errors: string[], onFailure?: () => Promise<unknown>): Promise<FrameLocator> {
  const app = page.frameLocator('#app-frame');
  for (let attempt = 1; ; attempt++) {
    errors.length = 0;
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    try {
      await ready(app);
      await page.waitForTimeout(1000);
      if (errors.length === 0) return app;
    } catch (error) {
      if (attempt >= 3) {
        await onFailure?.().catch(() => undefined);
        throw new Error(`${url} did not load: ${error instanceof Error ? error.message : error}; page errors: ${errors.join('; ') || 'none'}`);
      }
    }
    if (attempt >= 3) throw new Error(`${url} failed to load: ${errors.join('; ')}`);
  }
}

/** Press a bulk action: promoted ones are buttons; Polaris moves the others under "More actions". */
export async function bulkAction(app: FrameLocator, name: string): Promise<void> {
  // Polaris also renders hidden copies of the bulk actions to measure them: only a visible one is pressed.
  const direct = app.getByRole('button', { name, exact: true }).filter({ visible: true });
  if ((await direct.count()) > 0) return direct.first().click();
  await app.getByRole('button', { name: 'More actions' }).filter({ visible: true }).first().click();
  await app.getByRole('menuitem', { name }).or(app.locator('.Polaris-ActionList__Item').filter({ hasText: name })).filter({ visible: true }).first().click();
}

export async function banners(app: FrameLocator): Promise<string[]> {
  return app.locator('.Polaris-Banner').allInnerTexts();
}

/** The toasts the Admin shows now (App Bridge's `shopify.toast`; each lasts a few seconds). */
export async function toasts(page: Page): Promise<string[]> {
  return page.locator('#toasts .toast').allInnerTexts();
}

/** A button of the Admin's title bar (the page's TitleBar actions), by its label. */
export function titleBarButton(page: Page, name: string) {
  return page.locator('#titlebar button', { hasText: name });
}
