// CSV import of costs and per-product bounds (floor, ceiling, MAP), keyed by SKU. First a preview: each
// row says what it would do (create, update, unchanged) or exactly what is wrong with it, by column.
// Then the apply: the valid rows are written in batches, with progress in a BackgroundJob the console
// polls, and an audit entry. Nothing is written while a row is bad unless the merchant chose to skip them.
//
// Columns (header row required, any order, case-insensitive): sku, cost, currency, floor, ceiling, map.
// An empty cell keeps what is stored; the word `clear` removes a floor, ceiling or MAP. A row of a SKU without
// a cost whose amounts are all empty imports nothing (unchanged, with a warning).
//
// The file is read with csv-parse's stream API, a slice at a time with the event loop served in between,
// under limits that stop reading early: bytes per line, characters per row (max_record_size), columns, rows
// and a time budget. A file over a limit is a 400 problem naming it; answers list a bounded number of rows.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvError, parse } from 'csv-parse';
import { normalizeSku, toMinorUnits, tryParseMoney, ValidationError, type FieldError } from '@calibr/shared-contracts';
import { db } from '../db.server';
import { positiveNumberEnv } from '../lib/env.server';
import { audit } from './audit.server';
import { amountProblem } from './money-text';

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
/** The amount columns as a merchant reads them in a message. */
const LABELS = { cost: 'Cost', floor: 'Floor', ceiling: 'Ceiling', map: 'MAP' } as const;

export const MAX_IMPORT_ROWS = 50_000;
const MAX_BYTES = 10 * 1024 * 1024;
/** Six columns (and their aliases) fit many times over. */
export const MAX_IMPORT_COLUMNS = 32;
/** csv-parse's max_record_size: the characters of one row's cells together. */
export const MAX_ROW_CHARS = 2048;
/**
 * One line of the file in bytes, delimiters and quotes included. max_record_size counts cells' characters
 * only, so a line of millions of empty cells (",,,,") passes it: this stops such a line before it is parsed.
 */
export const MAX_LINE_BYTES = 16 * 1024;
/** A preview lists the first rows, and bad rows further on up to a bound; its counts cover every row. */
export const PREVIEW_ROWS = 500;
export const MAX_LISTED_ERRORS = 100;
/** The file is fed to the parser in slices of this size, the event loop served between them. */
const SLICE_BYTES = 64 * 1024;

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
  /** Rows counted but not listed in `rows` (see PREVIEW_ROWS and MAX_LISTED_ERRORS). */
  unlistedRows: number;
}

type Stored = { sku: string; currency: string; costAmount: string; floorAmount: string | null; ceilingAmount: string | null; mapAmount: string | null };

/** What the merchant sees of a preview: the first rows and the first bad rows, with counts of all. */
function listed(preview: ImportPreview): ImportPreview {
  let errors = 0;
  const rows = preview.rows.filter((row, index) => {
    const bad = row.action === 'error';
    if (bad) errors++;
    return index < PREVIEW_ROWS || (bad && errors <= MAX_LISTED_ERRORS);
  });
  return { ...preview, rows, unlistedRows: preview.rows.length - rows.length };
}

/** How long one import may take to read and check, from COST_IMPORT_TIME_BUDGET_MS (default 10 s). */
function deadline(): { check(): void } {
  const budgetMs = positiveNumberEnv('COST_IMPORT_TIME_BUDGET_MS', 10_000);
  const end = Date.now() + budgetMs;
  return {
    check() {
      if (Date.now() > end) throw ValidationError.field('csv', `the file took longer than ${budgetMs / 1000} s to read; import it in smaller files`, 'too_slow');
    },
  };
}

