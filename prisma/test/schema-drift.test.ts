// The committed migrations are exactly what the schema renders to (no drift), the PostgreSQL
// variant differs from the schema only where it must, and the schema's ciphertext columns are the
// ones key rotation knows.
import { describe, expect, it } from 'vitest';
import { encryptedColumns } from '../src/crypto/columns';
import { readCommittedInitMigration, renderInitMigration } from '../scripts/lib/init-migration';
import { providers, schemaVariant } from '../scripts/lib/schema-variants';
import { readSchemaModels } from './support/schema-models';

describe('schema and migrations', () => {
  it.each(providers)(
    'prisma/migrations/%s/0_init matches schema.prisma (run `npm run db:migration -w @calibr/db` after a schema change)',
    async (provider) => {
      const committed = readCommittedInitMigration(provider);
      expect(committed, `prisma/migrations/${provider}/0_init/migration.sql is missing`).toBeDefined();
      expect(committed).toBe(await renderInitMigration(provider));
    },
    120_000, // runs the Prisma CLI
  );

  it('the PostgreSQL variant changes only the provider, the placeholder url and the client output', () => {
    const source = schemaVariant('sqlite').split('\n');
    const variant = schemaVariant('postgresql').split('\n').slice(1); // minus the "GENERATED" banner
    expect(variant).toHaveLength(source.length);
    const changed = source.flatMap((line, i) => (line === variant[i] ? [] : [`${line.trim()} → ${variant[i]?.trim()}`]));
    expect(changed).toEqual([
      'output          = "./generated/sqlite" → output          = "../postgresql"',
      'provider = "sqlite" → provider = "postgresql"',
      'url      = "file:../.data/calibrate.db" → url      = "postgresql://localhost:5432/calibrate"',
    ]);
  });

  it('uses no provider-specific features (native types, enums)', () => {
    const text = schemaVariant('sqlite');
    expect(text).not.toMatch(/^\s+\w+\s+\w+.*@db\./m);
    expect(text).not.toMatch(/^enum /m);
  });
});

describe('ciphertext columns', () => {
  const models = readSchemaModels();

  it('every column the schema documents as ciphertext (or names …Ciphertext) is rotated, and nothing else', () => {
    const inSchema = [...models].flatMap(([model, fields]) =>
      fields.filter((f) => /^ciphertext\b/.test(f.doc) || f.name.endsWith('Ciphertext')).map((f) => `${model}.${f.name}`),
    );
    const rotated = encryptedColumns.flatMap((spec) => spec.columns.map((c) => `${spec.table}.${c}`));
    expect(new Set(inSchema)).toEqual(new Set(rotated));
  });

  it('every …Ciphertext column says what it holds in a "ciphertext:" doc comment', () => {
    const undocumented = [...models].flatMap(([model, fields]) =>
      fields.filter((f) => f.name.endsWith('Ciphertext') && !f.doc.startsWith('ciphertext:')).map((f) => `${model}.${f.name}`),
    );
    expect(undocumented).toEqual([]);
  });
});
