// CSV exports of the pricing loop: suggestions, the history of price changes (one row per platform), the
// audit log, and costs (in the import's own format, so an export can be edited and imported back).
// Amounts are written as stored: decimal strings with their currency, never reformatted.
//
// Each export is a stream: rows are read from the database a batch at a time (keyset on the sort
// column and id, `PRICING_EXPORT_BATCH` rows per query) and written through csv-stringify's stream API
// as they come, so a shop with hundreds of thousands of rows never holds them all in memory and the
// download starts at once.
import { Readable, pipeline } from "node:stream";
import { stringify, type Stringifier } from "csv-stringify";
import { normalizeSku } from "@calibr/shared-contracts";
import { db } from "../db.server";
import { allActorLabels } from "./staff-names.server";
import {
  suggestionWhere,
  type ListSuggestionsOptions,
} from "./suggestions.server";

/** Text a spreadsheet would run as a formula is quoted with a leading apostrophe (CSV injection). */
function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function iso(date: Date | null | undefined): string {
  return date ? date.toISOString() : "";
}

export function exportBatchSize(): number {
  const n = Number(process.env.PRICING_EXPORT_BATCH ?? 1000);
  return Number.isInteger(n) && n > 0 ? n : 1000;
}

/** Where the last batch ended: the sort column's value and the id (ties). */
type Cursor<K> = { key: K; id: string };

/** Every row of a query, a batch at a time: `fetch(cursor)` returns the rows after the cursor. */
async function* batches<T, K>(
  fetch: (cursor: Cursor<K> | null, take: number) => Promise<T[]>,
  cursorOf: (row: T) => Cursor<K>
): AsyncGenerator<T> {
  const take = exportBatchSize();
  let cursor: Cursor<K> | null = null;
  for (;;) {
    const rows = await fetch(cursor, take);
    yield* rows;
    if (rows.length < take) return;
    cursor = cursorOf(rows[rows.length - 1]!);
  }
}

/** Keyset condition "after (key, id)" for an ascending (field, id) order. */
function after<K>(field: string, cursor: Cursor<K> | null) {
  if (!cursor) return {};
  return {
    OR: [
      { [field]: { gt: cursor.key } },
      { [field]: cursor.key, id: { gt: cursor.id } },
    ],
  };
}

/** The rows as CSV text chunks, header first. */
function csvStream(
  columns: string[],
  rows: AsyncIterable<unknown[]>
): Stringifier {
  const stringifier = stringify({ header: true, columns });
  pipeline(Readable.from(rows), stringifier, (error) => {
    if (error) stringifier.destroy(error);
  });
  return stringifier;
}

/** A whole export as one string (small exports, tests). */
export async function readCsv(stream: AsyncIterable<unknown>): Promise<string> {
  let out = "";
  for await (const chunk of stream)
    out +=
      typeof chunk === "string"
        ? chunk
        : Buffer.from(chunk as Uint8Array).toString("utf8");
  return out;
}

export const SUGGESTION_COLUMNS = [
  "suggestion_id",
  "created_at",
  "status",
  "title",
  "sku",
  "rule",
  "currency",
  "current_price",
  "suggested_price",
  "approved_price",
  "decided_by",
  "decided_by_name",
  "decided_at",
  "explanation",
];

/** Suggestions under the console's filters (status, platform, rule, search), oldest first. */
export function suggestionsCsv(
  projectId: string,
  options: ListSuggestionsOptions = {}
): Stringifier {
  const where = suggestionWhere(projectId, { status: "all", ...options });
  const rows = batches(
    (cursor: Cursor<Date> | null, take) =>
      db.priceSuggestion.findMany({
        where: { AND: [where, after("createdAt", cursor)] },
        include: {
          productLink: { select: { sku: true, title: true } },
          listing: { select: { sku: true, title: true } },
          rule: { select: { name: true } },
        },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take,
      }),
    (r) => ({ key: r.createdAt, id: r.id })
  );
  return csvStream(
    SUGGESTION_COLUMNS,
    (async function* () {
      const name = await allActorLabels(projectId);
      for await (const r of rows) {
        const summary =
          (r.explanation as { summary?: string } | null)?.summary ?? "";
        yield [
          r.id,
          iso(r.createdAt),
          r.status,
          text(r.productLink?.title ?? r.listing?.title),
          text(r.productLink?.sku ?? r.listing?.sku),
          text(r.rule?.name),
          r.currency,
          r.currentAmount,
          r.suggestedAmount,
          r.approvedAmount ?? "",
          text(r.decidedBy),
          text(name(r.decidedBy)),
          iso(r.decidedAt),
          text(summary),
        ];
      }
    })()
  );
}

