// The committed migrations are exactly what the schema renders to (no drift), the PostgreSQL
// variant differs from the schema only where it must, and the schema's ciphertext columns are the
// ones key rotation knows.
import { describe, expect, it } from 'vitest';
import { encryptedColumnsOf } from '../src/crypto/columns';
import { schemaFile, schemaSets } from '../src/schema-set';
import { initMigrationPath, readCommittedInitMigration, renderInitMigration } from '../scripts/lib/init-migration';
import { providers, schemaVariant } from '../scripts/lib/schema-variants';
import { readSchemaModels } from './support/schema-models';

const placeholderUrl = { app: 'file:../.data/calibrate.db', amazon: 'file:../../.data/calibrate.db' } as const;

describe.each(schemaSets.map((set) => [set.name, set] as const))('the %s schema and its migrations', (_name, set) => {
  it.each(providers)(
    'the committed %s initial migration matches the schema (run `npm run db:migration -w @calibr/db` after a schema change)',
    async (provider) => {
      const committed = readCommittedInitMigration(provider, set);
      expect(committed, `${initMigrationPath(provider, set)} is missing`).toBeDefined();
      expect(committed).toBe(await renderInitMigration(provider, set));
    },
    120_000, // runs the Prisma CLI
  );

  it('the PostgreSQL variant changes only the provider, the placeholder url and the client output', () => {
    const source = schemaVariant('sqlite', set).split('\n');
    const variant = schemaVariant('postgresql', set).split('\n').slice(1); // minus the "GENERATED" banner
    expect(variant).toHaveLength(source.length);
    const changed = source.flatMap((line, i) => (line === variant[i] ? [] : [`${line.trim()} → ${variant[i]?.trim()}`]));
    expect(changed).toEqual([
      'output          = "./generated/sqlite" → output          = "../postgresql"',
      'provider = "sqlite" → provider = "postgresql"',
      `url      = "${placeholderUrl[set.name]}" → url      = "postgresql://localhost:5432/calibrate"`,
    ]);
  });

  it('uses no provider-specific features (native types, enums)', () => {
    const text = schemaVariant('sqlite', set);
    expect(text).not.toMatch(/^\s+\w+\s+\w+.*@db\./m);
    expect(text).not.toMatch(/^enum /m);
  });
});

describe.each(schemaSets.map((set) => [set.name, set] as const))('ciphertext columns of the %s schema', (_name, set) => {
  const models = readSchemaModels(schemaFile(set));
  const encryptedColumns = encryptedColumnsOf(set);

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
