// People, not ids: who approved a change (or acted in the audit log) as the console shows it. Actors are
// stored as ids (`user:<userId>@<shop>` for a staff member, `system` for automatic approval); the names are
// the StaffMember rows recorded when each staff member acted. A staff member whose name was never read
// (rows older than names, or Shopify didn't answer) shows as "Staff member", never as the raw id.
import { db } from '../db.server';

const USER_ACTOR = /^user:(.+)@[^@]+$/;

export const AUTOMATIC = 'Calibrate (automatic)';
export const UNNAMED_STAFF = 'Staff member';

/** Every staff member of the shop at once, for a stream that reads actors as it goes (the CSV exports). */
export async function allActorLabels(projectId: string): Promise<(actor: string | null | undefined) => string | null> {
  const staff = await db.staffMember.findMany({ where: { projectId }, select: { userId: true } });
  return actorLabels(projectId, staff.map((s) => `user:${s.userId}@shop`));
}

/** Resolve a batch of actors to what a merchant reads; one query for the lot. */
export async function actorLabels(projectId: string, actors: Iterable<string | null | undefined>): Promise<(actor: string | null | undefined) => string | null> {
  const userIds = new Set<string>();
  for (const actor of actors) {
    const id = actor ? USER_ACTOR.exec(actor)?.[1] : undefined;
    if (id) userIds.add(id);
  }
  const names = new Map(
    userIds.size === 0 ? [] : (await db.staffMember.findMany({ where: { projectId, userId: { in: [...userIds] } }, select: { userId: true, displayName: true } })).map((s) => [s.userId, s.displayName]),
  );
  return (actor) => {
    if (!actor) return null;
    if (actor === 'system') return AUTOMATIC;
    const id = USER_ACTOR.exec(actor)?.[1];
    if (id) return names.get(id) ?? UNNAMED_STAFF;
    if (actor.startsWith('shop:')) return UNNAMED_STAFF;
    return actor;
  };
}
