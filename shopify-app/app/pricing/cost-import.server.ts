// CSV import of costs and per-product bounds (floor, ceiling, MAP), keyed by SKU. First a preview: each
// row says what it would do (create, update, unchanged) or exactly what is wrong with it, by column.
// Then the apply: the valid rows are written in batches, with progress in a BackgroundJob the console
// polls, and an audit entry. Nothing is written while a row is bad unless the merchant chose to skip them.
//
// Columns (header row required, any order, case-insensitive): sku, cost, currency, floor, ceiling, map.
// An empty cell keeps what is stored; the word `clear` removes a floor, ceiling or MAP.
import { parse } from 'csv-parse/sync';
import { normalizeSku, toMinorUnits, tryParseMoney, ValidationError, type FieldError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { audit } from './audit.server';

type Column = 'sku' | 'cost' | 'currency' | 'floor' | 'ceiling' | 'map';
const ALIASES: Record<string, Column> = {
  sku: 'sku',
  cost: 'cost',
  cost_price: 'cost',
  unit_cost: 'cost',
  currency: 'currency',
  floor: 'floor',
  floor_price: 'floor',
  min_price: 'floor',
  ceiling: 'ceiling',
  ceiling_price: 'ceiling',
  max_price: 'ceiling',
  map: 'map',
  map_price: 'map',
};
export const MAX_IMPORT_ROWS = 50_000;
const MAX_BYTES = 10 * 1024 * 1024;

export interface ImportRowPreview {
  /** The row's line in the file (the header is line 1). */
  line: number;
  sku: string | null;
  action: 'create' | 'update' | 'unchanged' | 'error';
  /** What would be stored. */
  values: { sku: string; currency: string; cost: string | null; floor: string | null; ceiling: string | null; map: string | null } | null;
  errors: Array<{ column: Column | 'row'; message: string }>;
  /** Not an error: e.g. no listing has this SKU yet. */
  warnings: string[];
}

export interface ImportPreview {
  rows: ImportRowPreview[];
  counts: { total: number; create: number; update: number; unchanged: number; error: number };
  /** Problems with the file itself (no header, unknown columns…). */
  fileErrors: string[];
}

type Stored = { sku: string; currency: string; costAmount: string; floorAmount: string | null; ceilingAmount: string | null; mapAmount: string | null };

export async function previewCostImport(projectId: string, csv: string, options: { defaultCurrency?: string } = {}): Promise<ImportPreview> {
  const preview: ImportPreview = { rows: [], counts: { total: 0, create: 0, update: 0, unchanged: 0, error: 0 }, fileErrors: [] };
  if (Buffer.byteLength(csv) > MAX_BYTES) {
    preview.fileErrors.push(`the file is larger than ${MAX_BYTES / 1024 / 1024} MB`);
    return preview;
  }
  let records: string[][];
  try {
    records = parse(csv, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    preview.fileErrors.push(`the file is not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
    return preview;
  }
  const [header, ...body] = records;
  if (!header) {
    preview.fileErrors.push('the file is empty: the first line must name the columns (sku, cost, currency, floor, ceiling, map)');
    return preview;
  }
  const columns = header.map((h) => ALIASES[h.trim().toLowerCase().replace(/[\s-]+/g, '_')] ?? null);
  const unknown = header.filter((_, i) => columns[i] === null);
  if (unknown.length > 0) preview.fileErrors.push(`unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (expected sku, cost, currency, floor, ceiling, map)`);
  if (!columns.includes('sku')) preview.fileErrors.push('the header has no sku column');
  if (body.length > MAX_IMPORT_ROWS) preview.fileErrors.push(`the file has ${body.length} rows; at most ${MAX_IMPORT_ROWS} at once`);
  if (preview.fileErrors.length > 0) return preview;

  const project = await db.project.findUnique({ where: { id: projectId }, select: { currency: true } });
  const defaultCurrency = options.defaultCurrency ?? project?.currency ?? 'USD';
  const stored = new Map<string | null, Stored>(
    (await db.productCost.findMany({ where: { projectId }, select: { sku: true, currency: true, costAmount: true, floorAmount: true, ceilingAmount: true, mapAmount: true } })).map((c) => [normalizeSku(c.sku), c]),
  );
  const listedSkus = new Set(
    (await db.listing.findMany({ where: { projectId, sku: { not: null } }, select: { sku: true }, distinct: ['sku'] })).map((l) => normalizeSku(l.sku)),
  );
  const seen = new Map<string, number>();

  body.forEach((record, index) => {
    const line = index + 2;
    const cell = (column: Column): string | undefined => {
      const at = columns.indexOf(column);
      return at >= 0 ? (record[at] ?? '').trim() : undefined;
    };
    const row: ImportRowPreview = { line, sku: cell('sku') || null, action: 'error', values: null, errors: [], warnings: [] };
    preview.rows.push(row);
    if (record.length > header.length) row.errors.push({ column: 'row', message: `the row has ${record.length} cells; the header names ${header.length}` });
    const key = normalizeSku(row.sku);
    if (!key) row.errors.push({ column: 'sku', message: 'sku is required' });
    else if (seen.has(key)) row.errors.push({ column: 'sku', message: `SKU ${row.sku} appears again (first on line ${seen.get(key)})` });
    else seen.set(key, line);
    if (key && !listedSkus.has(key)) row.warnings.push('no listing has this SKU yet; the values apply once one does');

    const current = key ? stored.get(key) : undefined;
    const currency = cell('currency') || current?.currency || defaultCurrency;
    const amount = (column: 'cost' | 'floor' | 'ceiling' | 'map', storedValue: string | null | undefined): string | null => {
      const raw = cell(column);
      if (raw === undefined || raw === '') return storedValue ?? null;
      if (raw.toLowerCase() === 'clear') {
        if (column === 'cost') row.errors.push({ column, message: 'a cost cannot be cleared; give the cost' });
        return null;
      }
      const parsed = tryParseMoney(raw, currency);
      if (!parsed.ok) {
        for (const e of parsed.errors) row.errors.push({ column: e.path === 'currency' ? 'currency' : column, message: `${column}: ${e.message}` });
        return null;
      }
      return parsed.money.amount;
    };
    if (current && cell('currency') && cell('currency') !== current.currency && !cell('cost')) {
      row.errors.push({ column: 'currency', message: `the stored cost is in ${current.currency}: give the cost in ${cell('currency')} too` });
    }
    const values = {
      // An existing cost keeps its SKU spelling (SKUs match normalized: " abc-1 " is ABC-1).
      sku: current?.sku ?? row.sku ?? '',
      currency,
      cost: amount('cost', current?.costAmount),
      floor: amount('floor', current?.floorAmount),
      ceiling: amount('ceiling', current?.ceilingAmount),
      map: amount('map', current?.mapAmount),
    };
    if (!values.cost && !row.errors.some((e) => e.column === 'cost')) row.errors.push({ column: 'cost', message: 'cost is required for a SKU without a stored cost' });
    const minor = (v: string | null) => (v ? toMinorUnits({ amount: v, currency }) : null);
    if (row.errors.length === 0) {
      const [floor, ceiling, map] = [minor(values.floor), minor(values.ceiling), minor(values.map)];
      if (floor !== null && ceiling !== null && floor > ceiling) row.errors.push({ column: 'floor', message: `floor ${values.floor} is above ceiling ${values.ceiling}` });
      if (map !== null && ceiling !== null && map > ceiling) row.errors.push({ column: 'map', message: `MAP ${values.map} is above ceiling ${values.ceiling}` });
      if (ceiling !== null && ceiling === 0n) row.errors.push({ column: 'ceiling', message: 'a ceiling of zero allows no price' });
    }
    if (row.errors.length > 0) return;
    row.values = values;
    row.action = !current
      ? 'create'
      : current.currency === values.currency && current.costAmount === values.cost && current.floorAmount === values.floor && current.ceilingAmount === values.ceiling && current.mapAmount === values.map
        ? 'unchanged'
        : 'update';
  });
  for (const row of preview.rows) {
    preview.counts.total++;
    preview.counts[row.action]++;
  }
  return preview;
}

export interface ImportResult {
  jobId: string;
  written: number;
  skipped: number;
  preview: ImportPreview;
}

/** Apply an import. Refused while any row is bad, unless `skipInvalid` (then the bad rows are left out). */
export async function applyCostImport(projectId: string, csv: string, actor: string, options: { skipInvalid?: boolean; defaultCurrency?: string } = {}): Promise<ImportResult> {
  const preview = await previewCostImport(projectId, csv, options);
  if (preview.fileErrors.length > 0) throw new ValidationError(preview.fileErrors.map((message) => ({ path: 'csv', message, code: 'invalid_file' })));
  const bad = preview.rows.filter((r) => r.action === 'error');
  if (bad.length > 0 && !options.skipInvalid) {
    const errors: FieldError[] = bad.slice(0, 100).flatMap((r) => r.errors.map((e) => ({ path: `line ${r.line}.${e.column}`, message: e.message, code: 'invalid_row' })));
    throw new ValidationError(errors);
  }
  const writes = preview.rows.filter((r) => r.action === 'create' || r.action === 'update');
  const job = await db.backgroundJob.create({ data: { projectId, kind: 'costs.import', status: 'running', progressTotal: writes.length, startedAt: new Date(), claimedBy: actor } });
  let written = 0;
  try {
    for (let i = 0; i < writes.length; i += 200) {
      const part = writes.slice(i, i + 200);
      await db.$transaction(
        part.map((row) => {
          const v = row.values!;
          const data = { currency: v.currency, costAmount: v.cost!, floorAmount: v.floor, ceilingAmount: v.ceiling, mapAmount: v.map, source: 'csv' };
          return db.productCost.upsert({ where: { projectId_sku: { projectId, sku: v.sku } }, create: { projectId, sku: v.sku, ...data }, update: data });
        }),
      );
      written += part.length;
      await db.backgroundJob.update({ where: { id: job.id }, data: { progressDone: written } });
    }
    await db.backgroundJob.update({ where: { id: job.id }, data: { status: 'completed', completedAt: new Date(), result: { written, skipped: bad.length, unchanged: preview.counts.unchanged } } });
  } catch (error) {
    await db.backgroundJob.update({ where: { id: job.id }, data: { status: 'failed', completedAt: new Date(), error: error instanceof Error ? error.message : String(error) } });
    throw error;
  }
  await audit(projectId, actor, 'product_cost.imported', { entityType: 'BackgroundJob', entityId: job.id, data: { written, skipped: bad.length, unchanged: preview.counts.unchanged } });
  return { jobId: job.id, written, skipped: bad.length, preview };
}