/** The file's records (header first), read as a stream under the limits above. */
async function readRecords(csv: string, time: { check(): void }): Promise<string[][]> {
  const bytes = Buffer.from(csv);
  if (bytes.byteLength > MAX_BYTES) throw ValidationError.field('csv', `the file is larger than ${MAX_BYTES / 1024 / 1024} MB`, 'too_large');
  const lineTooLong = (line: number) => ValidationError.field('csv', `line ${line} is longer than ${MAX_LINE_BYTES} bytes`, 'line_too_long');
  async function* slices() {
    let line = 1;
    let lineStart = 0;
    for (let at = 0; at < bytes.byteLength; at += SLICE_BYTES) {
      time.check();
      const slice = bytes.subarray(at, at + SLICE_BYTES);
      for (let newline = slice.indexOf(10); newline !== -1; newline = slice.indexOf(10, newline + 1)) {
        if (at + newline - lineStart > MAX_LINE_BYTES) throw lineTooLong(line);
        lineStart = at + newline + 1;
        line++;
      }
      if (at + slice.byteLength - lineStart > MAX_LINE_BYTES) throw lineTooLong(line);
      yield slice;
      await nextTurn();
    }
  }
  const parser = parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, max_record_size: MAX_ROW_CHARS });
  const records: string[][] = [];
  try {
    await pipeline(Readable.from(slices()), parser, async (rows: AsyncIterable<string[]>) => {
      for await (const record of rows) {
        // (Line numbers as the preview counts them: the header is line 1, then a line per row.)
        if (record.length > MAX_IMPORT_COLUMNS) throw ValidationError.field('csv', `line ${records.length + 1} has more than ${MAX_IMPORT_COLUMNS} columns`, 'too_many_columns');
        // The header and MAX_IMPORT_ROWS rows.
        if (records.length > MAX_IMPORT_ROWS) throw ValidationError.field('csv', `the file has more than ${MAX_IMPORT_ROWS} rows; at most ${MAX_IMPORT_ROWS} at once`, 'too_many_rows');
        records.push(record);
      }
    });
  } catch (error) {
    if (error instanceof CsvError && error.code === 'CSV_MAX_RECORD_SIZE') {
      const line = (error as CsvError & { lines?: number }).lines;
      throw ValidationError.field('csv', `line ${line ?? '?'} has more than ${MAX_ROW_CHARS} characters in its cells`, 'row_too_long');
    }
    throw error;
  }
  return records;
}

/** The preview the merchant sees: a file over a limit is a ValidationError (a 400 problem), not a preview. */
export async function previewCostImport(projectId: string, csv: string, options: { defaultCurrency?: string } = {}): Promise<ImportPreview> {
  return listed(await checkImport(projectId, csv, options));
}

