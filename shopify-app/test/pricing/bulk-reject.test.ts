// Rejecting many suggestions at once, against a real database (SQLite, and PostgreSQL when
// TEST_DATABASE_URL is set): the number of SQL statements is bounded by the number of 500-id slices,
// not the number of ids (it was two per id: 10,000 ids took 9.2 s), counted by the Prisma client's own
// query events. Each id still gets its own outcome (rejected / already decided / another shop's or
// unknown: not found) and every rejection its audit row.
import { randomUUID } from 'node:crypto';
import { createDb, createTestDatabase, testDatabaseProviders, type TestDatabase } from '@calibr/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Changes from '../../app/pricing/changes.server';
import { appContext } from '../../app/app-context.server';
import { useAppDatabase, releaseAppDatabase } from '../support/app-database';

const PENDING = 1_200;

describe.each(testDatabaseProviders())('bulk reject on %s', (provider) => {
  let database: TestDatabase;
  let changes: typeof Changes;
  let projectId: string;
  let otherProjectId: string;
  const statements: string[] = [];
  const ids = { pending: [] as string[], approved: [] as string[], foreign: [] as string[] };

  beforeAll(async () => {
    database = await createTestDatabase({ provider });
    // The app's client, opened here with Prisma's query events on, so the test sees every statement it sends.
    await useAppDatabase(database);
    const counted = createDb(database.url, { log: [{ emit: 'event', level: 'query' }] as never });
    (counted as unknown as { $on(event: 'query', listener: (e: { query: string }) => void): void }).$on('query', (e) => statements.push(e.query));
    appContext().db = counted;
    changes = await import('../../app/pricing/changes.server');

    const db = database.db;
    projectId = (await db.project.create({ data: { shopDomain: `reject-${provider}.myshopify.com`, currency: 'USD' } })).id;
    otherProjectId = (await db.project.create({ data: { shopDomain: `reject-other-${provider}.myshopify.com`, currency: 'USD' } })).id;
    const row = (project: string, status: string) => ({ id: randomUUID(), projectId: project, currency: 'USD', currentAmount: '20.00', suggestedAmount: '19.00', status, explanation: {} });
    const rows = [
      ...Array.from({ length: PENDING }, () => row(projectId, 'pending')),
      ...Array.from({ length: 5 }, () => row(projectId, 'approved')),
      ...Array.from({ length: 3 }, () => row(otherProjectId, 'pending')),
    ];
    for (let i = 0; i < rows.length; i += 400) await db.priceSuggestion.createMany({ data: rows.slice(i, i + 400) });
    ids.pending = rows.filter((r) => r.projectId === projectId && r.status === 'pending').map((r) => r.id);
    ids.approved = rows.filter((r) => r.status === 'approved').map((r) => r.id);
    ids.foreign = rows.filter((r) => r.projectId === otherProjectId).map((r) => r.id);
  }, 120_000);

  afterAll(async () => {
    await releaseAppDatabase();
    await database?.cleanup();
  });

  async function counting<T>(work: () => Promise<T>): Promise<{ result: T; count: number }> {
    statements.length = 0;
    const result = await work();
    return { result, count: statements.length };
  }

  it('a handful of ids: rejected, with their audit rows, in a few statements', async () => {
    const few = ids.pending.slice(0, 3);
    const { result, count } = await counting(() => changes.rejectSuggestions(projectId, few, 'user:1@shop'));
    expect(result).toEqual({ approved: [], rejected: few, refused: [] });
    // One read, one update, one audit insert (and the transaction's own statements).
    expect(count).toBeLessThanOrEqual(6);
  });

  it(`${PENDING.toLocaleString('en')} ids and more: statements per 500-id slice, the same outcomes per id as one at a time`, async () => {
    const unknown = [`missing-${randomUUID()}`, `missing-${randomUUID()}`];
    const alreadyRejected = ids.pending.slice(0, 3);
    const all = [...ids.pending, ...ids.approved, ...ids.foreign, ...unknown, ...alreadyRejected];
    const slices = Math.ceil(new Set(all).size / 500);
    const { result, count } = await counting(() => changes.rejectSuggestions(projectId, all, 'user:2@shop'));
    // Per slice: a read, an update, the audit insert (SQLite's 999 bind parameters split 500 rows into a
    // few INSERTs) and the commit; one at a time it was two statements per id (2,400+ here).
    expect(count, `${count} statements for ${all.length} ids`).toBeLessThanOrEqual(slices * 10);

    const fresh = ids.pending.slice(3);
    expect(result.rejected).toEqual(fresh);
    const refused = new Map(result.refused.map((r) => [r.suggestionId, r]));
    expect(refused.size).toBe(ids.approved.length + ids.foreign.length + unknown.length + alreadyRejected.length);
    for (const id of ids.approved) expect(refused.get(id)).toMatchObject({ code: 'already_decided', message: 'This suggestion is already approved' });
    for (const id of alreadyRejected) expect(refused.get(id)).toMatchObject({ code: 'already_decided', message: 'This suggestion is already rejected' });
    // Another shop's ids are not found here, and stay as they were.
    for (const id of [...ids.foreign, ...unknown]) expect(refused.get(id)).toMatchObject({ code: 'not_found', message: 'No such suggestion in this shop' });
    expect(await database.db.priceSuggestion.count({ where: { projectId: otherProjectId, status: 'pending' } })).toBe(ids.foreign.length);

    // Stored as decided by this merchant, each with its audit row (and only those).
    const stored = await database.db.priceSuggestion.findMany({ where: { projectId, status: 'rejected', decidedBy: 'user:2@shop' }, select: { id: true } });
    expect(new Set(stored.map((s) => s.id))).toEqual(new Set(fresh));
    const audit = await database.db.auditLog.findMany({ where: { projectId, action: 'price_suggestion.rejected', actor: 'user:2@shop' }, select: { entityId: true, entityType: true, actorType: true } });
    expect(audit).toHaveLength(fresh.length);
    expect(new Set(audit.map((a) => a.entityId))).toEqual(new Set(fresh));
    expect(audit.every((a) => a.entityType === 'PriceSuggestion' && a.actorType === 'user')).toBe(true);
    expect(await database.db.auditLog.count({ where: { projectId: otherProjectId } })).toBe(0);
  }, 120_000);
});

