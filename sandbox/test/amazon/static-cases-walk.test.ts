// Every `x-amzn-api-sandbox.static` case of every model file in the reference folder, answered over HTTP by
// the sandbox's static hosts as the model says: the case's status and body, and a body of the shape the
// model's response schema gives for that status. The walk reads the files itself (not the sandbox's own
// table), so a model the sandbox fails to load, or an operation it drops, shows up here.
// productFeesV0.json (the Product Fees API) is engineer i15-fees's: its cases are walked when present and
// answered like the others; a failure there names that branch.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSwaggerAjv, qualifyRefs } from '../../src/amazon/models/validation';
import { REFERENCE_DIR } from './conformance';
import { startAmazonSandbox, NA_SELLER, type AmazonTestSandbox } from './harness';

const MODELS_DIR = join(REFERENCE_DIR, 'models');
const HAVE_MODELS = existsSync(MODELS_DIR);
const FEES_MODEL = 'productFeesV0';
if (!HAVE_MODELS) {
  console.warn(`[static cases walk] SKIPPED: Amazon's models are missing (${MODELS_DIR}); no static case was checked.`);
}

interface Param { name: string; in: string }
interface Case { model: string; operationId: string; method: string; path: string; params: Param[]; status: number; index: number; parameters: Record<string, { value?: unknown }>; response: unknown; schema?: unknown }
type Model = { paths: Record<string, Record<string, unknown>>; definitions?: Record<string, unknown> };