/** Every row checked (the apply writes from this; answers carry `listed` of it). */
async function checkImport(projectId: string, csv: string, options: { defaultCurrency?: string }): Promise<ImportPreview> {
  const preview: ImportPreview = { rows: [], counts: { total: 0, create: 0, update: 0, unchanged: 0, error: 0 }, fileErrors: [], unlistedRows: 0 };
  const time = deadline();
  let records: string[][];
  try {
    records = await readRecords(csv, time);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    preview.fileErrors.push(`The file is not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
    return preview;
  }
  const [header, ...body] = records;
  if (!header) {
    preview.fileErrors.push('The file is empty: the first line must name the columns (sku, cost, currency, floor, ceiling, map)');
    return preview;
  }
  const columns = header.map((h) => ALIASES[h.trim().toLowerCase().replace(/[\s-]+/g, '_')] ?? null);
  const unknown = header.filter((_, i) => columns[i] === null);
  if (unknown.length > 0) preview.fileErrors.push(`Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (expected sku, cost, currency, floor, ceiling, map)`);
  if (!columns.includes('sku')) preview.fileErrors.push('The header has no sku column');
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

  for (const [index, record] of body.entries()) {
    // Serve the event loop now and then: 50,000 rows are checked in slices.
    if (index % 2000 === 1999) {
      time.check();
      await nextTurn();
    }
    const line = index + 2;
    const cell = (column: Column): string | undefined => {
      const at = columns.indexOf(column);
      return at >= 0 ? (record[at] ?? '').trim() : undefined;
    };
    const row: ImportRowPreview = { line, sku: cell('sku') || null, action: 'error', values: null, errors: [], warnings: [] };
    preview.rows.push(row);
    if (record.length > header.length) row.errors.push({ column: 'row', message: `The row has ${record.length} cells; the header names ${header.length}` });
    const key = normalizeSku(row.sku);
    if (!key) row.errors.push({ column: 'sku', message: 'SKU is required' });
    else if (seen.has(key)) row.errors.push({ column: 'sku', message: `SKU ${row.sku} appears again (first on line ${seen.get(key)})` });
    else seen.set(key, line);
    if (key && !listedSkus.has(key)) row.warnings.push('No listing has this SKU yet; the values apply once one does');

    const current = key ? stored.get(key) : undefined;
    // A SKU without a cost and no amounts in its row (the costs export lists every SKU, blank where there
    // is no cost yet): nothing to import for it, said so, not an error that would hold the whole file.
    if (key && !current && row.errors.length === 0 && (['cost', 'floor', 'ceiling', 'map'] as const).every((c) => !cell(c))) {
      row.action = 'unchanged';
      row.warnings.push('no cost given: nothing is imported for this SKU');
      continue;
    }
    const currency = cell('currency') || current?.currency || defaultCurrency;
    const amount = (column: 'cost' | 'floor' | 'ceiling' | 'map', storedValue: string | null | undefined): string | null => {
      const raw = cell(column);
      if (raw === undefined || raw === '') return storedValue ?? null;
      if (raw.toLowerCase() === 'clear') {
        if (column === 'cost') row.errors.push({ column, message: 'A cost can’t be cleared: give the cost' });
        return null;
      }
      const parsed = tryParseMoney(raw, currency);
      if (!parsed.ok) {
        for (const e of parsed.errors) row.errors.push({ column: e.path === 'currency' ? 'currency' : column, message: amountProblem(LABELS[column], e, currency) });
        return null;
      }
      return parsed.money.amount;
    };
    if (current && cell('currency') && cell('currency') !== current.currency && !cell('cost')) {
      row.errors.push({ column: 'currency', message: `The stored cost is in ${current.currency}: give the cost in ${cell('currency')} too` });
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
    if (!values.cost && !row.errors.some((e) => e.column === 'cost')) row.errors.push({ column: 'cost', message: 'Cost is required for a SKU without a stored cost' });
    const minor = (v: string | null) => (v ? toMinorUnits({ amount: v, currency }) : null);
    if (row.errors.length === 0) {
      const [floor, ceiling, map] = [minor(values.floor), minor(values.ceiling), minor(values.map)];
      if (floor !== null && ceiling !== null && floor > ceiling) row.errors.push({ column: 'floor', message: `Floor ${values.floor} is above the ceiling ${values.ceiling}` });
      if (map !== null && ceiling !== null && map > ceiling) row.errors.push({ column: 'map', message: `MAP ${values.map} is above the ceiling ${values.ceiling}` });
      if (ceiling !== null && ceiling === 0n) row.errors.push({ column: 'ceiling', message: 'A ceiling of zero allows no price' });
    }
    if (row.errors.length > 0) continue;
    row.values = values;
    row.action = !current
      ? 'create'
      : current.currency === values.currency && current.costAmount === values.cost && current.floorAmount === values.floor && current.ceilingAmount === values.ceiling && current.mapAmount === values.map
        ? 'unchanged'
        : 'update';
  }
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
  const preview = await checkImport(projectId, csv, options);
  if (preview.fileErrors.length > 0) throw new ValidationError(preview.fileErrors.map((message) => ({ path: 'csv', message, code: 'invalid_file' })));
  const bad = preview.rows.filter((r) => r.action === 'error');
  if (bad.length > 0 && !options.skipInvalid) {
    const errors: FieldError[] = bad.slice(0, MAX_LISTED_ERRORS).flatMap((r) => r.errors.map((e) => ({ path: `line ${r.line}.${e.column}`, message: e.message, code: 'invalid_row' })));
    if (bad.length > MAX_LISTED_ERRORS) errors.push({ path: 'csv', message: `${bad.length - MAX_LISTED_ERRORS} more rows with errors are not listed`, code: 'more_errors' });
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
  return { jobId: job.id, written, skipped: bad.length, preview: listed(preview) };
}
