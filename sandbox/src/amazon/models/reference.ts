// Loads Amazon's published SP-API models and listings feed schemas from the shared reference folder
// (`../shared/reference/amazon-sp-api` from the repo root). Absent files are fine: the sandbox then runs
// on its built-in operation table and its own feed checks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The subset of a Swagger 2.0 document the sandbox reads. */
export interface SwaggerModel {
  info?: { title?: string; version?: string };
  paths: Record<string, Record<string, unknown>>;
  definitions?: Record<string, unknown>;
}

export interface ReferenceFiles {
  dir?: string;
  /** Models keyed by file name without `.json`, e.g. `listingsItems_2021-08-01`. */
  models: Record<string, SwaggerModel>;
  feedSchema?: Record<string, unknown>;
  feedMessageSchema?: Record<string, unknown>;
  reportSchema?: Record<string, unknown>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** `<repo>/../shared/reference/amazon-sp-api`, where this checkout keeps Amazon's files. */
export function defaultReferenceDir(): string {
  const repoRoot = resolve(here, '../../../..');
  return join(repoRoot, '..', 'shared', 'reference', 'amazon-sp-api');
}

function readJson(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** `false` disables the reference files (built-in defaults only). */
export function loadReference(dir: string | false | undefined = defaultReferenceDir()): ReferenceFiles {
  if (dir === false || !existsSync(dir)) return { models: {} };
  const models: Record<string, SwaggerModel> = {};
  const modelsDir = join(dir, 'models');
  if (existsSync(modelsDir)) {
    for (const file of readdirSync(modelsDir).sort()) {
      if (!file.endsWith('.json')) continue;
      const model = readJson(join(modelsDir, file)) as SwaggerModel | undefined;
      if (model?.paths) models[file.slice(0, -'.json'.length)] = model;
    }
  }
  const schemas = join(dir, 'schemas');
  return {
    dir,
    models,
    feedSchema: readJson(join(schemas, 'listings-feed-schema-v2.json')),
    feedMessageSchema: readJson(join(schemas, 'listings-feed-message-schema-v2.json')),
    reportSchema: readJson(join(schemas, 'listings-feed-processing-report-schema-v2.json')),
  };
}
