// The browser suites drive Debian's Chromium through Playwright. Where it is, whether this machine has it
// (a suite without it is skipped, and says how to install it), how it is launched and how a merchant's
// window is opened in it live here once, so every browser suite runs the same browser the same way.
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test';
import { BROWSER_UA } from './app-http';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED: ${CHROMIUM} is missing (flock /tmp/calibr-apt.lock apt-get install -y chromium)`);

/** Headless, with nothing running in the background that could reach the internet. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A window of its own (cookies, storage) as a merchant's browser: Shopify's library answers bots with 410,
 * and headless Chromium says it is one (HeadlessChrome), so it says it is a desktop Chrome.
 */
export function newMerchantContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ userAgent: BROWSER_UA, ...options });
}

/**
 * A page in a new merchant's window, its uncaught errors pushed to `errors` (a suite expects none).
 * `page.context().close()` closes the window; the browser's close closes any left.
 */
export async function newMerchantPage(browser: Browser, errors: string[], options: BrowserContextOptions = {}): Promise<Page> {
  const page = await (await newMerchantContext(browser, options)).newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}
