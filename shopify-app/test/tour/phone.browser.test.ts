// Every page of the console on a phone (390 × 844, touch, as the issue measured), in the sandbox's Admin
// shell, with a shop in use (test/tour/support/tour-world.ts). The page list comes from the app's route
// files (test/tour/support/app-pages.ts), so a page added later is checked without editing this file; a
// page with parameters must have them in PAGE_PARAMS below, or the first test fails naming it. For each
// page: it renders (its Polaris page visible, no page error), the document never scrolls sideways, and
// every control on it is on the screen (none pushed past the edge, where a thumb can't reach it).
// The shell itself: the app full width under the top bar, the nav folded behind the menu button.
import type { FrameLocator, Page } from '@playwright/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';
import { appPages, pageUrl } from './support/app-pages';
import { openAppPage, SCREENS, screenOptions } from './support/tour-browser';
import { SHOP, startTourWorld, TOUR_RULE, type TourWorld } from './support/tour-world';

/** Which record each page with parameters shows, by Remix route id. */
const PAGE_PARAMS: Record<string, (t: TourWorld) => Record<string, string>> = {
  'routes/app.listings.$itemId': (t) => ({ itemId: t.itemId }),
};

/** What a page must show on a phone beyond fitting the screen, by Remix route id. */
const PAGE_CHECKS: Record<string, (app: FrameLocator) => Promise<void>> = {
  // The case: each suggestion a compact row (not 300 px), its product, prices and rule readable.
  'routes/app.pricing._index': async (app) => {
    const rows = app.locator('[data-section="suggestion-compact"]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    for (const row of await rows.all()) {
      const box = (await row.boundingBox())!;
      expect(box.height, `a suggestion row ${Math.round(box.height)} px tall`).toBeLessThan(200);
      expect(await row.innerText()).toMatch(/\$[\d,.]+ →[\s\S]*\$[\d,.]+[\s\S]*%/);
      expect(await row.innerText()).toContain(TOUR_RULE);
    }
    // A condensed table has no selection: each row decides itself. Reject the last one (nothing is pushed).
    const count = await rows.count();
    const last = rows.nth(count - 1);
    await last.getByRole('button', { name: /^Reject / }).click();
    // The outcome is the Admin's toast (App Bridge), in the shell around the app.
    await expect.poll(() => page.locator('#toasts .toast').allInnerTexts(), { timeout: 30_000 }).toContain('1 suggestion rejected');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(count - 1);
  },
  'routes/app.pricing.changes': async (app) => {
    const row = app.locator('[data-section="change-compact"]').filter({ has: app.locator('[data-platform="amazon"]') }).first();
    const text = await row.innerText();
    for (const shown of ['Applied', 'Amazon', 'Shopify', 'Roll back']) expect(text).toContain(shown);
  },
  'routes/app.pricing.rules': async (app) => {
    expect(await app.locator('[data-section="rule-compact"]').first().innerText()).toMatch(new RegExp(`${TOUR_RULE}[\\s\\S]*Edit[\\s\\S]*Dry run`));
  },
};

const PHONE_WIDTH = SCREENS.phone.viewport.width;
const pages = appPages();

let tour: TourWorld;
const suite = browserSuite({ viteCache: 'tour-phone', shop: SHOP, start: async () => (tour = await startTourWorld()).w });
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  page = await newMerchantPage(suite.browser, errors, screenOptions('phone', { deviceScaleFactor: 1 }));
});

/** What sticks out sideways in the frame: the document's overflow, and controls outside the screen. */
function sideways(app: FrameLocator) {
  return app.locator('html').evaluate((html) => {
    const width = html.clientWidth;
    const clipped = (el: HTMLElement): boolean => {
      for (let node: HTMLElement | null = el; node && node !== html; node = node.parentElement) {
        const style = getComputedStyle(node);
        const box = node.getBoundingClientRect();
        if ((style.clip !== 'auto' && style.clip !== '') || style.clipPath !== 'none') return true;
        if (node !== el && style.overflow !== 'visible' && (box.width <= 1 || box.height <= 1)) return true;
      }
      return false;
    };
    const offscreen: string[] = [];
    for (const el of Array.from(html.querySelectorAll<HTMLElement>('button, a[href], input:not([type="hidden"]), select, textarea, [role="button"]'))) {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || el.closest('[aria-hidden="true"], [hidden]')) continue;
      // Tab bars scroll sideways by design (Polaris Tabs), their arrows and "more" menu in reach.
      if (el.closest('[role="tablist"]')) continue;
      // Visually hidden (Polaris' screen-reader-only copies, a drop zone's file input, checkboxes drawn by their label).
      if (box.width <= 1 || box.height <= 1 || style.opacity === '0' || clipped(el)) continue;
      if (box.left < -1 || box.right > width + 1) offscreen.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.getAttribute('aria-label') || el.getAttribute('name') || '').trim().slice(0, 40)}" at ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
    return { scrollWidth: html.scrollWidth, bodyScrollWidth: document.body.scrollWidth, clientWidth: width, offscreen };
  });
}

