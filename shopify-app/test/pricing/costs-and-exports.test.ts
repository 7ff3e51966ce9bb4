// CSV import of costs and bounds (preview with an error per bad row, apply with progress and audit) and
// the CSV exports, against a real database.
import { createTestDatabase, type TestDatabase } from '@calibr/db';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as CostImport from '../../app/pricing/cost-import.server';
import type * as CsvExport from '../../app/pricing/csv-export.server';
import { appContext } from '../../app/app-context.server';

let database: TestDatabase;
let projectId: string;
let costs: typeof CostImport;
let exports: typeof CsvExport;

beforeAll(async () => {
  database = await createTestDatabase();
  // Small export batches, so the exports below read the database in several keyset pages.
  process.env.PRICING_EXPORT_BATCH = '7';
  // The app's modules open their client on DATABASE_URL when first imported.
  process.env.DATABASE_URL = database.url;
  costs = await import('../../app/pricing/cost-import.server');
  exports = await import('../../app/pricing/csv-export.server');
  const project = await database.db.project.create({ data: { shopDomain: 'csv-shop.myshopify.com', currency: 'USD' } });
  projectId = project.id;
  await database.db.listing.createMany({
    data: ['CAL-A', 'CAL-B', 'CAL-C'].map((sku, i) => ({ projectId, platform: 'shopify', externalId: `gid://shopify/ProductVariant/${i + 1}`, sku, title: `Product ${sku}`, currency: 'USD', priceAmount: '20.00' })),
  });
  await database.db.productCost.create({ data: { projectId, sku: 'CAL-C', currency: 'USD', costAmount: '8.00', floorAmount: '10.00' } });
});
afterAll(async () => {
  await appContext().db?.$disconnect().catch(() => undefined);
  await database?.cleanup();
});

const CSV = [
  'SKU,Cost,Floor,Ceiling,MAP',
  'cal-a,10.00,12.00,30.00,',
  'CAL-B,12.345,,,',
  ',5.00,,,',
  'CAL-A,11.00,,,',
  'CAL-D,4.00,9.00,8.00,',
  'CAL-C,,clear,25.00,',
  'CAL-E,"1,200.00",,,',
  'CAL-F,,,,',
].join('\n');

