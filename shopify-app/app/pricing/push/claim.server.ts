// The conditional claim that lets several app instances share one queue of price changes without ever
// pushing one twice: a single UPDATE … WHERE (approved or pushing) AND (no lease or lease expired). On
// PostgreSQL two instances updating the same row serialize on its row lock, and the second re-checks the
// WHERE against the first one's committed lease, so only one of them gets it; on SQLite writes are
// serialized anyway. Each claim round carries a unique token, so an instance reads back exactly the rows
// it won. A crashed instance's lease runs out and the change is claimed again (and resumed: see
// push-worker.server.ts).
import { randomUUID } from 'node:crypto';
import type { Db } from '@calibr/db';
import { db as appDb } from '../../db.server';
import { slices } from '../chunks';

export const CLAIMABLE_STATUSES = ['approved', 'pushing'];

export interface ClaimOptions {
  /** Who is claiming (host:pid:…), for the claimedBy column. */
  instanceId: string;
  limit: number;
  leaseMs: number;
  now?: Date;
  /** The database client (default: the app's). */
  db?: Db;
}

export interface Claim {
  token: string;
  leaseUntil: Date;
  changeIds: string[];
}

export async function claimChanges(options: ClaimOptions): Promise<Claim | null> {
  const db = options.db ?? appDb;
  const now = options.now ?? new Date();
  const free = { status: { in: CLAIMABLE_STATUSES }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] };
  const candidates = await db.priceChange.findMany({
    where: free,
    select: { id: true },
    orderBy: [{ approvedAt: 'asc' }, { id: 'asc' }],
    take: options.limit,
  });
  if (candidates.length === 0) return null;
  const token = `${options.instanceId}:${randomUUID()}`;
  const leaseUntil = new Date(now.getTime() + options.leaseMs);
  let count = 0;
  for (const slice of slices(candidates.map((c) => c.id))) {
    const claimed = await db.priceChange.updateMany({ where: { id: { in: slice }, ...free }, data: { claimedBy: token, leaseUntil, status: 'pushing' } });
    count += claimed.count;
  }
  if (count === 0) return null;
  const won = await db.priceChange.findMany({ where: { claimedBy: token }, select: { id: true } });
  return { token, leaseUntil, changeIds: won.map((w) => w.id) };
}

/** Extend the lease of everything still held under `token`; returns how many rows are still ours. */
export async function renewLease(token: string, leaseMs: number, db: Db = appDb): Promise<number> {
  const { count } = await db.priceChange.updateMany({ where: { claimedBy: token }, data: { leaseUntil: new Date(Date.now() + leaseMs) } });
  return count;
}
