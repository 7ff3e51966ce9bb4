// The stateful SP-API hosts (sellingpartnerapi-{na,eu,fe}.amazon.com): finds the operation in the model
// table, then checks the access token, the usage plan, the parameters and the body as Amazon's gateway
// does, and hands the call to the operation's handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, requestUrl, sendJson } from '../http';
import type { Region } from '../marketplaces';
import { marketplace } from '../marketplaces';
import type { OperationSpec } from '../models/operations';
import type { ParamValues } from '../models/validation';
import type { Seller } from '../state';
import type { AmazonWorld } from '../world';
import { checkAccessToken } from '../lwa/tokens';
import { SpApiError, applicationQuotaExceeded, invalidInput, invalidMarketplaces, quotaExceeded, unauthorized } from './errors';
import { RateLimiter, formatRate } from './rate-limiter';

export interface SpCall {
  world: AmazonWorld;
  region: Region;
  op: OperationSpec;
  seller: Seller;
  clientId: string;
  params: ParamValues;
  body: unknown;
  requestId: string;
}

export interface SpResult {
  status: number;
  body?: unknown;
}

export type SpHandler = (call: SpCall) => SpResult | Promise<SpResult>;

/** A grantless operation's call: the application (LWA client) only, no seller. */
export type GrantlessCall = Omit<SpCall, 'seller'>;
export type GrantlessHandler = (call: GrantlessCall) => SpResult | Promise<SpResult>;

/** The scope a grantless token must carry for each API (the Notifications API's operations). */
const GRANTLESS_SCOPE: Record<string, string> = { notifications: 'sellingpartnerapi::notifications' };

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The 403 details Amazon gives; clients (amazon-sp-api) refresh their token when they see "expired". */
export function tokenFailureDetails(reason: 'missing' | 'invalid' | 'expired'): string {
  if (reason === 'expired') return 'The access token you provided has expired.';
  if (reason === 'invalid') return 'The access token you provided is revoked, malformed or invalid.';
  return '';
}

export class SpApiRouter {
  readonly limiter = new RateLimiter();

  constructor(
    private readonly world: AmazonWorld,
    private readonly handlers: Record<string, SpHandler>,
    private readonly grantlessHandlers: Record<string, GrantlessHandler> = {},
  ) {}

