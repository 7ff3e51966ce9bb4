// The sandbox checks uploaded JSON_LISTINGS_FEED documents with its own code; here those checks are held
// against Amazon's own schema files (listings-feed-schema-v2.json) with ajv, on generated documents.
import { describe, expect, test } from 'vitest';
import Ajv from 'ajv';
import fc from 'fast-check';
import { checkFeedDocument, checkMessage, isValidFeedDocument } from '../../src/amazon/feeds/feed-checks';
import { HAVE_REFERENCE, reference } from './conformance';

const ajv = new Ajv({ strict: false, allErrors: true });
const feedSchema = reference.feedSchema;
const validateFeed = feedSchema ? ajv.compile(feedSchema) : undefined;
const messageItemSchema = (feedSchema?.properties as { messages?: { items?: object } } | undefined)?.messages?.items;
const validateMessage = messageItemSchema ? ajv.compile(messageItemSchema) : undefined;

// Values that are right for some fields and wrong for others, so every rule gets exercised both ways.
const scalar = fc.constantFrom<unknown>(null, true, 0, 1, -3, 2.5, 2147483647, 2147483648, '', 'x', '2.0', 'UPDATE', 'PATCH', 'LISTING', 'replace', 'bogus', [], {}, [{}], { a: 1 });
const validPatch = fc.record(
  { op: fc.constantFrom('add', 'replace', 'merge', 'delete'), path: fc.constantFrom('/attributes/purchasable_offer', 'x'), value: fc.array(fc.constant({ a: 1 }), { maxLength: 2 }) },
  { requiredKeys: ['op', 'path'] },
);
const patchMutant = fc.tuple(validPatch, fc.constantFrom('op', 'path', 'value'), fc.oneof(scalar, fc.constant(undefined))).map(([p, key, v]) => {
  const out: Record<string, unknown> = { ...p };
  if (v === undefined) delete out[key];
  else out[key] = v;
  return out;
});
const patches = fc.array(fc.oneof({ weight: 4, arbitrary: validPatch }, { weight: 1, arbitrary: patchMutant }, { weight: 1, arbitrary: scalar }), { minLength: 1, maxLength: 3 });
const attributes = fc.constantFrom<Record<string, unknown>>({ purchasable_offer: [{ marketplace_id: 'ATVPDKIKX0DER' }] }, { item_name: [] });

/** A message that is valid for its operationType. */
const validMessage = fc
  .record({
    messageId: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constant(2147483647)),
    sku: fc.constantFrom('SKU-1', 'x'),
    operationType: fc.constantFrom('UPDATE', 'PARTIAL_UPDATE', 'PATCH', 'DELETE'),
    productType: fc.constantFrom('SHOES', 'LUGGAGE'),
    requirements: fc.constantFrom('LISTING', 'LISTING_PRODUCT_ONLY', 'LISTING_OFFER_ONLY', undefined),
    attributes,
    patches: fc.array(validPatch, { minLength: 1, maxLength: 2 }),
  })
  .map(({ messageId, sku, operationType, productType, requirements, attributes, patches }) => {
    const base: Record<string, unknown> = { messageId, sku, operationType };
    if (operationType === 'UPDATE') return { ...base, productType, attributes, ...(requirements ? { requirements } : {}) };
    if (operationType === 'PARTIAL_UPDATE') return { ...base, productType, attributes };
    if (operationType === 'PATCH') return { ...base, productType, patches };
    return base;
  });

const KEYS = ['messageId', 'sku', 'operationType', 'productType', 'requirements', 'attributes', 'patches', 'other'];
const fieldValue = fc.oneof(scalar, attributes, patches, fc.constantFrom('DELETE', 'PARTIAL_UPDATE', 'LISTING_OFFER_ONLY', 'SHOES', 0, 7));
/** Drop a field, or set one (present or not) to another value: each rule of the schema gets broken, or not. */
const mutation = fc.tuple(fc.constantFrom(...KEYS), fc.oneof(fc.constant(undefined), fieldValue));
const message = fc.oneof(
  { weight: 1, arbitrary: scalar },
  {
    weight: 12,
    arbitrary: fc.tuple(validMessage, fc.array(mutation, { maxLength: 2 })).map(([m, mutations]) => {
      const out: Record<string, unknown> = { ...m };
      for (const [key, v] of mutations) {
        if (v === undefined) delete out[key];
        else out[key] = v;
      }
      return out;
    }),
  },
);

