// CSV exports of the pricing loop: suggestions, the history of price changes (one row per platform), the
// audit log, and costs (in the import's own format, so an export can be edited and imported back).
// Amounts are written as stored: decimal strings with their currency, never reformatted.
import { stringify } from 'csv-stringify/sync';
import { db } from '../db.server';

/** Text a spreadsheet would run as a formula is quoted with a leading apostrophe (CSV injection). */
function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function iso(date: Date | null | undefined): string {
  return date ? date.toISOString() : '';
}

export async function suggestionsCsv(projectId: string, options: { status?: string } = {}): Promise<string> {
  const rows = await db.priceSuggestion.findMany({
    where: { projectId, ...(options.status && options.status !== 'all' ? { status: options.status } : {}) },
    include: { productLink: { select: { sku: true, title: true } }, listing: { select: { sku: true, title: true } }, rule: { select: { name: true } } },
    orderBy: { createdAt: 'asc' },
  });
  return stringify(
    rows.map((r) => {
      const summary = (r.explanation as { summary?: string } | null)?.summary ?? '';
      return [r.id, iso(r.createdAt), r.status, text(r.productLink?.title ?? r.listing?.title), text(r.productLink?.sku ?? r.listing?.sku), text(r.rule?.name), r.currency, r.currentAmount, r.suggestedAmount, r.approvedAmount ?? '', text(r.decidedBy), iso(r.decidedAt), text(summary)];
    }),
    { header: true, columns: ['suggestion_id', 'created_at', 'status', 'title', 'sku', 'rule', 'currency', 'current_price', 'suggested_price', 'approved_price', 'decided_by', 'decided_at', 'explanation'] },
  );
}

export async function historyCsv(projectId: string): Promise<string> {
  const changes = await db.priceChange.findMany({
    where: { projectId },
    include: {
      attempts: { include: { listing: { select: { externalId: true } } }, orderBy: { platform: 'asc' } },
      productLink: { select: { sku: true, title: true } },
      listing: { select: { sku: true, title: true } },
    },
    orderBy: { approvedAt: 'asc' },
  });
  const rows = changes.flatMap((c) =>
    (c.attempts.length > 0 ? c.attempts : [null]).map((a) => [
      c.id,
      iso(c.approvedAt),
      text(c.approvedBy),
      c.source,
      c.status,
      text(c.productLink?.title ?? c.listing?.title),
      text(c.productLink?.sku ?? c.listing?.sku),
      c.currency,
      c.fromAmount,
      c.toAmount,
      a?.platform ?? '',
      text(a?.listing.externalId),
      a?.previousAmount ?? '',
      a?.amount ?? '',
      a?.status ?? '',
      text(a?.platformReference),
      text(a?.platformCode),
      text(a?.platformMessage),
      iso(a?.appliedAt),
      iso(c.completedAt),
    ]),
  );
  return stringify(rows, {
    header: true,
    columns: ['change_id', 'approved_at', 'approved_by', 'source', 'change_status', 'title', 'sku', 'currency', 'from_price', 'to_price', 'platform', 'listing', 'platform_previous_price', 'platform_price', 'platform_status', 'platform_reference', 'platform_code', 'platform_message', 'applied_at', 'completed_at'],
  });
}

export async function auditCsv(projectId: string): Promise<string> {
  const rows = await db.auditLog.findMany({ where: { projectId }, orderBy: { createdAt: 'asc' } });
  return stringify(
    rows.map((r) => [iso(r.createdAt), text(r.actor), r.actorType, r.action, r.entityType ?? '', r.entityId ?? '', text(r.data === null ? '' : JSON.stringify(r.data))]),
    { header: true, columns: ['at', 'actor', 'actor_type', 'action', 'entity_type', 'entity_id', 'data'] },
  );
}

export async function costsCsv(projectId: string): Promise<string> {
  const rows = await db.productCost.findMany({ where: { projectId }, orderBy: { sku: 'asc' } });
  return stringify(
    rows.map((r) => [text(r.sku), r.currency, r.costAmount, r.floorAmount ?? '', r.ceilingAmount ?? '', r.mapAmount ?? '']),
    { header: true, columns: ['sku', 'currency', 'cost', 'floor', 'ceiling', 'map'] },
  );
}