function walk(): { models: Record<string, Model>; cases: Case[] } {
  const models: Record<string, Model> = {};
  const cases: Case[] = [];
  for (const file of readdirSync(MODELS_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const name = file.slice(0, -'.json'.length);
    const model = JSON.parse(readFileSync(join(MODELS_DIR, file), 'utf8')) as Model;
    models[name] = model;
    for (const [path, item] of Object.entries(model.paths)) {
      const shared = (Array.isArray(item.parameters) ? item.parameters : []) as Param[];
      for (const [method, raw] of Object.entries(item)) {
        if (method === 'parameters' || !raw || typeof raw !== 'object') continue;
        const op = raw as { operationId: string; parameters?: Param[]; responses?: Record<string, { schema?: unknown; 'x-amzn-api-sandbox'?: { static?: { request?: { parameters?: Case['parameters'] }; response?: unknown }[] } }> };
        let index = 0;
        for (const [status, response] of Object.entries(op.responses ?? {})) {
          for (const c of response['x-amzn-api-sandbox']?.static ?? []) {
            cases.push({
              model: name, operationId: op.operationId, method: method.toUpperCase(), path, params: [...shared, ...(op.parameters ?? [])],
              status: Number(status), index: index++, parameters: c.request?.parameters ?? {}, response: c.response, schema: response.schema,
            });
          }
        }
      }
    }
  }
  return { models, cases };
}

const { models, cases } = HAVE_MODELS ? walk() : { models: {}, cases: [] as Case[] };

/** The HTTP request a case describes: its path, query, header and body parameters as Amazon's sandbox takes them. */
function requestOf(c: Case): { path: string; headers: Record<string, string>; body?: string } {
  const value = (name: string) => c.parameters[name]?.value;
  const path = c.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(String(value(name) ?? `SANDBOX_${name.toUpperCase()}`)));
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  let body: string | undefined;
  for (const [name, constraint] of Object.entries(c.parameters)) {
    if (!constraint || !('value' in constraint)) continue;
    const where = c.params.find((p) => p.name === name)?.in ?? (name === 'body' ? 'body' : 'query');
    const v = constraint.value;
    if (where === 'body') body = JSON.stringify(v);
    else if (where === 'header') headers[name.toLowerCase()] = String(v);
    else if (where === 'query') query.set(name, Array.isArray(v) ? v.join(',') : String(v));
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const qs = query.toString();
  return { path: qs ? `${path}?${qs}` : path, headers, ...(body !== undefined ? { body } : {}) };
}

/** A request can't tell apart two cases with the same parameters: Amazon's sandbox, like ours, answers with the first. */
function answeredBy(c: Case): Case {
  return cases.find((o) => o.model === c.model && o.operationId === c.operationId && isDeepStrictEqual(o.parameters, c.parameters)) ?? c;
}

let sb: AmazonTestSandbox;
let token = '';
const ajv = createSwaggerAjv();
for (const [name, model] of Object.entries(models)) ajv.addSchema({ $id: name, definitions: model.definitions ?? {} });

beforeAll(async () => {
  sb = await startAmazonSandbox();
  const sp = sb.client({ sellerId: NA_SELLER });
  await sp.refreshAccessToken();
  token = sp.access_token;
});
afterAll(() => sb?.close());

describe.skipIf(!HAVE_MODELS)(HAVE_MODELS ? 'every static case of every reference model' : `every static case of every reference model — SKIPPED: Amazon's models are missing (${MODELS_DIR})`, () => {
  test('the walk found every model file and their cases', () => {
    expect(Object.keys(models)).toEqual(expect.arrayContaining(['feeds_2021-06-30', 'listingsItems_2021-08-01', 'productPricingV0', 'sellers']));
    expect(cases.length).toBeGreaterThan(60);
    if (!(FEES_MODEL in models)) console.warn(`[static cases walk] ${FEES_MODEL}.json is not in the reference: its cases (branch i15-fees) were not walked.`);
  });

  test.each(cases.map((c) => [`${c.model} ${c.operationId} #${c.index} (${c.status})`, c] as const))('%s', async (_name, c) => {
    const expected = answeredBy(c);
    const req = requestOf(c);
    const res = await sb.request({ method: c.method, host: 'sandbox.sellingpartnerapi-na.amazon.com', path: req.path, headers: { 'x-amz-access-token': token, ...req.headers }, ...(req.body !== undefined ? { body: req.body } : {}) });
    const who = c.model === FEES_MODEL ? ` (Product Fees API: engineer i15-fees's branch adds it)` : '';
    const text = res.body.toString();
    const body: unknown = text ? JSON.parse(text) : undefined;
    expect(res.status, `status of ${c.operationId}${who}`).toBe(expected.status);
    expect(body, `body of ${c.operationId}${who}`).toEqual(expected.response);
    expect(res.headers['x-amzn-requestid']).toBeTruthy();
    // The shape: what came back validates against the model's schema for that status, when it gives one,
    // except where Amazon's own example doesn't (listed below): then it deviates exactly as the example does.
    if (expected.schema && body !== undefined) {
      expect(schemaErrors(expected, body), `${c.operationId} ${expected.status} answer against ${c.model}'s schema${who}`).toEqual(schemaErrors(expected, expected.response));
    }
  });

  test("Amazon's own examples that don't match their model's schema are known (the sandbox answers them as written)", () => {
    const found = [...new Set(cases.flatMap((c) => (c.schema && c.response !== undefined ? schemaErrors(c, c.response).map((e) => `${c.model} ${c.operationId}: ${e}`) : [])))].sort();
    expect(found).toEqual(KNOWN_EXAMPLE_DEVIATIONS.filter((d) => d.split(' ')[0]! in models).sort());
  });
});

/** Where Amazon's static examples break their own schemas (reference commit 34dc93f). */
const KNOWN_EXAMPLE_DEVIATIONS = [
  'productFeesV0 getMyFeesEstimateForASIN: /payload/FeesEstimateResult/FeesEstimate/TimeOfFeesEstimation must match format "date-time"',
  'productFeesV0 getMyFeesEstimateForSKU: /payload/FeesEstimateResult/FeesEstimate/TimeOfFeesEstimation must match format "date-time"',
  'productFeesV0 getMyFeesEstimates: /0/FeesEstimate/TimeOfFeesEstimation must match format "date-time"',
  'productFeesV0 getMyFeesEstimates: /1/FeesEstimate/TimeOfFeesEstimation must match format "date-time"',
  "sellers getAccount: /payload/marketplaceParticipationList/0/marketplace must have required property 'defaultCurrencyCode'",
  "sellers getAccount: /payload/marketplaceParticipationList/0/marketplace must have required property 'defaultLanguageCode'",
];

const compiled = new Map<unknown, ReturnType<typeof ajv.compile>>();
function schemaErrors(c: Case, body: unknown): string[] {
  let validate = compiled.get(c.schema);
  if (!validate) compiled.set(c.schema, (validate = ajv.compile(qualifyRefs(c.schema, c.model) as object)));
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