  async handle(region: Region, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const headers: Record<string, string> = { 'x-amzn-RequestId': requestId };
    try {
      const result = await this.dispatch(region, req, headers, requestId);
      if (result.status === 204 || result.body === undefined) {
        res.writeHead(result.status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': '0' });
        res.end();
      } else {
        sendJson(res, result.status, result.body, headers);
      }
    } catch (e) {
      if (!(e instanceof SpApiError)) throw e;
      sendJson(res, e.status, e.toBody(), headers);
    }
  }

  private async dispatch(region: Region, req: IncomingMessage, headers: Record<string, string>, requestId: string): Promise<SpResult> {
    const world = this.world;
    const url = requestUrl(req);
    const { op, pathParams, pathKnown } = world.operations.match(req.method ?? 'GET', url.pathname);
    if (!op) {
      if (pathKnown) throw new SpApiError(405, 'MethodNotAllowed', 'Method not allowed for this resource.');
      throw new SpApiError(404, 'NotFound', 'Resource not found.');
    }

    const access = checkAccessToken(world, headerValue(req, 'x-amz-access-token'));
    if (!access.ok) throw unauthorized(tokenFailureDetails(access.reason));
    if (op.grantless) return this.dispatchGrantless(region, op, access.record, req, url, pathParams, headers, requestId);
    const sellerId = access.record.sellerId;
    const seller = sellerId ? world.state.sellers[sellerId] : undefined;
    // Grantless tokens don't reach seller data, and a seller's token works in its own region only.
    if (!seller || seller.region !== region) throw unauthorized();

    // x-amzn-RateLimit-Limit reports the pair's rate only, on either level's 429 (Amazon: the header
    // "doesn't include per-application or other usage plan rate limits").
    const rate = op.rate * world.timeScale;
    const pairKey = `${seller.sellerId}:${access.record.clientId}:${op.operationId}`;
    if (this.forcedThrottle(op.operationId) || !this.limiter.take(pairKey, rate, op.burst, world.preciseNow())) {
      headers['x-amzn-RateLimit-Limit'] = formatRate(rate);
      throw quotaExceeded();
    }
    const appLimit = world.applicationLimits[op.operationId];
    if (appLimit && !this.limiter.take(`app:${access.record.clientId}:${op.operationId}:${appLimit.rate}/${appLimit.burst}` /* a changed limit starts full */, appLimit.rate * world.timeScale, appLimit.burst, world.preciseNow())) {
      this.limiter.giveBack(pairKey, op.burst);
      headers['x-amzn-RateLimit-Limit'] = formatRate(rate);
      world.log({ platform: 'amazon', kind: 'event', detail: { applicationThrottled: op.operationId, clientId: access.record.clientId } });
      throw applicationQuotaExceeded();
    }

    const handler = this.handlers[op.operationId];
    if (!handler) {
      throw new SpApiError(404, 'NotFound', `The sandbox does not simulate ${op.operationId} on this host; use the static sandbox host.`);
    }

    const { values, body } = await this.input(op, req, url, pathParams);
    const result = await handler({ world, region, op, seller, clientId: access.record.clientId, params: values, body, requestId });
    if (result.status < 300) headers['x-amzn-RateLimit-Limit'] = formatRate(rate);
    return result;
  }

  /**
   * A grantless operation: the token must come from the client_credentials grant with the API's scope
   * (a seller's token is refused as Amazon does); the usage plan is counted per application.
   */
  private async dispatchGrantless(
    region: Region,
    op: OperationSpec,
    token: { clientId: string; sellerId?: string; scope?: string },
    req: IncomingMessage,
    url: URL,
    pathParams: Record<string, string>,
    headers: Record<string, string>,
    requestId: string,
  ): Promise<SpResult> {
    const world = this.world;
    const scope = GRANTLESS_SCOPE[op.api];
    if (token.sellerId || !scope || token.scope !== scope) throw unauthorized();
    const rate = op.rate * world.timeScale;
    if (this.forcedThrottle(op.operationId) || !this.limiter.take(`grantless:${token.clientId}:${op.operationId}`, rate, op.burst, world.preciseNow())) {
      headers['x-amzn-RateLimit-Limit'] = formatRate(rate);
      throw quotaExceeded();
    }
    const handler = this.grantlessHandlers[op.operationId];
    if (!handler) throw new SpApiError(404, 'NotFound', `The sandbox does not simulate ${op.operationId} on this host; use the static sandbox host.`);
    const { values, body } = await this.input(op, req, url, pathParams);
    const result = await handler({ world, region, op, clientId: token.clientId, params: values, body, requestId });
    if (result.status < 300) headers['x-amzn-RateLimit-Limit'] = formatRate(rate);
    return result;
  }

  /** The call's parameters and body, checked against the model as Amazon's gateway does. */
  private async input(op: OperationSpec, req: IncomingMessage, url: URL, pathParams: Record<string, string>): Promise<{ values: ParamValues; body: unknown }> {
    const world = this.world;
    const query = DOUBLE_ENCODED_QUERY.has(op.operationId) ? decodeOnceMore(url.searchParams) : url.searchParams;
    const checked = world.validator.params(op, pathParams, query, req.headers);
    if ('failure' in checked) throw invalidInput(checked.failure.message, checked.failure.details);

    let body: unknown;
    if (op.params.some((p) => p.in === 'body')) {
      const contentType = headerValue(req, 'content-type');
      if (contentType && !/json/i.test(contentType)) throw new SpApiError(415, 'UnsupportedMediaType', 'Unsupported Media Type.');
      let raw: Buffer;
      try {
        raw = await readBody(req, MAX_BODY_BYTES);
      } catch (e) {
        if (e instanceof BodyTooLargeError) throw new SpApiError(413, 'RequestEntityTooLarge', 'The request is too large.');
        throw e;
      }
      const parsed = world.validator.body(op, raw);
      if ('failure' in parsed) throw invalidInput(parsed.failure.message, parsed.failure.details);
      body = parsed.body;
    }
    return { values: checked.values, body };
  }

  private forcedThrottle(operationId: string): boolean {
    const throttles = this.world.faults.throttles;
    for (const key of [operationId, '*']) {
      const n = throttles[key];
      if (n && n > 0) {
        throttles[key] = n - 1;
        return true;
      }
    }
    return false;
  }
}

/** Product Pricing v0's getPricing and getCompetitivePricing take their query double-encoded. */
const DOUBLE_ENCODED_QUERY = new Set(['getPricing', 'getCompetitivePricing']);

function decodeOnceMore(params: URLSearchParams): URLSearchParams {
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return new URLSearchParams([...params].map(([k, v]): [string, string] => [decode(k), decode(v)]));
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Checks marketplace ids against the host's region and the seller's participations, as Amazon does
 * ("Invalid 'marketplaceIds' provided."). Returns the ids.
 */
export function requireMarketplaces(call: SpCall, ids: unknown, name = 'marketplaceIds'): string[] {
  const list = (Array.isArray(ids) ? ids : [ids]).map(String);
  if (list.length === 0) throw invalidMarketplaces(name);
  for (const id of list) {
    const mp = marketplace(id);
    if (!mp || mp.region !== call.region || !call.seller.marketplaceIds.includes(id)) throw invalidMarketplaces(name);
  }
  return list;
}
