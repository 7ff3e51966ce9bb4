// The policy's background runs, one at a time per shop (seller): what moved (a notification's snapshot,
// a monitor turn's reading, our own price edited elsewhere) is written as PendingReprice rows, and a
// `pricing.reprice` job (group `shop:<projectId>`, one running per group) prices every listing pending
// for the shop when it runs, so a burst of changes becomes one policy run, and two runs never decide the
// same listing at once. Each batch of pending rows gets its own job (keyed by the batch), so rows written
// while a run is under way are never left behind: their own job runs next, and finds them.
import type { Jobs } from '@calibr/jobs';
import type { Prisma } from '@calibr/db';
import { db } from '../../db.server';
import type { Trigger } from '../policy';
import { generateSuggestions, type GenerateResult } from '../suggestions.server';

export const REPRICE_QUEUE = 'pricing.reprice';

/** The rows that ask for a policy run on each listing (for the transaction that stores what moved). */
export function pendingRepriceWrites(projectId: string, triggers: ReadonlyMap<string, Trigger>): Prisma.PrismaPromise<unknown>[] {
  if (triggers.size === 0) return [];
  return [db.pendingReprice.createMany({ data: [...triggers].map(([listingId, trigger]) => ({ projectId, listingId, trigger: trigger as unknown as Prisma.InputJsonValue })) })];
}

/** The shop's next policy run, for the pending rows written under `batchKey` (unique per batch). */
export async function enqueueReprice(jobs: Jobs, projectId: string, batchKey: string): Promise<void> {
  await jobs.enqueue({ queue: REPRICE_QUEUE, key: `${projectId}:${batchKey}`, groupKey: `shop:${projectId}`, payload: { projectId } });
}

/** Writes pending rows now and queues their run (outside a reading's transaction: a monitor turn's triggers). */
export async function requestReprice(jobs: Jobs, projectId: string, triggers: ReadonlyMap<string, Trigger>): Promise<void> {
  if (triggers.size === 0) return;
  await db.$transaction(pendingRepriceWrites(projectId, triggers));
  await enqueueReprice(jobs, projectId, `turn:${jobs.now().getTime()}:${[...triggers.keys()][0]}`);
}

/** Most pending rows one run takes (the rest: the next run). */
const RUN_LIMIT = 5_000;

/** One policy run: every listing pending for the shop (the latest trigger of each), then those rows go. */
export async function handleReprice(projectId: string): Promise<GenerateResult | null> {
  const pending = await db.pendingReprice.findMany({ where: { projectId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: RUN_LIMIT, select: { id: true, listingId: true, trigger: true } });
  if (pending.length === 0) return null;
  const triggers = new Map<string, Trigger>();
  for (const p of pending) triggers.set(p.listingId, p.trigger as unknown as Trigger);
  const result = await generateSuggestions(projectId, { ids: [...triggers.keys()], triggers });
  for (let i = 0; i < pending.length; i += 500) await db.pendingReprice.deleteMany({ where: { id: { in: pending.slice(i, i + 500).map((p) => p.id) } } });
  return result;
}

/** Pending rows left by a run that never got its job (a crash between the write and the enqueue): one more job. */
export async function enqueueLeftovers(jobs: Jobs, projectId: string): Promise<boolean> {
  const oldest = await db.pendingReprice.findFirst({ where: { projectId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
  if (!oldest) return false;
  await enqueueReprice(jobs, projectId, `leftover:${oldest.id}`);
  return true;
}
