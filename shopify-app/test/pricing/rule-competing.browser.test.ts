// A competing rule made in the console (Chromium in the sandbox's Admin shell): the merchant fills the
// rule form's new sections (win the Buy Box, competitor filters, a cost + fees + margin floor, Amazon only),
// a feedback above 100 % shows its error under the field and nothing is saved, then the rule is saved and
// its dry run names the competitor it follows, the low-feedback seller it ignores and why, and Amazon's fees.
// Screenshots go to shopify-app/artifacts/pricing/ (gitignored).
import type { FrameLocator, Page } from '@playwright/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHOP, US, connectAndSync, firstLinkedProduct, sandboxControl, startPlatformsWorld, type PlatformsWorld } from '../platforms/support/harness';
import { LOAD_TIMEOUT_MS } from '../support/admin-shell';
import { browserSuite } from '../support/browser-suite';
import { hasChromium, newMerchantPage } from '../support/chromium';
import { usdMinus } from '../support/money';

let w: PlatformsWorld;
const suite = browserSuite({ viteCache: 'rule-competing', artifacts: 'pricing', shop: SHOP, env: { PRICING_MONITOR: 'off' }, start: async () => (w = await startPlatformsWorld()) });
let product: { linkId: string; sku: string; asin: string; price: string };


beforeAll(async () => {
  if (!hasChromium) return;
  await connectAndSync(w);
  const { link, amazon } = await firstLinkedProduct(w, 'asc');
  product = { linkId: link.id, sku: link.sku, asin: amazon.asin!, price: amazon.priceAmount };

  // Two competitors: a seller who can win the Buy Box 1.00 under us, and a cheaper one whose 84 % feedback can't.
  await sandboxControl(w.sandbox, 'amazon/competitors', { asin: product.asin, marketplaceId: US, sellerId: 'A1ELIGIBLE', sellerName: 'Eligible', price: usdMinus(product.price, 100n), feedbackPercent: 98, fulfillment: 'AFN' });
  await sandboxControl(w.sandbox, 'amazon/competitors', { asin: product.asin, marketplaceId: US, sellerId: 'A1LOWFEEDBACK', sellerName: 'Low feedback', price: usdMinus(product.price, 300n), feedbackPercent: 84, fulfillment: 'MFN' });
  await w.api('/api/pricing/monitor', { json: { asins: [product.asin] } });
  // A cost, so the floor can be cost + Amazon's fees + a margin.
  const cost = await w.api('/api/pricing/costs/import', { json: { csv: `sku,currency,cost\n${product.sku},USD,2.00\n`, apply: true } });
  expect(cost.status, await cost.clone().text()).toBe(200);
}, 900_000);

describe.skipIf(!hasChromium)('a competing rule in the console', () => {
  let page: Page;
  const failures: string[] = [];

  beforeAll(async () => {
    page = await newMerchantPage(suite.browser, failures, { viewport: { width: 1440, height: 1600 } });
  });

  it('is made with filters and a channel, a bad feedback shows under its field, and its dry run shows who is followed, who is ignored and the fees', async () => {
    const app: FrameLocator = await suite.open(page, '/app/pricing/rules', (a) => a.getByLabel('Name').waitFor({ timeout: LOAD_TIMEOUT_MS }), failures);
    await app.getByLabel('Name').fill('Win the Buy Box on Amazon');
    await app.getByLabel('Applies to').selectOption('product');
    await app.getByLabel('Product link ID').fill(product.linkId);
    await app.getByLabel('Does').selectOption('win_buy_box');
    await app.getByLabel('Ceiling').fill('500.00');
    await app.getByLabel('Max step %').fill('50');
    await app.getByLabel('Min feedback %').fill('101');
    await app.getByLabel('Never below').selectOption('cost_fees_margin');
    await app.getByLabel('Margin % of the price').fill('10');
    await app.getByLabel('Prices').selectOption('amazon');
    // Saved from the Admin's save bar, which the form's unsaved changes raised.
    await page.locator('#save-bar-save').click();

    // The server's refusal shows under the field it names; nothing is stored.
    const feedback = app.getByLabel('Min feedback %');
    await expect.poll(async () => app.locator('.Polaris-InlineError').allInnerTexts(), { timeout: 30_000 }).toEqual([expect.stringMatching(/100/)]);
    expect(await feedback.getAttribute('aria-invalid')).toBe('true');
    expect(await w.database.db.pricingRule.count()).toBe(0);
    await suite.shot(page, 'rule-competing-error.png');

    await feedback.fill('90');
    await page.locator('#save-bar-save').click();
    const row = app.locator('tbody tr').filter({ hasText: 'Win the Buy Box on Amazon' }).first();
    await expect.poll(() => row.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/Amazon only/);
    const stored = await w.database.db.pricingRule.findFirstOrThrow({ where: { name: 'Win the Buy Box on Amazon' } });
    expect(stored).toMatchObject({ kind: 'win_buy_box', channel: 'amazon', floorFormula: 'cost_fees_margin', floorMarginPercent: '10' });
    expect(stored.filters).toMatchObject({ condition: 'new', minFeedbackPercent: 90, buyBoxEligibleOnly: true });

    await row.getByRole('button', { name: 'Dry run Win the Buy Box on Amazon' }).click();
    const trial = app.locator('[data-section="rule-dry-run"]').locator('..');
    await expect.poll(() => trial.innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/Followed: A1ELIGIBLE/);
    const text = await trial.innerText();
    expect(text).toMatch(/Ignored:[^\n]*A1LOWFEEDBACK[^\n]*feedback/i);
    expect(text).toMatch(/Amazon fees at \d+\.\d{2}: \d+\.\d{2} \([^)]*Referral/);
    // How old the reading the trial priced from is, worded in the browser from the explanation's readAt.
    expect(text).toMatch(/Competitor prices read (just now|\d+ min ago|\d+ h ago|\d+ days? ago|on \w+ \d+)/);
    expect(await w.database.db.priceSuggestion.count()).toBe(0);
    await suite.shot(page, 'rule-competing-dry-run.png');
    expect(failures).toEqual([]);
  }, 300_000);
});
