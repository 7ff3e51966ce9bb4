// Generates the SQLite and PostgreSQL clients from the one schema, skipping the work when the
// schema and the Prisma version are unchanged since the last generation (fast, idempotent installs).
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fingerprintFile, generatedFingerprint, schemaFingerprint } from '../../src/schema-fingerprint';
import { runPrismaOrThrow } from './prisma-cli';
import { clientDir, providers, writeSchemaVariants } from './schema-variants';

export async function generateClients({ force = false } = {}): Promise<{ generated: boolean; dirs: string[]; ms: number }> {
  const started = Date.now();
  const dirs = providers.map(clientDir);
  const fingerprint = schemaFingerprint();
  const upToDate =
    !force && dirs.every((dir) => existsSync(resolve(dir, 'index.js'))) && generatedFingerprint() === fingerprint;
  if (upToDate) return { generated: false, dirs, ms: Date.now() - started };

  const schemas = writeSchemaVariants();
  await Promise.all(
    providers.map((provider) =>
      runPrismaOrThrow(['generate', '--no-hints', '--schema', schemas[provider]], { DATABASE_URL: '' }),
    ),
  );
  writeFileSync(fingerprintFile, fingerprint);
  return { generated: true, dirs, ms: Date.now() - started };
}