describe.skipIf(!hasChromium)('every page on a phone (390 px)', () => {
  it('knows every page of the app, and which record each page with parameters shows', () => {
    expect(pages.map((p) => p.pattern)).toEqual(expect.arrayContaining(['/app', '/app/pricing', '/app/pricing/rules', '/app/pricing/changes', '/app/integrations']));
    const unmapped = pages.filter((p) => p.params.length > 0 && !PAGE_PARAMS[p.id]).map((p) => `${p.file} (${p.params.join(', ')})`);
    expect(unmapped, 'pages with parameters missing from PAGE_PARAMS in test/tour/phone.browser.test.ts').toEqual([]);
  });

  it('the Admin shell shows the app full width, the nav folded behind the menu button', async () => {
    const app = await openAppPage(page, tour.adminUrl('/app'), errors);
    const frame = await page.locator('#app-frame').boundingBox();
    expect(frame).toMatchObject({ x: 0, width: PHONE_WIDTH });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_WIDTH);
    const nav = page.locator('nav');
    expect(await nav.isVisible()).toBe(false);
    await page.getByLabel('Menu').click();
    await expect.poll(() => nav.isVisible()).toBe(true);
    await expect.poll(() => page.locator('#app-nav a').allTextContents(), { timeout: 30_000 }).toContain('Suggestions');
    // A link of the app's nav (App Bridge's NavMenu) takes the frame there and folds the nav again.
    await page.locator('#app-nav a', { hasText: 'Suggestions' }).click();
    await expect.poll(() => nav.isVisible()).toBe(false);
    await app.locator('.Polaris-Page').first().waitFor();
    await expect.poll(() => page.url(), { timeout: 60_000 }).toContain('/app/pricing');
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 30_000 }).toBe('Suggestions');
    // The title bar with the page's actions (this page has the most) fits too: nothing sideways, every button on the screen.
    await expect.poll(() => page.locator('#title-actions button').count(), { timeout: 30_000 }).toBeGreaterThan(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_WIDTH);
    for (const button of await page.locator('#titlebar button').all()) {
      const box = (await button.boundingBox())!;
      expect(box.x, await button.innerText()).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, await button.innerText()).toBeLessThanOrEqual(PHONE_WIDTH);
    }
    expect(errors).toEqual([]);
  }, 300_000);

  for (const p of pages) {
    it(`${p.pattern} (${p.file}) fits the screen`, async () => {
      const given = PAGE_PARAMS[p.id]?.(tour);
      const url = pageUrl(p, given ? { [p.id]: given } : {});
      const app = await openAppPage(page, tour.adminUrl(url), errors);
      const main = await app.locator('.Polaris-Page').first().boundingBox();
      expect(main, 'the page content is on the screen').not.toBeNull();
      expect(main!.width).toBeGreaterThan(PHONE_WIDTH / 2);
      expect(main!.x + main!.width).toBeLessThanOrEqual(PHONE_WIDTH + 1);
      const fit = await sideways(app);
      expect(fit.scrollWidth, `${url} scrolls sideways`).toBeLessThanOrEqual(fit.clientWidth + 1);
      expect(fit.bodyScrollWidth, `${url} scrolls sideways`).toBeLessThanOrEqual(fit.clientWidth + 1);
      expect(fit.offscreen, `${url}: controls off the screen`).toEqual([]);
      await PAGE_CHECKS[p.id]?.(app);
      expect(errors).toEqual([]);
    }, 300_000);
  }
});
