// Generates a schema set's SQLite and PostgreSQL clients, skipping the work when the schema and the
// Prisma version are unchanged since the last generation (fast, idempotent installs).
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fingerprintFile, generatedFingerprint, schemaFingerprint } from '../../src/schema-fingerprint';
import { appSchema, clientDir } from '../../src/schema-set';
import type { SchemaSet } from '../../src/schema-set';
import { runPrismaOrThrow } from './prisma-cli';
import { providers, writeSchemaVariants } from './schema-variants';

export async function generateClients({ force = false, set = appSchema }: { force?: boolean; set?: SchemaSet } = {}): Promise<{
  generated: boolean;
  dirs: string[];
  ms: number;
}> {
  const started = Date.now();
  const dirs = providers.map((provider) => clientDir(set, provider));
  const fingerprint = schemaFingerprint(set);
  const upToDate =
    !force && dirs.every((dir) => existsSync(resolve(dir, 'index.js'))) && generatedFingerprint(set) === fingerprint;
  if (upToDate) return { generated: false, dirs, ms: Date.now() - started };

  const schemas = writeSchemaVariants(set);
  await Promise.all(
    providers.map((provider) =>
      runPrismaOrThrow(['generate', '--no-hints', '--schema', schemas[provider]], { DATABASE_URL: '' }, set),
    ),
  );
  writeFileSync(fingerprintFile(set), fingerprint);
  return { generated: true, dirs, ms: Date.now() - started };
}