const validHeader = fc.record(
  {
    sellerId: fc.constant('A2CALIBRDEMONA'),
    version: fc.constant('2.0'),
    issueLocale: fc.constant('en_US'),
    report: fc.record({ includedData: fc.array(fc.constantFrom('offers', 'summaries', 'issues'), { minLength: 1, maxLength: 2 }), apiVersion: fc.constant('2021-08-01') }),
  },
  { requiredKeys: ['sellerId', 'version'] },
);
const headerMutation = fc.tuple(
  fc.constantFrom('sellerId', 'version', 'issueLocale', 'report', 'report.includedData', 'report.apiVersion'),
  fc.oneof(fc.constant(undefined), scalar, fc.constantFrom(['nope'], ['offers', 'nope'], '2021-08-01')),
);
const header = fc.oneof(
  { weight: 1, arbitrary: scalar },
  {
    weight: 8,
    arbitrary: fc.tuple(validHeader, fc.array(headerMutation, { maxLength: 1 })).map(([h, mutations]) => {
      const out: Record<string, unknown> = structuredClone(h);
      for (const [path, v] of mutations) {
        const [k, sub] = path.split('.') as [string, string | undefined];
        const target = sub ? (out[k] as Record<string, unknown> | undefined) : out;
        if (!target || typeof target !== 'object') continue;
        const key = sub ?? k;
        if (v === undefined) delete target[key];
        else target[key] = v;
      }
      return out;
    }),
  },
);
const documentArb = fc.oneof(
  { weight: 1, arbitrary: scalar },
  { weight: 10, arbitrary: fc.record({ header, messages: fc.oneof({ weight: 1, arbitrary: scalar }, { weight: 6, arbitrary: fc.array(message, { maxLength: 3 }) }) }, { requiredKeys: [] }) },
);

describe.skipIf(!HAVE_REFERENCE)("the sandbox's feed checks agree with Amazon's feed schema", () => {
  test('Amazon\'s own example document is valid for both', async () => {
    const { readFileSync } = await import('node:fs');
    const example = JSON.parse(readFileSync(`${reference.dir}/schemas/listings-feed-schema-v2.example.json`, 'utf8'));
    expect(validateFeed!(example)).toBe(true);
    expect(checkFeedDocument(example)).toEqual({ documentProblems: [], messageProblems: new Map() });
  });

  test('per message: a message is valid for the sandbox exactly when it is valid for the schema', () => {
    // The generator produces both: valid messages of each operationType and ones with a rule broken.
    const sample = fc.sample(message, { numRuns: 2000, seed: 1 });
    const validShare = sample.filter((m) => validateMessage!(m)).length / sample.length;
    expect(validShare).toBeGreaterThan(0.15);
    expect(validShare).toBeLessThan(0.85);
    fc.assert(
      fc.property(message, (m) => {
        expect(checkMessage(m).length === 0).toBe(validateMessage!(m));
      }),
      { numRuns: 3000 },
    );
  });

  test('per document, including the header and the messages array', () => {
    const sample = fc.sample(documentArb, { numRuns: 1000, seed: 1 });
    expect(sample.filter((d) => validateFeed!(d)).length).toBeGreaterThan(50);
    fc.assert(
      fc.property(documentArb, (doc) => {
        expect(isValidFeedDocument(doc)).toBe(validateFeed!(doc));
      }),
      { numRuns: 2000 },
    );
  });

  test('at most 25,000 messages', () => {
    const valid = { messageId: 1, sku: 'S', operationType: 'DELETE' };
    const at = { header: { sellerId: 'A', version: '2.0' }, messages: Array.from({ length: 25_000 }, () => valid) };
    const over = { ...at, messages: [...at.messages, valid] };
    expect(isValidFeedDocument(at)).toBe(validateFeed!(at));
    expect(isValidFeedDocument(over)).toBe(false);
    expect(validateFeed!(over)).toBe(false);
  });
});
