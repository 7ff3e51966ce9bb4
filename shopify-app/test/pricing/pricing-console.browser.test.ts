// The pricing console in a real browser (Debian's Chromium driven by Playwright) inside the sandbox's
// Shopify Admin shell. A competitor undercuts three products on Amazon and the monitor turns that into
// three suggestions. The merchant: finds one by SKU with the IndexTable's search and edits its price
// (a typing mistake and a price under the rule's floor each show their error under the field; nothing
// is sent), approves it together with a second one through the bulk action, rejects the third through
// the bulk action, watches both approved prices applied on Shopify and Amazon on the price changes page
// (and in the sandbox: the edited price on the edited product), opens a change's product page, tries
// the rule on the rules page (dry run, nothing created), and previews a costs CSV with a bad row (the
// row, column and message shown, nothing written). Screenshots go to shopify-app/artifacts/pricing/
// (gitignored).
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHOP, US, connectAndSync, linkedProducts, readJson, sandboxControl, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';
import { LOAD_TIMEOUT_MS, titleBarButton, toasts } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';
import { usdMinus } from '../support/money';
import { banners, bulkAction } from './support/console-page';

let w: PlatformsWorld;
const suite = browserSuite({
  viteCache: 'pricing-console',
  artifacts: 'pricing',
  shop: SHOP,
  env: { PRICING_MONITOR: 'off', PRICING_PUSH_POLL_MS: '200', PRICING_PENDING_POLL_MS: '300' },
  start: async () => (w = await startPlatformsWorld()),
});
// open(page, appPath, ready, errors) and shot(page, name), as every browser suite (../support/browser-suite.ts).
const { open, shot } = suite;

interface Product {
  linkId: string;
  sku: string;
  asin: string;
  shopifyVariant: string;
  suggestionId: string;
  suggested: string;
}
/** edited: its price is edited then approved; other: approved as suggested; rejected: rejected. */
let products: { edited: Product; other: Product; rejected: Product };

beforeAll(async () => {
  if (!hasChromium) return;
  // Amazon connected, both catalogs synced and linked (the integrations suite covers doing it by hand).
  await connectAndSync(w);

  // A rule (with a floor, so an edited price can break a guardrail), the market read once, then a
  // competitor undercuts three products and the monitor notices.
  expect((await w.api('/api/pricing/rules', { json: { name: 'Match the Buy Box', scope: 'shop', kind: 'match_buy_box', params: {}, currency: 'USD', floorAmount: '1.00', maxStepPercent: '50' } })).status).toBe(201);
  const linked = await linkedProducts(w, { order: 'desc', take: 3 });
  expect(linked).toHaveLength(3);
  const asins = linked.map((p) => p.amazon.asin!);
  await w.api('/api/pricing/monitor', { json: { asins } });
  for (const { amazon } of linked) {
    const undercut = usdMinus(amazon.priceAmount, 300n);
    // The undercutter wins the Buy Box (the sandbox gives it to the lowest landed price among good sellers).
    await sandboxControl(w.sandbox, 'amazon/competitors', { asin: amazon.asin, marketplaceId: US, sellerId: 'A1UNDERCUTTER', sellerName: 'Undercutter', price: undercut, feedbackPercent: 99, fulfillment: 'AFN' });
    await sandboxControl(w.sandbox, 'amazon/buybox', { asin: amazon.asin, marketplaceId: US, winner: 'A1UNDERCUTTER' });
  }
  const monitored = await readJson<{ suggestions: { created: number } | null }>(await w.api('/api/pricing/monitor', { json: { asins } }));
  expect(monitored.suggestions?.created).toBe(3);
  const [edited, other, rejected] = await Promise.all(
    linked.map(async ({ link, amazon, shopify }): Promise<Product> => {
      const suggestion = await w.database.db.priceSuggestion.findFirstOrThrow({ where: { productLinkId: link.id, status: 'pending' } });
      return { linkId: link.id, sku: link.sku, asin: amazon.asin!, shopifyVariant: shopify.externalId, suggestionId: suggestion.id, suggested: suggestion.suggestedAmount };
    }),
  );
  products = { edited: edited!, other: other!, rejected: rejected! };
}, 900_000);


/** The variant price the sandbox's Shopify holds now. */
async function shopifyPrice(variantGid: string): Promise<string | undefined> {
  const { products: all } = await sandboxControl<{ products: Array<{ variants: Array<{ id: number | string; price: string }> }> }>(w.sandbox, `shopify/shops/${SHOP}/products`);
  const id = variantGid.split('/').pop();
  return all.flatMap((p) => p.variants).find((v) => String(v.id) === id)?.price;
}

