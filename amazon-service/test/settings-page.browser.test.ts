// The Amazon settings page in a real browser (Debian's chromium): opened through a signed link for one
// shop, connected through Seller Central's consent flow on the sandbox, showing the feed monitor with a
// failed SKU and Amazon's message. Unsigned, forged and expired links are refused; forms need CSRF.
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from '@playwright/test';
import { signSettingsLink } from '../src/settings-page/settings-link';
import { DEMO_SELLER, SHARED_SECRET, US, control, remoteConnector, startHarness, waitFor, type Harness } from './support/harness';

const CHROMIUM = '/usr/bin/chromium';
const SHOP = 'browser-shop.myshopify.com';
const ARTIFACTS = resolve(import.meta.dirname, '..', 'test-results');
let h: Harness;
let browser: Browser;

describe.skipIf(!existsSync(CHROMIUM))('settings page in chromium', () => {
  beforeAll(async () => {
    h = await startHarness({ sandbox: { timeScale: 10 }, service: { timeScale: 10 } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('refuses unsigned, forged and expired links, and the page without a session', async () => {
    const page = await browser.newPage();
    const unsigned = await page.goto(`${h.service.url}/settings/amazon/open?shop=${SHOP}`);
    expect(unsigned?.status()).toBe(403);
    await expect(page.getByText('opens only through the link').isVisible()).resolves.toBe(true);

    const forged = new URL(signSettingsLink({ serviceUrl: h.service.url, shop: 'other-shop.myshopify.com', secret: SHARED_SECRET }));
    forged.searchParams.set('shop', SHOP); // a link for another shop, re-pointed
    expect((await page.goto(forged.toString()))?.status()).toBe(403);

    const expired = signSettingsLink({ serviceUrl: h.service.url, shop: SHOP, secret: SHARED_SECRET, now: Date.now() - 10 * 60_000 });
    const late = await page.goto(expired);
    expect(late?.status()).toBe(401);
    await expect(page.getByText('This link has expired').isVisible()).resolves.toBe(true);

    expect((await page.goto(`${h.service.url}/settings/amazon`))?.status()).toBe(401);
    await page.close();
  });

  it('opens through a signed link, connects via Seller Central consent, and shows the feed monitor', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(signSettingsLink({ serviceUrl: h.service.url, shop: SHOP, secret: SHARED_SECRET }));
    expect(new URL(page.url()).pathname).toBe('/settings/amazon'); // the signed query is gone from the address bar
    await expect(page.getByText('Not connected', { exact: true }).isVisible()).resolves.toBe(true);
    expect(await page.locator('link[href$="polaris.css"]').count()).toBe(1);
    expect(await page.locator('.Polaris-Page').count()).toBe(1);

    // Connect with Amazon: choose the US marketplace, go to Seller Central, approve.
    await page.locator('#connect-ATVPDKIKX0DER').check();
    await page.locator('#connect-amazon').click();
    await page.waitForURL(/\/apps\/authorize\/consent/);
    expect(page.url()).toContain('/amazon/sellercentral/sellercentral.amazon.com/apps/authorize/consent');
    await page.locator('#agree').check();
    await page.locator('#confirm').click();
    await page.waitForURL(/\/settings\/amazon\?notice=connected/);
    await expect(page.getByText('Your Amazon seller account is connected.').isVisible()).resolves.toBe(true);
    await expect(page.getByText('Connected', { exact: true }).isVisible()).resolves.toBe(true);
    expect(await page.locator('#seller-id').textContent()).toContain(DEMO_SELLER);
    expect(await page.content()).not.toMatch(/Atzr\||amzn1\.oa2-cs/); // no token or secret reaches the browser
    await expect(page.locator('#feed-monitor-empty').isVisible()).resolves.toBe(true);

    // The app pushes prices; one SKU doesn't exist on Amazon.
    const seller = await control<{ listings: { sku: string }[] }>(h.sandbox, `sellers/${DEMO_SELLER}`);
    const updates = seller.listings.slice(0, 6).map((l, i) => ({ idempotencyKey: `browser-${l.sku}`, externalId: l.sku, marketplaceId: US, price: { amount: `${80 + i}.00`, currency: 'USD' } }));
    updates.push({ idempotencyKey: 'browser-ghost', externalId: 'GHOST-SKU-404', marketplaceId: US, price: { amount: '9.99', currency: 'USD' } });
    const batch = await (await remoteConnector(h, SHOP)).pricing.batchUpdatePrices!(updates);
    const feedId = batch.platformReference!.id;
    await waitFor('the feed to finish', async () => (await h.database.db.amazonPriceFeed.findFirst({ where: { feedId, status: 'DONE' } })) ?? undefined, 30_000);

    await page.reload();
    const monitor = page.locator('#feed-monitor');
    await expect(monitor.isVisible()).resolves.toBe(true);
    const row = monitor.locator('tr', { hasText: feedId });
    expect(await row.textContent()).toMatch(/DONE.*7.*6.*1.*0/);
    const failures = page.locator('.feed-failures');
    expect(await failures.textContent()).toContain('GHOST-SKU-404');
    expect(await failures.textContent()).toMatch(/does not exist/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'amazon-settings.png'), fullPage: true });
    // On a 390 px phone the feed tables scroll inside their cards: the page itself is never wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await page.locator('#feed-monitor').isVisible()).toBe(true);
    await page.screenshot({ path: resolve(ARTIFACTS, 'amazon-settings-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 720 });

    // A form post without the page's CSRF token is refused, even with the session cookie.
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const forgedPost = await fetch(`${h.service.url}/settings/amazon/disconnect`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=nope', redirect: 'manual' });
    expect(forgedPost.status).toBe(403);

    // Disconnect from the page: the secrets are forgotten.
    await page.locator('#disconnect').click();
    await page.waitForURL(/notice=disconnected/);
    await expect(page.getByText('Not connected', { exact: true }).isVisible()).resolves.toBe(true);
    const row2 = await h.database.db.amazonIntegration.findFirstOrThrow({ where: { tenant: { shopDomain: SHOP } } });
    expect(row2).toMatchObject({ status: 'disconnected', refreshTokenCiphertext: '', accessTokenCiphertext: null });
    await context.close();
  }, 90_000);
});
