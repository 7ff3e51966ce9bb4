// The audit log of the pricing loop: who approved, rejected, edited, pushed, retried or rolled back
// what, and when. Rows are never updated; the console and the CSV export read them back.
import type { Prisma } from '@calibr/db';
import { db } from '../db.server';
import { actorLabels } from './staff-names.server';

export interface AuditEntryOptions {
  entityType?: string;
  entityId?: string;
  data?: Prisma.InputJsonValue;
  /** user (a merchant in the console) | system (the loop itself) | webhook */
  actorType?: 'user' | 'system' | 'webhook';
}

type Writer = Pick<typeof db, 'auditLog'>;

export async function audit(projectId: string, actor: string, action: string, options: AuditEntryOptions = {}, writer: Writer = db): Promise<void> {
  await writer.auditLog.create({
    data: {
      projectId,
      actor,
      actorType: options.actorType ?? (actor === 'system' ? 'system' : 'user'),
      action,
      entityType: options.entityType ?? null,
      entityId: options.entityId ?? null,
      ...(options.data === undefined ? {} : { data: options.data }),
    },
  });
}

export interface AuditView {
  id: string;
  actor: string;
  /** The actor as the merchant reads it: a staff member's name ("Staff member" when unknown). */
  actorName: string;
  actorType: string;
  action: string;
  entityType: string | null;
  entityId: string | null;
  data: unknown;
  createdAt: string;
}

/** The shop's pricing audit trail, newest first. */
export async function listAudit(projectId: string, options: { limit?: number; before?: Date; entityId?: string } = {}): Promise<AuditView[]> {
  const rows = await db.auditLog.findMany({
    where: {
      projectId,
      OR: [{ action: { startsWith: 'price_' } }, { action: { startsWith: 'pricing_' } }, { action: { startsWith: 'listing.price' } }, { action: { startsWith: 'product_cost' } }],
      ...(options.before ? { createdAt: { lt: options.before } } : {}),
      ...(options.entityId ? { entityId: options.entityId } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(options.limit ?? 100, 5000),
  });
  const name = await actorLabels(projectId, rows.map((r) => r.actor));
  return rows.map((r) => ({
    id: r.id,
    actor: r.actor,
    actorName: name(r.actor) ?? r.actor,
    actorType: r.actorType,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    data: r.data,
    createdAt: r.createdAt.toISOString(),
  }));
}
