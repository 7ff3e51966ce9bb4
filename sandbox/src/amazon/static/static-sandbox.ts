// Amazon's static sandbox (sandbox.sellingpartnerapi-{na,eu,fe}.amazon.com): answers the
// `x-amzn-api-sandbox.static` request→response cases of the models, like a mocking framework. A request
// matches a case when every parameter the case names has the case's value; the most specific match wins
// (ties go to the model's order). Anything else gets Amazon's "Could not match input arguments".
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { readBody, requestUrl, sendJson } from '../http';
import type { OperationSpec, StaticCase } from '../models/operations';
import type { AmazonWorld } from '../world';
import { checkAccessToken } from '../lwa/tokens';
import { SpApiError, unauthorized } from '../spapi/errors';
import { headerValue, tokenFailureDetails } from '../spapi/router';

export const NO_MATCH_BODY = { errors: [{ code: 'InvalidInput', message: 'Could not match input arguments', details: '' }] };

interface StaticRequest {
  op: OperationSpec;
  path: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  hasBody: boolean;
}

function matchValue(expected: unknown, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (Array.isArray(expected)) {
    const parts = raw.split(',');
    return parts.length === expected.length && parts.every((p, i) => p === String(expected[i]));
  }
  return String(expected) === raw;
}

/** How many constraints the case puts on the request, or -1 when the request doesn't satisfy them. */
export function caseScore(c: StaticCase, r: StaticRequest): number {
  let score = 0;
  for (const [name, constraint] of Object.entries(c.parameters)) {
    if (!constraint || typeof constraint !== 'object' || !('value' in constraint)) continue;
    const expected = constraint.value;
    const spec = r.op.params.find((p) => p.name === name);
    const isBody = spec?.in === 'body' || (!spec && name === 'body');
    let ok: boolean;
    if (isBody) ok = r.hasBody && isDeepStrictEqual(r.body, expected);
    else if (spec?.in === 'path') ok = matchValue(expected, r.path[name]);
    else if (spec?.in === 'header') ok = matchValue(expected, headerValue({ headers: r.headers } as IncomingMessage, name.toLowerCase()));
    else ok = matchValue(expected, r.query.has(name) ? r.query.getAll(name).join(',') : undefined);
    if (!ok) return -1;
    score++;
  }
  return score;
}

export function findStaticCase(r: StaticRequest): StaticCase | undefined {
  let best: StaticCase | undefined;
  let bestScore = -1;
  for (const c of r.op.staticCases) {
    const score = caseScore(c, r);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

export async function handleStatic(world: AmazonWorld, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const headers = { 'x-amzn-RequestId': requestId };
  try {
    const url = requestUrl(req);
    const { op, pathParams } = world.operations.match(req.method ?? 'GET', url.pathname);
    if (!op) throw new SpApiError(404, 'NotFound', 'Resource not found.');
    const access = checkAccessToken(world, headerValue(req, 'x-amz-access-token'));
    if (!access.ok) throw unauthorized(tokenFailureDetails(access.reason));
    const raw = await readBody(req, 10 * 1024 * 1024);
    let body: unknown;
    const hasBody = raw.length > 0;
    if (hasBody) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    const match = findStaticCase({ op, path: pathParams, query: url.searchParams, headers: req.headers, body, hasBody });
    if (!match) {
      sendJson(res, 400, NO_MATCH_BODY, headers);
      return;
    }
    if (match.response === undefined) {
      res.writeHead(match.status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': '0' });
      res.end();
      return;
    }
    sendJson(res, match.status, match.response, headers);
  } catch (e) {
    if (!(e instanceof SpApiError)) throw e;
    sendJson(res, e.status, e.toBody(), headers);
  }
}
