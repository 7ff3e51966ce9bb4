// Amazon's published models and schemas live outside the repo (`../shared/reference` from the repo root);
// tests read them from there and skip with a clear message when they are absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import { describe } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const AMAZON_REFERENCE_DIR = resolve(repoRoot, '..', 'shared', 'reference', 'amazon-sp-api');
export const hasAmazonReference = existsSync(resolve(AMAZON_REFERENCE_DIR, 'schemas', 'listings-feed-schema-v2.json'));
export const MISSING_REFERENCE = `Amazon reference files not found at ${AMAZON_REFERENCE_DIR}: schema checks skipped`;

/** A suite that needs the reference files: reported as skipped, with the reason in its name, when they are absent. */
export function describeWithAmazonReference(title: string, suite: () => void): void {
  describe.skipIf(!hasAmazonReference)(hasAmazonReference ? title : `${title} — ${MISSING_REFERENCE}`, suite);
}

export function readReferenceJson(relative: string): unknown {
  return JSON.parse(readFileSync(resolve(AMAZON_REFERENCE_DIR, relative), 'utf8'));
}

let feedValidator: ValidateFunction | undefined;
let reportValidator: ValidateFunction | undefined;

/** ajv validator for Amazon's JSON_LISTINGS_FEED schema (v2). */
export function listingsFeedSchemaValidator(): ValidateFunction {
  feedValidator ??= new Ajv({ allErrors: true, strict: false }).compile(readReferenceJson('schemas/listings-feed-schema-v2.json') as object);
  return feedValidator;
}

/** ajv validator for Amazon's listings feed processing report schema (v2). */
export function processingReportSchemaValidator(): ValidateFunction {
  reportValidator ??= new Ajv({ allErrors: true, strict: false }).compile(
    readReferenceJson('schemas/listings-feed-processing-report-schema-v2.json') as object,
  );
  return reportValidator;
}
