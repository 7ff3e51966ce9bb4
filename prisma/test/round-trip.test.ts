// Every model of both schema sets (the app's, the Amazon service's) is written and read back, field by
// field, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient as AmazonClient } from '../../amazon-service/prisma/generated/sqlite';
import { parseKeyring, generateKeyEntry } from '../src/crypto/keyring';
import { amazonSchema, schemaFile } from '../src/schema-set';
import { createTestDatabase } from '../src/testing';
import type { TestDatabase } from '../src/testing';
import { writeEveryAmazonModel } from './support/every-amazon-model';
import { writeEveryModel } from './support/every-model';
import type { WrittenRow } from './support/every-model';
import { describeOnEachDatabase } from './support/providers';
import { delegateName, readSchemaModels } from './support/schema-models';

const keyring = parseKeyring(generateKeyEntry('v1'));

type FindById = { findUniqueOrThrow(args: { where: Record<string, unknown> }): Promise<Record<string, unknown>> };
type Delegates = Record<string, FindById & { count(args: object): Promise<number> }>;

/** The checks every schema set gets: every model and field written, and read back exactly. */
function roundTrip(models: ReturnType<typeof readSchemaModels>, get: () => { db: object; written: WrittenRow[] }): void {
  it('writes a row of every model in the schema, with every scalar field set', () => {
    const { written } = get();
    expect(new Set(written.map((row) => row.model))).toEqual(new Set(models.keys()));
    for (const [model, fields] of models) {
      const rows = written.filter((row) => row.model === model);
      const unset = fields
        .filter((f) => f.name !== 'id' && !f.updatedAt && !rows.some((row) => f.name in row.data))
        .map((f) => f.name);
      expect(unset, `${model}: fields the round trip does not write`).toEqual([]);
    }
    for (const row of written) {
      for (const [key, value] of Object.entries(row.data)) {
        expect(value, `${row.model}.${key} is written as null`).not.toBeNull();
      }
    }
  });

  it('reads every row back exactly as written', async () => {
    const { db, written } = get();
    for (const row of written) {
      const delegate = (db as Delegates)[delegateName(row.model)] as FindById;
      const read = await delegate.findUniqueOrThrow({ where: row.where ?? { id: row.id } });
      for (const [key, value] of Object.entries(row.data)) {
        expect(read[key], `${row.model}.${key}`).toEqual(value);
      }
      for (const field of models.get(row.model) ?? []) {
        if (field.updatedAt) expect(read[field.name], `${row.model}.${field.name}`).toBeInstanceOf(Date);
      }
    }
  });

}

describeOnEachDatabase('round trip of every model', (provider) => {
  const models = readSchemaModels();
  let t: TestDatabase;
  let written: WrittenRow[];

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    written = await writeEveryModel(t.db, keyring);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  roundTrip(models, () => ({ db: t.db, written }));

  it('keeps relations: the rollback points at the change it rolls back, the attempt at its listing', async () => {
    const rollback = await t.db.priceChange.findFirstOrThrow({
      where: { source: 'rollback' },
      include: { rollbackOf: true, attempts: { include: { listing: true } } },
    });
    expect(rollback.rollbackOf?.toAmount).toBe('17.99');
    expect(rollback.attempts).toHaveLength(1);
    expect(rollback.attempts[0]?.listing.priceAmount).toBe('19.99');
  });

  it('enforces the unique keys idempotency relies on', async () => {
    const change = await t.db.priceChange.findFirstOrThrow({ where: { source: 'suggestion' } });
    await expect(
      t.db.priceChange.create({
        data: {
          projectId: change.projectId,
          idempotencyKey: change.idempotencyKey,
          currency: 'EUR',
          fromAmount: '1.00',
          toAmount: '2.00',
        },
      }),
    ).rejects.toMatchObject({ code: 'P2002' });
    const webhook = await t.db.processedWebhook.findFirstOrThrow();
    await expect(
      t.db.processedWebhook.create({ data: { webhookId: webhook.webhookId, topic: 'x', shop: webhook.shop } }),
    ).rejects.toMatchObject({ code: 'P2002' });
  });

  it('erases a shop: deleting its Project removes every row that carries its tenant key', async () => {
    const project = await t.db.project.findFirstOrThrow();
    await t.db.project.delete({ where: { id: project.id } });
    for (const [model, fields] of models) {
      if (!fields.some((f) => f.name === 'projectId')) continue;
      const delegate = (t.db as unknown as Record<string, { count(args: object): Promise<number> }>)[delegateName(model)];
      expect(await delegate?.count({ where: { projectId: project.id } }), model).toBe(0);
    }
  });
});

describeOnEachDatabase('round trip of every Amazon service model', (provider) => {
  const models = readSchemaModels(schemaFile(amazonSchema));
  let t: TestDatabase<AmazonClient>;
  let written: WrittenRow[];

  beforeAll(async () => {
    t = await createTestDatabase<AmazonClient>({ provider, set: amazonSchema });
    written = await writeEveryAmazonModel(t.db, keyring);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  roundTrip(models, () => ({ db: t.db, written }));

  it('keeps relations: the update points at its feed and integration', async () => {
    const update = await t.db.amazonPriceUpdate.findFirstOrThrow({ include: { priceFeed: true, integration: true } });
    expect(update.priceFeed?.status).toBe('DONE');
    expect(update.integration.sellingPartnerId).toBe('A1SELLER');
  });

  it('enforces the unique key a retried price update is answered by', async () => {
    const update = await t.db.amazonPriceUpdate.findFirstOrThrow();
    const again = { projectId: update.projectId, integrationId: update.integrationId, idempotencyKey: update.idempotencyKey };
    await expect(
      t.db.amazonPriceUpdate.create({ data: { ...again, contentHash: 'b'.repeat(64), sku: 'X', marketplaceId: 'M', currency: 'EUR', amount: '1.00' } }),
    ).rejects.toMatchObject({ code: 'P2002' });
  });

  it('erases a shop: deleting its AmazonTenant removes every row that carries its tenant key', async () => {
    const tenant = await t.db.amazonTenant.findFirstOrThrow();
    await t.db.amazonTenant.delete({ where: { id: tenant.id } });
    for (const [model, fields] of models) {
      if (!fields.some((f) => f.name === 'projectId')) continue;
      const delegate = (t.db as unknown as Delegates)[delegateName(model)];
      expect(await delegate?.count({ where: { projectId: tenant.id } }), model).toBe(0);
    }
  });
});

describe('schema sets', () => {
  it('the two schemas share no table name (both may live in one database)', () => {
    const app = new Set(readSchemaModels().keys());
    const amazon = [...readSchemaModels(schemaFile(amazonSchema)).keys()];
    expect(amazon.filter((name) => app.has(name))).toEqual([]);
    expect(amazon.every((name) => name.startsWith('Amazon'))).toBe(true);
  });
});
