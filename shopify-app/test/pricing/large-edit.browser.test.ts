// A typo in the pricing console, in a real browser (Debian's Chromium driven by Playwright) inside the
// sandbox's Shopify Admin shell. A product at 39.99 has a suggestion of 36.99; the merchant types 3699
// instead of 36.99: the Change column shows the edited price's real change against 39.99 (not the
// suggestion's −7.50 %), approving asks for a Polaris confirmation naming the product, 39.99 → 3,699.00
// and the % change; Cancel approves nothing; "Approve anyway" approves the edited price. Screenshots go to
// shopify-app/artifacts/pricing/ (gitignored).
import type { Page } from '@playwright/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHOP, readJson, sandboxControl, startPlatformsWorld, waitFor, type PlatformsWorld } from '../platforms/support/harness';
import { LOAD_TIMEOUT_MS, toasts } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';
import { banners, bulkAction } from './support/console-page';

let w: PlatformsWorld;
const suite = browserSuite({ viteCache: 'large-edit', artifacts: 'pricing', shop: SHOP, env: { PRICING_MONITOR: 'off' }, start: async () => (w = await startPlatformsWorld()) });
let product: { title: string; sku: string; suggestionId: string };

beforeAll(async () => {
  if (!hasChromium) return;
  // One Shopify product at 39.99, synced into the app.
  const { products } = await sandboxControl<{ products: Array<{ variants: Array<{ id: number | string; sku: string }> }> }>(w.sandbox, `shopify/shops/${SHOP}/products`);
  const variant = products.flatMap((p) => p.variants).find((v) => v.sku)!;
  await sandboxControl(w.sandbox, `shopify/shops/${SHOP}/prices`, { variantId: String(variant.id), price: '39.99' });
  const { syncId } = await readJson<{ syncId: string }>(await w.api('/api/platforms/shopify/sync', { json: { mode: 'full' } }));
  await waitFor('shopify sync', async () => (await readJson<{ status: string }>(await w.api(`/api/platforms/shopify/sync?id=${syncId}`))).status !== 'started', 120_000);
  await w.api('/api/product-links?page=1');
  const db = w.database.db;
  const listing = await db.listing.findFirstOrThrow({ where: { project: { shopDomain: SHOP }, platform: 'shopify', sku: variant.sku } });
  expect(listing.priceAmount).toBe('39.99');

  // A rule without a step limit (the bound is then 20 %), and the suggestion it made: 36.99.
  expect((await w.api('/api/pricing/rules', { json: { name: 'Match the Buy Box', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', floorAmount: '1.00' } })).status).toBe(201);
  const suggestion = await db.priceSuggestion.create({
    data: { projectId: listing.projectId, productLinkId: listing.productLinkId, listingId: listing.id, currency: 'USD', currentAmount: '39.99', suggestedAmount: '36.99', explanation: { summary: 'A competitor sells it for 36.99.' } },
  });
  // The title the console shows for it: its product link's, else the listing's own.
  const link = listing.productLinkId ? await db.productLink.findUnique({ where: { id: listing.productLinkId } }) : null;
  product = { title: link?.title ?? listing.title, sku: variant.sku, suggestionId: suggestion.id };
}, 900_000);

describe.skipIf(!hasChromium)('a large edited price in the console', () => {
  let page: Page;
  const failures: string[] = [];

  beforeAll(async () => {
    page = await newMerchantPage(suite.browser, failures, { viewport: { width: 1440, height: 1100 } });
  });

  it('shows the real change as 3699 is typed for 39.99, asks for a confirmation, approves nothing on Cancel, approves on confirm', async () => {
    const app = await suite.open(page, '/app/pricing', (a) => a.locator('.Polaris-IndexTable').first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    const row = app.locator('tbody tr').filter({ hasText: product.sku });
    const change = row.locator('[data-section="change"]');
    await expect.poll(() => change.innerText(), { timeout: 30_000 }).toBe('-7.50 %');

    // The typo: the Change column follows the edited price, measured from the current 39.99.
    await row.getByRole('button', { name: /Edit the price/ }).click();
    const field = row.locator('[data-section="price-edit"] input');
    await field.fill('3699');
    await expect.poll(() => change.innerText(), { timeout: 10_000 }).toBe('+9149.81 %');
    await field.fill('36.99');
    await expect.poll(() => change.innerText(), { timeout: 10_000 }).toBe('-7.50 %');
    await field.fill('3699');
    await expect.poll(() => change.innerText(), { timeout: 10_000 }).toBe('+9149.81 %');

    // Approving asks first: an App Bridge modal (the whole Admin dimmed) naming the product, old → new and the change.
    await row.locator('input[type="checkbox"]').first().check({ force: true });
    await bulkAction(app, 'Approve');
    const dialog = app.getByRole('dialog');
    await expect.poll(() => dialog.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/Approve a large price change\?/);
    expect(await page.locator('#modal-overlay').isVisible()).toBe(true);
    const asked = await dialog.locator('[data-section="large-changes"]').innerText();
    expect(asked).toContain(product.title);
    expect(asked).toMatch(/\$39\.99 → \$3,699\.00 \(\+9149\.81 %\)/);
    expect(asked).toMatch(/more than 20 % \(the rule has no step limit\)/);
    await suite.shot(page, 'large-edit-confirm.png');

    // Cancel: nothing approved, nothing created.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => app.getByRole('dialog').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => banners(app), { timeout: 10_000 }).toContainEqual(expect.stringMatching(/Nothing was approved: check the edited price/));
    expect((await w.database.db.priceSuggestion.findUniqueOrThrow({ where: { id: product.suggestionId } })).status).toBe('pending');
    expect(await w.database.db.priceChange.count()).toBe(0);

    // Confirm: approved at the edited price.
    const checkbox = row.locator('input[type="checkbox"]').first();
    if (!(await checkbox.isChecked())) await checkbox.check({ force: true });
    await bulkAction(app, 'Approve');
    await expect.poll(() => app.getByRole('dialog').innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/Approve a large price change\?/);
    await app.getByRole('dialog').getByRole('button', { name: 'Approve anyway' }).click();
    await expect.poll(() => toasts(page), { timeout: 30_000 }).toContain('1 price approved. Pushing it to every linked platform.');
    expect(await w.database.db.priceSuggestion.findUniqueOrThrow({ where: { id: product.suggestionId } })).toMatchObject({ status: 'approved', approvedAmount: '3699.00' });
    expect(await w.database.db.priceChange.findFirstOrThrow({ where: { suggestionId: product.suggestionId } })).toMatchObject({ fromAmount: '39.99', toAmount: '3699.00' });
    await suite.shot(page, 'large-edit-approved.png');
    expect(failures).toEqual([]);
  }, 300_000);
});