describe('CSV import of costs, floors, ceilings and MAP', () => {
  it('previews every row: what it would do, or exactly what is wrong, by column', async () => {
    const preview = await costs.previewCostImport(projectId, CSV);
    expect(preview.fileErrors).toEqual([]);
    const byLine = new Map(preview.rows.map((r) => [r.line, r]));
    expect(byLine.get(2)).toMatchObject({ action: 'create', values: { sku: 'cal-a', cost: '10.00', floor: '12.00', ceiling: '30.00', map: null, currency: 'USD' } });
    expect(byLine.get(3)).toMatchObject({ action: 'error', errors: [{ column: 'cost', message: 'Cost has too many decimals: USD allows 2' }] });
    expect(byLine.get(4)).toMatchObject({ action: 'error', errors: [{ column: 'sku', message: 'SKU is required' }] });
    expect(byLine.get(5)).toMatchObject({ action: 'error', errors: [{ column: 'sku', message: 'SKU CAL-A appears again (first on line 2)' }] });
    expect(byLine.get(6)).toMatchObject({ action: 'error', errors: [{ column: 'floor', message: 'Floor 9.00 is above the ceiling 8.00' }] });
    expect(byLine.get(6)?.warnings).toEqual(['No listing has this SKU yet; the values apply once one does']);
    // Each message is a sentence naming its column once ("cost: cost: amount …" was the old wording).
    // An empty cost keeps the stored one; `clear` removes the floor.
    expect(byLine.get(7)).toMatchObject({ action: 'update', values: { sku: 'CAL-C', cost: '8.00', floor: null, ceiling: '25.00' } });
    expect(byLine.get(8)?.errors[0]).toMatchObject({ column: 'cost', message: 'Cost must be a number, like 12.50' });
    // A SKU without a cost and a row without amounts (as the costs export lists it): nothing to import, no error.
    expect(byLine.get(9)).toMatchObject({ action: 'unchanged', errors: [], warnings: expect.arrayContaining(['no cost given: nothing is imported for this SKU']) });
    expect(preview.counts).toEqual({ total: 8, create: 1, update: 1, unchanged: 1, error: 5 });
  });

  it('refuses a file it cannot read, naming the problem', async () => {
    expect((await costs.previewCostImport(projectId, 'price,cost\n1,2')).fileErrors).toEqual([
      'Unknown column: price (expected sku, cost, currency, floor, ceiling, map)',
      'The header has no sku column',
    ]);
    expect((await costs.previewCostImport(projectId, 'sku,cost\n"unterminated,1')).fileErrors[0]).toMatch(/not valid CSV/);
  });

  it('writes nothing while a row is bad; with skipInvalid writes the good rows, with progress and an audit entry', async () => {
    await expect(costs.applyCostImport(projectId, CSV, 'user:1')).rejects.toMatchObject({ code: 'validation', errors: expect.arrayContaining([expect.objectContaining({ path: 'line 3.cost' })]) });
    expect(await database.db.productCost.count({ where: { projectId } })).toBe(1);

    const result = await costs.applyCostImport(projectId, CSV, 'user:1', { skipInvalid: true });
    expect(result).toMatchObject({ written: 2, skipped: 5 });
    const stored = await database.db.productCost.findMany({ where: { projectId }, orderBy: { sku: 'asc' } });
    expect(stored.map((c) => [c.sku, c.costAmount, c.floorAmount, c.ceilingAmount, c.source])).toEqual([
      ['CAL-C', '8.00', null, '25.00', 'csv'],
      ['cal-a', '10.00', '12.00', '30.00', 'csv'],
    ]);
    const job = await database.db.backgroundJob.findUniqueOrThrow({ where: { id: result.jobId } });
    expect(job).toMatchObject({ kind: 'costs.import', status: 'completed', progressDone: 2, progressTotal: 2 });
    const entry = await database.db.auditLog.findFirstOrThrow({ where: { projectId, action: 'product_cost.imported' } });
    expect(entry).toMatchObject({ actor: 'user:1', data: { written: 2, skipped: 5 } });
  });

  it('exports costs in the import’s own format: exported and imported back, nothing changes', async () => {
    const csv = await exports.readCsv(exports.costsCsv(projectId));
    expect(csv.split('\n')[0]).toBe('sku,currency,cost,floor,ceiling,map');
    const preview = await costs.previewCostImport(projectId, csv);
    expect(preview.counts).toMatchObject({ total: 3, unchanged: 3, error: 0 });
  });

  it('exports every SKU: a SKU without a cost is listed with its cost blank, in the shop’s currency', async () => {
    const rows = parse(await exports.readCsv(exports.costsCsv(projectId)), { columns: true }) as Array<Record<string, string>>;
    // CAL-A is costed as cal-a (the import kept its spelling): listed once. CAL-B has no cost.
    expect(rows.map((r) => [r.sku, r.currency, r.cost, r.floor])).toEqual([
      ['CAL-C', 'USD', '8.00', ''],
      ['cal-a', 'USD', '10.00', '12.00'],
      ['CAL-B', 'USD', '', ''],
    ]);
  });
});

describe('CSV import limits', () => {
  it('lists the first 500 rows and bad rows further on up to 100; the counts cover every row', async () => {
    const good = Array.from({ length: 600 }, (_, i) => `LIM-GOOD-${i},1.00`);
    const bad = Array.from({ length: 150 }, (_, i) => `LIM-BAD-${i},1.999`);
    const preview = await costs.previewCostImport(projectId, ['sku,cost', ...good, ...bad].join('\n'));
    expect(preview.counts).toEqual({ total: 750, create: 600, update: 0, unchanged: 0, error: 150 });
    expect(preview.rows).toHaveLength(600);
    expect(preview.rows.slice(500).every((r) => r.action === 'error')).toBe(true);
    expect(preview.rows.at(-1)?.line).toBe(2 + 600 + 99);
    expect(preview.unlistedRows).toBe(150);
  });

  it('stops reading a file that takes longer than the time budget (COST_IMPORT_TIME_BUDGET_MS)', async () => {
    const csv = ['sku,cost', ...Array.from({ length: 40_000 }, (_, i) => `LIM-SLOW-${i},1.00`)].join('\n');
    process.env.COST_IMPORT_TIME_BUDGET_MS = '1';
    try {
      await expect(costs.previewCostImport(projectId, csv)).rejects.toMatchObject({ code: 'validation', errors: [{ path: 'csv', code: 'too_slow' }] });
    } finally {
      delete process.env.COST_IMPORT_TIME_BUDGET_MS;
    }
    expect((await costs.previewCostImport(projectId, csv)).counts.total).toBe(40_000);
  });
});

