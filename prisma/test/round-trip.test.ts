// Every model is written and read back, field by field, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseKeyring, generateKeyEntry } from '../src/crypto/keyring';
import { createTestDatabase } from '../src/testing';
import type { TestDatabase } from '../src/testing';
import { writeEveryModel } from './support/every-model';
import type { WrittenRow } from './support/every-model';
import { describeOnEachDatabase } from './support/providers';
import { delegateName, readSchemaModels } from './support/schema-models';

const models = readSchemaModels();
const keyring = parseKeyring(generateKeyEntry('v1'));

type FindById = { findUniqueOrThrow(args: { where: Record<string, unknown> }): Promise<Record<string, unknown>> };

describeOnEachDatabase('round trip of every model', (provider) => {
  let t: TestDatabase;
  let written: WrittenRow[];

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    written = await writeEveryModel(t.db, keyring);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('writes a row of every model in the schema, with every scalar field set', () => {
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
    for (const row of written) {
      const delegate = (t.db as unknown as Record<string, FindById>)[delegateName(row.model)] as FindById;
      const read = await delegate.findUniqueOrThrow({ where: row.where ?? { id: row.id } });
      for (const [key, value] of Object.entries(row.data)) {
        expect(read[key], `${row.model}.${key}`).toEqual(value);
      }
      for (const field of models.get(row.model) ?? []) {
        if (field.updatedAt) expect(read[field.name], `${row.model}.${field.name}`).toBeInstanceOf(Date);
      }
    }
  });

  it('keeps relations: the rollback points at the change it rolls back, the attempt at its feed', async () => {
    const rollback = await t.db.priceChange.findFirstOrThrow({
      where: { source: 'rollback' },
      include: { rollbackOf: true, attempts: { include: { amazonPriceFeed: true, listing: true } } },
    });
    expect(rollback.rollbackOf?.toAmount).toBe('17.99');
    expect(rollback.attempts).toHaveLength(1);
    expect(rollback.attempts[0]?.amazonPriceFeed?.status).toBe('DONE');
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