export const HISTORY_COLUMNS = [
  "change_id",
  "approved_at",
  "approved_by",
  "approved_by_name",
  "source",
  "change_status",
  "title",
  "sku",
  "currency",
  "from_price",
  "to_price",
  "platform",
  "listing",
  "platform_previous_price",
  "platform_price",
  "platform_status",
  "platform_reference",
  "platform_code",
  "platform_message",
  "applied_at",
  "completed_at",
];

/** Price changes, oldest first, one row per platform attempt with what that platform did. */
export function historyCsv(projectId: string): Stringifier {
  const changes = batches(
    (cursor: Cursor<Date> | null, take) =>
      db.priceChange.findMany({
        where: { projectId, ...after("approvedAt", cursor) },
        include: {
          attempts: {
            include: { listing: { select: { externalId: true } } },
            orderBy: { platform: "asc" },
          },
          productLink: { select: { sku: true, title: true } },
          listing: { select: { sku: true, title: true } },
        },
        orderBy: [{ approvedAt: "asc" }, { id: "asc" }],
        take,
      }),
    (c) => ({ key: c.approvedAt, id: c.id })
  );
  return csvStream(
    HISTORY_COLUMNS,
    (async function* () {
      const name = await allActorLabels(projectId);
      for await (const c of changes) {
        for (const a of c.attempts.length > 0 ? c.attempts : [null]) {
          yield [
            c.id,
            iso(c.approvedAt),
            text(c.approvedBy),
            text(name(c.approvedBy)),
            c.source,
            c.status,
            text(c.productLink?.title ?? c.listing?.title),
            text(c.productLink?.sku ?? c.listing?.sku),
            c.currency,
            c.fromAmount,
            c.toAmount,
            a?.platform ?? "",
            text(a?.listing.externalId),
            a?.previousAmount ?? "",
            a?.amount ?? "",
            a?.status ?? "",
            text(a?.platformReference),
            text(a?.platformCode),
            text(a?.platformMessage),
            iso(a?.appliedAt),
            iso(c.completedAt),
          ];
        }
      }
    })()
  );
}

/** The audit log, oldest first. */
export function auditCsv(projectId: string): Stringifier {
  const rows = batches(
    (cursor: Cursor<Date> | null, take) =>
      db.auditLog.findMany({
        where: { projectId, ...after("createdAt", cursor) },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take,
      }),
    (r) => ({ key: r.createdAt, id: r.id })
  );
  return csvStream(
    ["at", "actor", "actor_name", "actor_type", "action", "entity_type", "entity_id", "data"],
    (async function* () {
      const name = await allActorLabels(projectId);
      for await (const r of rows)
        yield [
          iso(r.createdAt),
          text(r.actor),
          text(name(r.actor)),
          r.actorType,
          r.action,
          r.entityType ?? "",
          r.entityId ?? "",
          text(r.data === null ? "" : JSON.stringify(r.data)),
        ];
    })()
  );
}

/**
 * Costs and bounds of every SKU, in the import's columns: the stored costs first (by SKU), then every SKU
 * a listing has without a cost, its cost blank (in the shop's currency), so the file is the whole
 * catalog to fill in and import back.
 */
export function costsCsv(projectId: string): Stringifier {
  const rows = batches(
    (cursor: Cursor<string> | null, take) =>
      db.productCost.findMany({
        where: { projectId, ...after("sku", cursor) },
        orderBy: [{ sku: "asc" }, { id: "asc" }],
        take,
      }),
    (r) => ({ key: r.sku, id: r.id })
  );
  return csvStream(
    ["sku", "currency", "cost", "floor", "ceiling", "map"],
    (async function* () {
      // The listings' SKUs (one spelling per SKU as the import matches them); a SKU with a cost is struck off.
      const [listed, project] = await Promise.all([
        db.listing.findMany({
          where: { projectId, sku: { not: null }, status: { not: "deleted" } },
          select: { sku: true },
          distinct: ["sku"],
          orderBy: { sku: "asc" },
        }),
        db.project.findUnique({ where: { id: projectId }, select: { currency: true } }),
      ]);
      const uncosted = new Map<string, string>();
      for (const { sku } of listed) {
        const key = normalizeSku(sku);
        if (key && !uncosted.has(key)) uncosted.set(key, sku!.trim());
      }
      for await (const r of rows) {
        uncosted.delete(normalizeSku(r.sku) ?? "");
        yield [
          text(r.sku),
          r.currency,
          r.costAmount,
          r.floorAmount ?? "",
          r.ceilingAmount ?? "",
          r.mapAmount ?? "",
        ];
      }
      const currency = project?.currency ?? "USD";
      for (const sku of [...uncosted.values()].sort()) yield [text(sku), currency, "", "", "", ""];
    })()
  );
}