describe('CSV exports', () => {
  it('exports suggestions with their explanation, and quotes text a spreadsheet would run as a formula', async () => {
    const link = await database.db.productLink.create({ data: { projectId, sku: 'CAL-A', title: '=HYPERLINK("http://evil.example","click")' } });
    await database.db.priceSuggestion.create({
      data: { projectId, productLinkId: link.id, currency: 'USD', currentAmount: '20.00', suggestedAmount: '18.50', explanation: { summary: 'Rule “Beat by 50c” asks to beat the lowest offer 19.00 by 0.50: 18.50.' } },
    });
    const rows = parse(await exports.readCsv(exports.suggestionsCsv(projectId)), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', sku: 'CAL-A', currency: 'USD', current_price: '20.00', suggested_price: '18.50', explanation: expect.stringContaining('beat the lowest offer') });
    expect(rows[0]?.title?.startsWith("'=")).toBe(true);
  });

  it('exports the history one row per platform, with what each platform did', async () => {
    const listing = await database.db.listing.findFirstOrThrow({ where: { projectId, sku: 'CAL-A' } });
    const change = await database.db.priceChange.create({
      data: { projectId, idempotencyKey: 'csv-test-change', currency: 'USD', fromAmount: '20.00', toAmount: '18.50', status: 'partially_applied', approvedBy: 'user:1' },
    });
    await database.db.priceChangeAttempt.create({
      data: { projectId, priceChangeId: change.id, listingId: listing.id, platform: 'shopify', currency: 'USD', amount: '18.50', previousAmount: '20.00', status: 'failed', platformCode: 'GREATER_THAN_OR_EQUAL_TO', platformMessage: 'Price must be greater than or equal to 0' },
    });
    const rows = parse(await exports.readCsv(exports.historyCsv(projectId)), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ change_id: change.id, approved_by: 'user:1', change_status: 'partially_applied', from_price: '20.00', to_price: '18.50', platform: 'shopify', platform_status: 'failed', platform_code: 'GREATER_THAN_OR_EQUAL_TO', platform_message: 'Price must be greater than or equal to 0' });
  });
});

describe('CSV exports of large data', () => {
  it('reads in keyset batches (7 rows here): every row once, in order, even when many share a timestamp', async () => {
    const link = await database.db.productLink.findFirstOrThrow({ where: { projectId, sku: 'CAL-A' } });
    const at = new Date(Date.UTC(2025, 3, 1));
    // 60 suggestions, 20 per timestamp: the keyset must use the id to break ties or rows go missing.
    await database.db.priceSuggestion.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({ projectId, productLinkId: link.id, currency: 'USD', currentAmount: '20.00', suggestedAmount: `19.${String(i).padStart(2, '0')}`, status: 'superseded', explanation: { summary: `row ${i}` }, createdAt: new Date(at.getTime() + Math.floor(i / 20) * 1000) })),
    });
    const text = await exports.readCsv(exports.suggestionsCsv(projectId, { status: 'superseded' }));
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.suggestion_id)).size).toBe(60);
    expect(rows.map((r) => r.created_at)).toEqual([...rows.map((r) => r.created_at)].sort());
    expect(new Set(rows.map((r) => r.suggested_price))).toEqual(new Set(Array.from({ length: 60 }, (_, i) => `19.${String(i).padStart(2, '0')}`)));

    // The console's filters apply to the export too: a search nothing matches gives the header only.
    expect((await exports.readCsv(exports.suggestionsCsv(projectId, { status: 'all', search: 'no such product' }))).trim()).toBe(exports.SUGGESTION_COLUMNS.join(','));
  });

  it('exports the audit log across batches', async () => {
    await database.db.auditLog.createMany({ data: Array.from({ length: 30 }, (_, i) => ({ projectId, actor: `user:${i}`, actorType: 'user', action: 'price_suggestion.rejected', entityType: 'PriceSuggestion', entityId: `s${i}`, createdAt: new Date(Date.UTC(2025, 4, 1)) })) });
    const rows = parse(await exports.readCsv(exports.auditCsv(projectId)), { columns: true }) as Array<Record<string, string>>;
    const rejected = rows.filter((r) => r.action === 'price_suggestion.rejected');
    expect(new Set(rejected.map((r) => r.actor))).toEqual(new Set(Array.from({ length: 30 }, (_, i) => `user:${i}`)));
    expect(rejected).toHaveLength(30);
  });
});
