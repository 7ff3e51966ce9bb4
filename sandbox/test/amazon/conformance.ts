// Holds the sandbox's responses against the response schemas in Amazon's models (when they are on disk).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { defaultReferenceDir, loadReference } from '../../src/amazon/models/reference';
import { OperationTable } from '../../src/amazon/models/operations';
import { createSwaggerAjv, qualifyRefs } from '../../src/amazon/models/validation';

export const REFERENCE_DIR = defaultReferenceDir();
export const HAVE_REFERENCE = existsSync(join(REFERENCE_DIR, 'models'));
if (!HAVE_REFERENCE) {
  console.warn(`[amazon tests] ${REFERENCE_DIR} is absent: checks against Amazon's models and schemas are skipped.`);
}

const reference = loadReference(REFERENCE_DIR);
const table = new OperationTable(reference);
const ajv = createSwaggerAjv();
for (const [api, model] of Object.entries(reference.models)) ajv.addSchema({ $id: api, definitions: model.definitions ?? {} });

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

/** Expects `body` to match the model's schema for the operation's response with this status. */
export function expectConforms(operationId: string, status: number, body: unknown): void {
  if (!HAVE_REFERENCE) return;
  const op = table.byId(operationId);
  const schema = op?.responseSchemas[String(status)];
  expect(schema, `${operationId} has a ${status} response schema`).toBeDefined();
  const key = `${operationId}:${status}`;
  const validate = compiled.get(key) ?? ajv.compile(qualifyRefs(schema, op!.api) as object);
  compiled.set(key, validate);
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${operationId} ${status} response conforms to Amazon's model`).toEqual([]);
}

export { reference, table };
