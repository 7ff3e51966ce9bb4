// The browser side of the tour: the two screens a merchant uses (a desktop and a phone), and opening an app
// page in the sandbox's Admin shell until it has rendered and settled. The phone pass over every page and
// the README's screenshots open pages the same way.
import type { Browser, BrowserContext, BrowserContextOptions, FrameLocator, Page } from '@playwright/test';
import { LOAD_TIMEOUT_MS, openInAdminShell } from '../../support/admin-shell';
import { newMerchantContext } from '../../support/chromium';
import { waitFor } from '../../support/wait-for';

export { LOAD_TIMEOUT_MS };

export const SCREENS = {
  desktop: { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
  /** An iPhone 14/15's CSS viewport: what the issue measured (390 px). */
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const;
export type Screen = keyof typeof SCREENS;

/** A merchant's window on that screen (see newMerchantPage for a page in one). */
export function screenOptions(screen: Screen, options: { deviceScaleFactor?: number } = {}): BrowserContextOptions {
  const { viewport, isMobile, hasTouch, deviceScaleFactor } = SCREENS[screen];
  return { viewport, isMobile, hasTouch, deviceScaleFactor: options.deviceScaleFactor ?? deviceScaleFactor };
}

export function newScreenContext(browser: Browser, screen: Screen, options: { deviceScaleFactor?: number } = {}): Promise<BrowserContext> {
  return newMerchantContext(browser, screenOptions(screen, options));
}

/**
 * Open an app page in the Admin shell and wait until it is hydrated (openInAdminShell), its Polaris page is
 * visible and its text stops changing (loaders and first fetches done); `ready` adds what this page must show.
 */
export async function openAppPage(page: Page, url: string, errors: string[], ready?: (app: FrameLocator) => Promise<unknown>): Promise<FrameLocator> {
  const app = await openInAdminShell(
    page,
    url,
    async (a) => {
      await a.locator('.Polaris-Page').first().waitFor({ state: 'visible', timeout: LOAD_TIMEOUT_MS });
      await ready?.(a);
    },
    errors,
  );
  await settled(app);
  return app;
}

/** The frame's text read twice, 400 ms apart, the same (a fetch still filling the page changes it). */
export async function settled(app: FrameLocator): Promise<void> {
  let last = '';
  await waitFor(
    'the page to settle',
    async () => {
      const text = await app.locator('body').innerText().catch(() => '');
      const same = text === last && text.length > 0;
      last = text;
      return same;
    },
    30_000,
    400,
  );
}
