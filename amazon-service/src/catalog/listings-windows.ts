// A full listings sync past searchListingsItems' 1,000-item cap: the catalog is walked in createdDate
// windows, each small enough (numberOfResults ≤ 1,000) to page through to its end. A window Amazon
// reports over the cap is halved until it fits; a single millisecond still over the cap is split by
// lastUpdatedDate the same way. The position (window, Amazon's page token inside it) is an opaque token,
// so a sync resumes from any step.
import { ConnectorError } from '@calibr/shared-contracts';
import type { SpApiClient } from '../sp-api/sp-api-client';
import { SEARCH_RESULTS_CAP, searchListingsPage, type ListingsItem, type ListingsPage } from './listings-items';

/** A new window aims at this many listings, so an estimate somewhat off still fits under the cap. */
const WINDOW_TARGET = 800;

type Field = 'created' | 'updated';

/** Inclusive bounds in epoch milliseconds: [from, to] is the window being paged, `end` where its axis stops. */
interface Level {
  field: Field;
  from: number;
  to: number;
  end: number;
}

export interface ListingsPosition {
  /** Outermost first: createdDate, then (only inside one over-full millisecond) lastUpdatedDate. */
  levels: Level[];
  /** Amazon's nextToken inside the current window. */
  page?: string;
  /** Incremental syncs: only listings updated at or after this. */
  since?: string;
}

export interface WindowedPage {
  items: ListingsItem[];
  /** Where the next step starts; undefined when the sync is complete. */
  next: ListingsPosition | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

function dateOf(item: ListingsItem | undefined, field: Field): number | undefined {
  const summary = item?.summaries?.[0];
  const raw = field === 'created' ? summary?.createdDate : summary?.lastUpdatedDate;
  const ms = raw === undefined ? Number.NaN : Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The query for a position: createdAfter/createdBefore (inclusive, as Amazon's model says), the since filter. */
function windowQuery(position: ListingsPosition): Record<string, unknown> {
  const query: Record<string, unknown> = position.since ? { lastUpdatedAfter: position.since } : {};
  for (const level of position.levels) {
    if (level.field === 'created') Object.assign(query, { createdAfter: iso(level.from), createdBefore: iso(level.to) });
    else Object.assign(query, { lastUpdatedAfter: iso(level.from), lastUpdatedBefore: iso(level.to) });
  }
  return query;
}

/** The oldest and newest date of `field` among what `query` matches (two one-item searches); undefined when nothing matches. */
async function span(client: SpApiClient, marketplaceId: string, query: Record<string, unknown>, field: Field): Promise<{ from: number; end: number } | undefined> {
  const sortBy = field === 'created' ? 'createdDate' : 'lastUpdatedDate';
  const probe = (sortOrder: 'ASC' | 'DESC') => searchListingsPage(client, marketplaceId, undefined, { ...query, includedData: ['summaries'], sortBy, sortOrder, pageSize: 1 });
  const oldest = await probe('ASC');
  if (oldest.numberOfResults === 0 || oldest.items.length === 0) return undefined;
  const newest = await probe('DESC');
  const from = dateOf(oldest.items[0], field);
  const end = dateOf(newest.items[0], field);
  if (from === undefined || end === undefined || end < from) {
    throw new ConnectorError('platform_unavailable', `Amazon's listings carry no usable ${sortBy}: cannot split the catalog into windows`, { platform: 'amazon' });
  }
  return { from, end };
}

/** The first position of a sync: one createdDate window from the oldest listing to the newest (at the start). */
export async function firstPosition(client: SpApiClient, marketplaceId: string, since?: string): Promise<ListingsPosition | undefined> {
  const created = await span(client, marketplaceId, since ? { lastUpdatedAfter: since } : {}, 'created');
  if (!created) return undefined;
  return { levels: [{ field: 'created', from: created.from, to: created.end, end: created.end }], ...(since ? { since } : {}) };
}

/** The window after the one just finished, sized from its density; undefined after the last. */
function advance(levels: Level[], count: number): Level[] | undefined {
  const rest = levels.slice(0, -1);
  const level = levels[levels.length - 1];
  if (!level) return undefined;
  if (level.to >= level.end) return advance(rest, SEARCH_RESULTS_CAP + 1);
  const width = level.to - level.from + 1;
  // Nothing in the window: try the whole remainder (halved again if it is over the cap).
  const guess = count === 0 ? level.end - level.to : Math.max(1, Math.floor((width * WINDOW_TARGET) / count));
  const from = level.to + 1;
  return [...rest, { ...level, from, to: Math.min(level.end, from + guess - 1) }];
}

/**
 * One page of the walk: Amazon's next page inside the current window, or the first page of the next
 * window. Windows over the cap are split before anything of them is kept, and empty windows are skipped.
 */
export async function windowedPage(client: SpApiClient, marketplaceId: string, start: ListingsPosition, pageSize: number): Promise<WindowedPage> {
  let position = start;
  for (;;) {
    const query = { ...windowQuery(position), sortBy: 'sku', sortOrder: 'ASC', pageSize };
    const page: ListingsPage = await searchListingsPage(client, marketplaceId, position.page, query);
    if (!position.page && page.numberOfResults > SEARCH_RESULTS_CAP) {
      position = await split(client, marketplaceId, position);
      continue;
    }
    let next: ListingsPosition | undefined;
    if (page.nextToken) next = { ...position, page: page.nextToken };
    else {
      const levels = advance(position.levels, page.numberOfResults);
      next = levels ? { levels, ...(position.since ? { since: position.since } : {}) } : undefined;
    }
    if (page.items.length === 0 && next) {
      position = next;
      continue;
    }
    return { items: page.items, next };
  }
}

/** Halves the innermost window; one createdDate millisecond over the cap is walked by lastUpdatedDate instead. */
async function split(client: SpApiClient, marketplaceId: string, position: ListingsPosition): Promise<ListingsPosition> {
  const levels = [...position.levels];
  const inner = levels[levels.length - 1]!;
  if (inner.to > inner.from) {
    levels[levels.length - 1] = { ...inner, to: inner.from + Math.floor((inner.to - inner.from) / 2) };
    return { ...position, levels };
  }
  if (inner.field === 'created') {
    const updated = await span(client, marketplaceId, windowQuery(position), 'updated');
    if (updated) return { ...position, levels: [...levels, { field: 'updated', from: updated.from, to: updated.end, end: updated.end }] };
  }
  throw new ConnectorError('platform_unavailable', `more than ${SEARCH_RESULTS_CAP} listings share createdDate ${iso(levels[0]!.from)} and lastUpdatedDate ${iso(inner.from)}: Amazon cannot page through them`, { platform: 'amazon' });
}

export function encodePosition(position: ListingsPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function decodePosition(token: string): ListingsPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const p = parsed as Partial<ListingsPosition> | undefined;
  const valid =
    p &&
    Array.isArray(p.levels) &&
    p.levels.length >= 1 &&
    p.levels.length <= 2 &&
    p.levels.every((l, i) => l && l.field === (i === 0 ? 'created' : 'updated') && isMs(l.from) && isMs(l.to) && isMs(l.end) && l.from <= l.to && l.to <= l.end) &&
    (p.page === undefined || typeof p.page === 'string') &&
    (p.since === undefined || (typeof p.since === 'string' && !Number.isNaN(Date.parse(p.since))));
  if (!valid) throw new ConnectorError('validation', 'pageToken is not one this service issued');
  return p as ListingsPosition;
}