describe.skipIf(!hasChromium)('the pricing console in the Admin shell', () => {
  let page: Page;
  const failures: string[] = [];

  beforeAll(async () => {
    page = await newMerchantPage(suite.browser, failures, { viewport: { width: 1440, height: 1100 } });
  });

  it('edits a price (bad input shows its error under the field), approves two and rejects one with the bulk actions', async () => {
    const app = await open(page, '/app/pricing', (a) => a.locator('.Polaris-IndexTable').first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    await expect.poll(() => page.locator('#app-nav a').allTextContents(), { timeout: 30_000 }).toContain('Suggestions');
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 30_000 }).toBe('Suggestions');
    await shot(page, 'suggestions.png');
    try {
      await expect.poll(() => app.getByRole('tab').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/Pending\s*3/)]));
    } catch (error) {
      await shot(page, 'failed-suggestions.png');
      throw new Error(`${error instanceof Error ? error.message : error}; page errors: ${failures.join('; ') || 'none'}; frame: ${(await app.locator('body').innerText().catch(() => '')).slice(0, 500)}`);
    }

    // Search by SKU (the server filters): one row, explaining what moved and which rule.
    const { edited, other, rejected } = products;
    await app.getByRole('button', { name: /Search and filter/ }).click();
    const search = app.getByPlaceholder('Search by product, SKU or rule');
    await search.fill(edited.sku.toLowerCase());
    await expect.poll(() => app.locator('tbody tr').allInnerTexts(), { timeout: 30_000 }).toEqual([expect.stringContaining(edited.sku)]);
    const row = app.locator('tbody tr').filter({ hasText: edited.sku });
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toMatch(/Buy Box[\s\S]*Match the Buy Box/);
    // Its product's name links to the product's one page (the listing page).
    expect(await row.getByTestId('product-link').getAttribute('href')).toMatch(new RegExp(`/app/listings/${edited.linkId}(\\?|$)`));
    await shot(page, 'suggestions-search.png');

    // Edit its price. A typing mistake: the error shows under the field at once.
    await row.getByRole('button', { name: /Edit the price/ }).click();
    const field = row.locator('[data-section="price-edit"] input');
    await field.fill('12.345');
    await expect.poll(() => row.locator('[data-section="price-edit"]').innerText(), { timeout: 10_000 }).toMatch(/USD has 2 decimals at most/);
    // Approving now sends nothing.
    await row.locator('input[type="checkbox"]').first().check({ force: true });
    await bulkAction(app, 'Approve');
    await expect.poll(() => banners(app), { timeout: 10_000 }).toContainEqual(expect.stringMatching(/Nothing was approved: fix the edited price first/));
    expect((await w.database.db.priceSuggestion.findUniqueOrThrow({ where: { id: edited.suggestionId } })).status).toBe('pending');

    // Well formed but under the rule's floor: the server refuses it, and says so under the field.
    await field.fill('0.50');
    await expect.poll(() => row.locator('[data-section="price-edit"] .Polaris-InlineError').count(), { timeout: 10_000 }).toBe(0);
    await bulkAction(app, 'Approve');
    await expect.poll(() => row.locator('[data-section="price-edit"]').innerText(), { timeout: 30_000 }).toMatch(/0\.50 is below the floor 1\.00/);
    expect((await w.database.db.priceSuggestion.findUniqueOrThrow({ where: { id: edited.suggestionId } })).status).toBe('pending');
    await shot(page, 'suggestions-edit-refused.png');

    // A good price; then, with the search cleared, select it and a second one and approve both at once.
    const editedPrice = usdMinus(edited.suggested, 50n);
    await field.fill(editedPrice);
    await expect.poll(() => row.locator('[data-section="price-edit"] .Polaris-InlineError').count(), { timeout: 10_000 }).toBe(0);
    await search.fill('');
    await expect.poll(() => app.locator('tbody tr').count(), { timeout: 30_000 }).toBe(3);
    for (const p of [edited, other]) {
      const checkbox = app.locator('tbody tr').filter({ hasText: p.sku }).locator('input[type="checkbox"]').first();
      if (!(await checkbox.isChecked())) await checkbox.check({ force: true });
    }
    await bulkAction(app, 'Approve');
    await expect.poll(() => toasts(page), { timeout: 60_000 }).toContain('2 prices approved. Pushing them to every linked platform.');
    const decided = await w.database.db.priceSuggestion.findUniqueOrThrow({ where: { id: edited.suggestionId } });
    expect(decided).toMatchObject({ status: 'approved', approvedAmount: editedPrice });
    expect(decided.decidedBy).toMatch(/^user:/);

    // The third: rejected with the bulk action.
    await expect.poll(() => app.locator('tbody tr').allInnerTexts(), { timeout: 30_000 }).toEqual([expect.stringContaining(rejected.sku)]);
    await app.locator('tbody tr').first().locator('input[type="checkbox"]').first().check({ force: true });
    await bulkAction(app, 'Reject');
    await expect.poll(() => toasts(page), { timeout: 30_000 }).toContain('1 suggestion rejected');
    // Leave the search (IndexFilters hides the status tabs while filtering) and read the tabs' counts.
    await app.getByRole('button', { name: 'Cancel', exact: true }).filter({ visible: true }).first().click();
    await expect.poll(() => app.getByRole('tab').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/^Pending\s+0$/), expect.stringMatching(/^Rejected\s+(New\s+)?1$/), expect.stringMatching(/^Approved\s+(New\s+)?2$/)]));
    expect((await w.database.db.priceSuggestion.findUniqueOrThrow({ where: { id: rejected.suggestionId } })).status).toBe('rejected');
    await shot(page, 'suggestions-decided.png');

    // The audit log names who approved what.
    const audit = await readJson<{ entries: Array<{ action: string; actor: string; entityId: string; data: { edited?: boolean; to?: string } }> }>(await w.api('/api/pricing/audit?limit=50'));
    expect(audit.entries.find((e) => e.action === 'price_suggestion.approved' && e.entityId === edited.suggestionId)).toMatchObject({ actor: expect.stringMatching(/^user:/), data: { edited: true, to: editedPrice } });
    expect(audit.entries.some((e) => e.action === 'price_suggestion.rejected' && e.entityId === rejected.suggestionId)).toBe(true);
    expect(failures).toEqual([]);
  }, 300_000);

  it('decides "select all" by the filters over HTTP: only pending suggestions under them, bad filters a 400 problem', async () => {
    // Everything was decided above: a "select all" under any filter finds nothing pending to change.
    const none = await readJson<{ approved: unknown[]; rejected: unknown[]; refused: unknown[] }>(await w.api('/api/pricing/suggestions', { json: { action: 'approve', matching: { q: products.rejected.sku } } }));
    expect(none).toEqual({ approved: [], rejected: [], refused: [] });
    expect((await w.database.db.priceSuggestion.findUniqueOrThrow({ where: { id: products.rejected.suggestionId } })).status).toBe('rejected');
    const bad = await w.api('/api/pricing/suggestions', { json: { action: 'reject', matching: { sku: 'x' } } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(await readJson<{ errors: Array<{ path: string }> }>(bad)).toMatchObject({ errors: [{ path: 'matching.sku' }] });
  }, 60_000);

  it('shows both approved prices applied on Shopify and Amazon, and the price chart', async () => {
    const { edited, other } = products;
    const app = page.frameLocator('#app-frame');
    await page.locator('#app-nav a', { hasText: 'Price changes' }).click();
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 30_000 }).toBe('Price changes');
    for (const p of [edited, other]) {
      const changeRow = app.locator('tbody tr').filter({ hasText: p.sku }).first();
      await expect.poll(() => changeRow.locator('[data-platform="shopify"]').getAttribute('data-status'), { timeout: 120_000 }).toBe('applied');
      await expect.poll(() => changeRow.locator('[data-platform="amazon"]').getAttribute('data-status'), { timeout: 120_000 }).toBe('applied');
      expect(await changeRow.innerText()).toMatch(/Applied[\s\S]*Roll back/);
    }
    await shot(page, 'price-changes.png');

    // In the sandbox itself: the edited price on the edited product, the suggested one on the other.
    const editedPrice = usdMinus(edited.suggested, 50n);
    expect(await shopifyPrice(edited.shopifyVariant)).toBe(editedPrice);
    expect(await shopifyPrice(other.shopifyVariant)).toBe(other.suggested);

    // The history export has a row per platform, applied.
    const history = parse(await (await w.api('/api/pricing/export/history')).text(), { columns: true }) as Array<Record<string, string>>;
    const editedRows = history.filter((r) => r.sku === edited.sku);
    expect(editedRows.map((r) => [r.platform, r.platform_status, r.to_price]).sort()).toEqual([
      ['amazon', 'applied', editedPrice],
      ['shopify', 'applied', editedPrice],
    ]);

    // The change's link opens the product's one page (its listing page): our prices against the Buy Box and the lowest eligible offer.
    await app.locator('tbody tr').filter({ hasText: edited.sku }).first().getByRole('link', { name: 'Chart' }).click();
    const chartPage = app;
    await chartPage.locator('[data-section="price-chart"] svg').first().waitFor({ timeout: LOAD_TIMEOUT_MS });
    await expect.poll(() => page.url(), { timeout: 30_000 }).toContain(`/app/listings/${edited.linkId}`);
    const series = await chartPage.locator('[data-section="price-chart"]').getAttribute('data-series');
    expect(series?.split(',')).toEqual(expect.arrayContaining(['our_amazon', 'our_shopify', 'buy_box', 'lowest_offer']));
    await expect.poll(() => chartPage.locator('[data-section="price-chart"]').innerText(), { timeout: 30_000 }).toMatch(/Buy Box[\s\S]*Lowest eligible offer/);
    const file = await shot(page, 'price-chart.png');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    expect(failures).toEqual([]);
  }, 300_000);

  it('shows the audit log: who approved (an edited price) and who rejected, and when', async () => {
    const app = await open(page, '/app/pricing/history', (a) => a.getByText('Who did what to prices, and when.').first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    const rows = app.locator('tbody tr');
    await expect.poll(() => rows.allInnerTexts(), { timeout: 30_000 }).toEqual(
      expect.arrayContaining([
        // The staff member by name (the Admin shell's user, named by the online token's associated user).
        expect.stringMatching(/Sam Merchant[\s\S]*Approved a suggestion[\s\S]*\(price edited\)/),
        expect.stringMatching(/Sam Merchant[\s\S]*Rejected a suggestion/),
        expect.stringMatching(/Price applied on every platform/),
      ]),
    );
    expect(await rows.allInnerTexts()).not.toEqual(expect.arrayContaining([expect.stringMatching(/user:\d+@/)]));
    await shot(page, 'audit-log.png');
    expect(failures).toEqual([]);
  }, 300_000);

  it('shows the rule’s auto-approve threshold, a dry run of the rule creating nothing, and edits the threshold', async () => {
    const before = await w.database.db.priceSuggestion.count();
    const app = await open(page, '/app/pricing/rules', (a) => a.getByLabel('Name').waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    const ruleRow = app.locator('tbody tr').filter({ hasText: 'Match the Buy Box' }).first();
    expect(await ruleRow.innerText()).toMatch(/Always waits/);
    await ruleRow.getByRole('button', { name: 'Dry run Match the Buy Box' }).click();
    const trial = app.locator('[data-section="rule-dry-run"]');
    await expect.poll(() => trial.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/Would govern (\d+ products?|no products)[\s\S]*Nothing was created/);
    await shot(page, 'rules-dry-run.png');
    expect(await w.database.db.priceSuggestion.count()).toBe(before);

    // The auto-approve threshold is edited on the rule itself.
    await ruleRow.getByRole('button', { name: 'Edit Match the Buy Box' }).click();
    await app.getByLabel('Auto-approve up to %').fill('2');
    await page.locator('#save-bar-save').click();
    await expect.poll(() => app.locator('tbody tr').filter({ hasText: 'Match the Buy Box' }).first().innerText(), { timeout: 30_000 }).toMatch(/Moves up to 2 %/);
    expect((await w.database.db.pricingRule.findFirstOrThrow({ where: { name: 'Match the Buy Box' } })).autoApproveMaxPercent).toBe('2');

    // Pause, then activate again: the row shows each and the rule is stored so.
    const row = () => app.locator('tbody tr').filter({ hasText: 'Match the Buy Box' }).first();
    await row().getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => row().innerText(), { timeout: 30_000 }).toMatch(/Paused/);
    expect((await w.database.db.pricingRule.findFirstOrThrow({ where: { name: 'Match the Buy Box' } })).isActive).toBe(false);
    await row().getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => row().innerText(), { timeout: 30_000 }).toMatch(/Active/);
    expect((await w.database.db.pricingRule.findFirstOrThrow({ where: { name: 'Match the Buy Box' } })).isActive).toBe(true);
    expect(failures).toEqual([]);
  }, 300_000);

  it('previews a costs CSV with a bad row: line, column and message shown, nothing written', async () => {
    const app = await open(page, '/app/pricing/costs', (a) => a.getByText(/^Columns: sku/).first().waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    const { edited, other } = products;
    const csv = ['sku,currency,cost,floor,ceiling', `${edited.sku},USD,5.00,6.00,500.00`, `${other.sku},USD,abc,,`].join('\n');
    await app.locator('textarea').first().fill(csv);
    await app.getByRole('button', { name: 'Preview' }).click();
    const preview = app.locator('[data-section="import-preview"]');
    await expect.poll(() => preview.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/2 rows: 1 new, 0 changed, 0 unchanged, 1 with errors/);
    const badRow = app.locator('tbody tr').filter({ hasText: other.sku });
    await expect.poll(() => badRow.innerText(), { timeout: 10_000 }).toMatch(/^3\b[\s\S]*error[\s\S]*Cost must be a number, like 12\.50/);
    // Nothing is written by a preview, and the import (the Admin's title bar) stays disabled while a row is bad.
    expect(await titleBarButton(page, 'Import costs').isDisabled()).toBe(true);
    expect(await w.database.db.productCost.count()).toBe(0);
    await shot(page, 'costs-import-preview.png');
    expect(failures).toEqual([]);
  }, 300_000);
});
