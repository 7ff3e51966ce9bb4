// What the console's live refresh compares (components/live/use-live-refresh.ts): one cheap fingerprint of
// the shop's pricing lists, read from the database, so it is the same whichever app instance stored the
// change (a monitor turn on one, a push settling on another). It moves when a suggestion is stored or
// decided, when a change or any platform attempt changes status, and when rows go away (the counts).
import { createHash } from 'node:crypto';
import { db } from '../db.server';

export interface LiveVersion {
  /** Opaque: the page reloads its lists when it differs from the one it saw. */
  version: string;
  /**
   * Opaque, per topic: `pricing` (= `version`: suggestions, changes, attempts) and `readings` (competitors'
   * prices read: the newest reading), so a page that shows readings follows them without the pricing pages
   * reloading at every reading.
   */
  versions: { pricing: string; readings: string };
  /** Price changes not settled yet: the console looks again sooner while a push is in flight. */
  pushing: number;
}

/** The `readings` topic's version: when competitors' prices were last read for the shop (for loaders too). */
export async function readingsVersion(projectId: string): Promise<string> {
  const readings = await db.competitorPriceObservation.aggregate({ where: { projectId }, _max: { observedAt: true } });
  return String(readings._max.observedAt?.getTime() ?? 0);
}

/**
 * The `pricing` topic's version (what GET /api/pricing/live answers as `version`), for a page's loader to
 * read before its lists: the page's live refresh starts from it, so a change between the loader and the
 * first look still reloads.
 */
export async function pricingVersion(projectId: string): Promise<string> {
  return (await pricingState(projectId)).version;
}

export async function liveVersion(projectId: string): Promise<LiveVersion> {
  const [{ version, pushing }, readings] = await Promise.all([pricingState(projectId), readingsVersion(projectId)]);
  return { version, versions: { pricing: version, readings }, pushing };
}

async function pricingState(projectId: string): Promise<{ version: string; pushing: number }> {
  // The latest write of each list (over its (projectId, updatedAt) index), and how many rows each status
  // holds (over the (projectId, status) indexes): a status change moves the counts even when two instances'
  // clocks disagree about the latest write, and a row created or deleted moves them too.
  const where = { projectId };
  const [suggestions, changes, attempts, suggestionStatus, changeStatus, attemptStatus] = await Promise.all([
    db.priceSuggestion.aggregate({ where, _max: { updatedAt: true } }),
    db.priceChange.aggregate({ where, _max: { updatedAt: true } }),
    db.priceChangeAttempt.aggregate({ where, _max: { updatedAt: true } }),
    db.priceSuggestion.groupBy({ by: ['status'], where, _count: { _all: true } }),
    db.priceChange.groupBy({ by: ['status'], where, _count: { _all: true } }),
    db.priceChangeAttempt.groupBy({ by: ['status'], where, _count: { _all: true } }),
  ]);
  const latest = [suggestions, changes, attempts].map((a) => a._max.updatedAt?.getTime() ?? 0).join('.');
  const counts = (rows: Array<{ status: string; _count: { _all: number } }>) =>
    rows
      .map((r) => `${r.status}:${r._count._all}`)
      .sort()
      .join(',');
  const pushing = changeStatus.filter((r) => r.status === 'approved' || r.status === 'pushing').reduce((n, r) => n + r._count._all, 0);
  const state = `${latest}|${counts(suggestionStatus)}|${counts(changeStatus)}|${counts(attemptStatus)}`;
  return { version: createHash('sha256').update(state).digest('base64url').slice(0, 22), pushing };
}
