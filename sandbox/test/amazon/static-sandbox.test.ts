// Amazon's static sandbox: every `x-amzn-api-sandbox.static` case of the models we ship is replayed on
// sandbox.sellingpartnerapi-na.amazon.com through amazon-sp-api (use_sandbox), and must come back with
// the case's status and body.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OperationSpec, StaticCase } from '../../src/amazon/models/operations';
import { HAVE_REFERENCE, table } from './conformance';
import { raw, startAmazonSandbox, type AmazonTestSandbox, type SpClient } from './harness';

let sb: AmazonTestSandbox;
let sp: SpClient;

beforeAll(async () => {
  sb = await startAmazonSandbox();
  sp = sb.client({ useSandbox: true });
});
afterAll(() => sb.close());

interface Replay {
  op: OperationSpec;
  index: number;
  c: StaticCase;
  /** The case whose answer the request gets: itself, or an earlier case with the very same parameters. */
  answeredBy: StaticCase;
}

function replays(): Replay[] {
  const out: Replay[] = [];
  for (const op of table.operations) {
    op.staticCases.forEach((c, index) => {
      // Two cases with identical parameters can't be told apart by any request (e.g. getAccount's 200 and
      // 400): the real sandbox, like this one, answers with the first.
      const answeredBy = op.staticCases.find((other) => isDeepStrictEqual(other.parameters, c.parameters)) ?? c;
      out.push({ op, index, c, answeredBy });
    });
  }
  return out;
}

/** The request a case describes: its path, query, header and body parameters; neutral values elsewhere. */
function requestFor(op: OperationSpec, c: StaticCase) {
  const value = (name: string) => (c.parameters[name] && 'value' in c.parameters[name]! ? c.parameters[name]!.value : undefined);
  const apiPath = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = value(name);
    return encodeURIComponent(v === undefined ? `SANDBOX_${name.toUpperCase()}` : String(v));
  });
  const query: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  let body: unknown;
  for (const name of Object.keys(c.parameters)) {
    const v = value(name);
    if (v === undefined) continue;
    const spec = op.params.find((p) => p.name === name);
    if (spec?.in === 'body' || (!spec && name === 'body')) body = v;
    else if (spec?.in === 'query') query[name] = v;
    else if (spec?.in === 'header') headers[name] = String(v);
  }
  return { api_path: apiPath, method: op.method, query, headers, ...(body !== undefined ? { body } : {}) };
}

describe.skipIf(!HAVE_REFERENCE)('static sandbox', () => {
  const all = HAVE_REFERENCE ? replays() : [];

  test('the models ship static cases for every operation family we use', () => {
    const ops = new Set(all.map((r) => r.op.operationId));
    for (const id of ['getMarketplaceParticipations', 'getListingsItem', 'patchListingsItem', 'searchListingsItems', 'createFeed', 'getFeedDocument', 'getCompetitivePricing', 'getItemOffersBatch', 'getCompetitiveSummary', 'searchCatalogItems', 'getMyFeesEstimateForSKU', 'getMyFeesEstimateForASIN', 'getMyFeesEstimates']) {
      expect(ops).toContain(id);
    }
    expect(all.length).toBeGreaterThan(60);
  });

  test.each(all.map((r) => [`${r.op.operationId} #${r.index} (${r.c.status})`, r] as const))('%s replays', async (_name, r) => {
    const res = await raw(sp, requestFor(r.op, r.c));
    expect(res.status).toBe(r.answeredBy.status);
    expect(res.body).toEqual(r.answeredBy.response);
    expect(res.headers['x-amzn-requestid']).toBeTruthy();
  });

  test('a request that matches no case gets the real sandbox\'s error', async () => {
    const res = await raw(sp, { api_path: '/feeds/2021-06-30/feeds/no-such-case', method: 'GET' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ code: 'InvalidInput', message: 'Could not match input arguments', details: '' }] });
    const wrongValue = await raw(sp, { api_path: '/products/pricing/v0/price', method: 'GET', query: { MarketplaceId: 'A1F83G8C2ARO7P', ItemType: 'Asin' } });
    expect(wrongValue.status).toBe(400);
  });

  test('the static hosts want an access token from the sandbox\'s LWA', async () => {
    const none = await sb.request({ host: 'sandbox.sellingpartnerapi-eu.amazon.com', path: '/sellers/v1/marketplaceParticipations' });
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body.toString()).errors[0].code).toBe('Unauthorized');
    const withToken = await sb.request({ host: 'sandbox.sellingpartnerapi-eu.amazon.com', path: '/sellers/v1/marketplaceParticipations', headers: { 'x-amz-access-token': sp.access_token } });
    expect(withToken.status).toBe(200);
  });
});
