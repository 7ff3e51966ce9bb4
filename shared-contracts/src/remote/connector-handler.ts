// Serve any PlatformConnector over the route contract: verify the signature (each signed request once),
// resolve the tenant's connector, call it, and turn every error into problem details.
import {
  ConnectorError,
  NotFoundError,
  PlatformUnavailableError,
  PROBLEM_CONTENT_TYPE,
  RateLimitedError,
  ValidationError,
  toProblem,
} from '../errors';
import type { PlatformConnector } from '../interfaces';
import { competitiveOffersRequestSchema, feeEstimatesRequestSchema, offerChangesRequestSchema, parseOrThrow, updateResultsRequestSchema } from '../validation';
import type { ConnectorHttpRequest, ConnectorHttpResponse } from './http-types';
import { CONNECTOR_BASE_PATH, matchRoute, type ConnectorInfo, type ConnectorRouteName } from './routes';
import { DEFAULT_SIGNATURE_TOLERANCE_SECONDS, authenticateRequest, readSignatureHeaders, type NonceStore } from './signing';

export interface ConnectorHandlerOptions {
  /** The tenant's connector (e.g. `registry.get('amazon', tenantId)`); NotFoundError -> 404. */
  resolveConnector: (tenantId: string) => Promise<PlatformConnector>;
  /** Shared secrets (first signs, all verify); see parseSharedSecrets. Required: never open. */
  secrets: readonly string[];
  /** The nonces already served (a database table in a service): a replayed request is refused. Required. */
  nonces: NonceStore;
  basePath?: string;
  toleranceSeconds?: number;
  /** Unix seconds, for tests. */
  now?: () => number;
  /** Unexpected (non-ConnectorError) failures; default logs the error name and message only. */
  onUnexpectedError?: (error: unknown, request: { method: string; path: string; tenantId?: string }) => void;
}

export interface ConnectorHandler {
  (request: ConnectorHttpRequest): Promise<ConnectorHttpResponse>;
  /** The checks that need no body (signed, fresh); throws AuthenticationError. Run before reading a body. */
  checkHeaders(headers: ConnectorHttpRequest['headers']): void;
}

export function createConnectorHandler(options: ConnectorHandlerOptions): ConnectorHandler {
  if (!options.secrets || options.secrets.length === 0) {
    throw new Error('createConnectorHandler needs the shared secret(s): a connector service must not run open');
  }
  if (!options.nonces) throw new Error('createConnectorHandler needs a nonce store: signed requests must not replay');
  const basePath = options.basePath ?? CONNECTOR_BASE_PATH;
  const report =
    options.onUnexpectedError ??
    ((error: unknown, req: { method: string; path: string }) => {
      const e = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      console.error(`connector handler: unexpected error on ${req.method} ${req.path.split('?')[0]}: ${e}`);
    });

  const window = () => ({
    ...(options.now ? { now: options.now() } : {}),
    toleranceSeconds: options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  });
  const handler = async (request: ConnectorHttpRequest): Promise<ConnectorHttpResponse> => {
    const target = request.path;
    const pathname = target.split('?')[0] ?? target;
    let tenantId: string | undefined;
    try {
      // Authenticate before anything else, so unsigned callers learn nothing, not even which routes exist.
      tenantId = (
        await authenticateRequest({
          method: request.method,
          path: target,
          headers: request.headers,
          body: request.rawBody,
          secrets: options.secrets,
          nonces: options.nonces,
          ...window(),
        })
      ).tenantId;

      const match = matchRoute(request.method, pathname, basePath);
      if (!match) throw new NotFoundError(`no connector route ${request.method} ${pathname}`, { resource: 'route' });
      if ('methodMismatch' in match) {
        return problemResponse(
          new ConnectorError('validation', `method ${request.method} not allowed`),
          pathname,
          405,
          { allow: match.allow },
        );
      }
      const connector = await options.resolveConnector(tenantId);
      const query = new URLSearchParams(target.includes('?') ? target.slice(target.indexOf('?') + 1) : '');
      const body = parseBody(request);
      const result = await dispatch(match.name, connector, query, body);
      if (result === undefined) return { status: 204, headers: {}, body: '' };
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
    } catch (error) {
      if (!(error instanceof ConnectorError)) report(error, { method: request.method, path: target, ...(tenantId ? { tenantId } : {}) });
      return problemResponse(error, pathname);
    }
  };
  return Object.assign(handler, { checkHeaders: (headers: ConnectorHttpRequest['headers']) => void readSignatureHeaders(headers, window()) });
}

async function dispatch(
  name: ConnectorRouteName,
  c: PlatformConnector,
  query: URLSearchParams,
  body: unknown,
): Promise<unknown> {
  switch (name) {
    case 'info':
      return { platform: c.platform, name: c.name, version: c.version, capabilities: c.capabilities } satisfies ConnectorInfo;
    case 'isAuthenticated':
      return { authenticated: await c.isAuthenticated() };
    case 'authenticate':
      await c.authenticate(body as never);
      return undefined;
    case 'disconnect':
      await c.disconnect();
      return undefined;
    case 'authStatus':
      return c.auth.status();
    case 'authRefresh':
      return c.auth.refresh();
    case 'authorizationUrl':
      if (!c.auth.authorizationUrl) throw new NotFoundError('this connector has no OAuth authorization flow');
      return { url: await c.auth.authorizationUrl(body as never) };
    case 'completeAuthorization':
      if (!c.auth.completeAuthorization) throw new NotFoundError('this connector has no OAuth authorization flow');
      return c.auth.completeAuthorization(body as never);
    case 'health':
      return c.healthCheck();
    case 'eraseTenant':
      return c.eraseTenant();
    case 'listProducts':
      return c.products.list((body ?? {}) as never);
    case 'getProduct':
      return c.products.get(requiredParam(query, 'externalId'));
    case 'syncProducts':
      return c.products.sync(body as never);
    case 'getPrice': {
      const marketplaceId = query.get('marketplaceId');
      return c.pricing.getPrice(requiredParam(query, 'externalId'), marketplaceId ? { marketplaceId } : undefined);
    }
    case 'updatePrice':
      // The connector validates the update itself, so a remote connector keeps the same rules.
      return c.pricing.updatePrice(body as never);
    case 'batchUpdatePrices': {
      const updates = (body as { updates?: unknown } | null)?.updates;
      if (!Array.isArray(updates)) throw ValidationError.field('updates', 'updates must be an array', 'invalid_type');
      return c.pricing.batchUpdatePrices(updates);
    }
    case 'getUpdateResult':
      if (!c.pricing.getUpdateResult) throw new NotFoundError('this connector does not track update results');
      return c.pricing.getUpdateResult(requiredParam(query, 'idempotencyKey'));
    case 'getUpdateResults': {
      const { idempotencyKeys } = parseOrThrow(updateResultsRequestSchema, body ?? {});
      if (c.pricing.getUpdateResults) return c.pricing.getUpdateResults(idempotencyKeys);
      const read = c.pricing.getUpdateResult?.bind(c.pricing);
      if (!read) throw new NotFoundError('this connector does not track update results');
      // Answered key by key in this process: one HTTP call for the caller either way.
      const results = [];
      for (const key of idempotencyKeys) {
        try {
          results.push(await read(key));
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          results.push(null);
        }
      }
      return { results };
    }
    case 'getCompetitiveOffers':
      if (!c.capabilities.competitivePricing || !c.pricing.getCompetitiveOffers) throw new NotFoundError('this connector does not read competitive offers');
      return c.pricing.getCompetitiveOffers(parseOrThrow(competitiveOffersRequestSchema, body ?? {}));
    case 'getFeeEstimates':
      if (!c.capabilities.feeEstimates || !c.pricing.getFeeEstimates) throw new NotFoundError('this connector does not estimate fees');
      return c.pricing.getFeeEstimates(parseOrThrow(feeEstimatesRequestSchema, body ?? {}));
    case 'getOfferChanges':
      if (!c.capabilities.offerChanges || !c.pricing.getOfferChanges) throw new NotFoundError('this connector does not keep offer changes');
      return c.pricing.getOfferChanges(parseOrThrow(offerChangesRequestSchema, body ?? {}));
  }
}

function requiredParam(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw ValidationError.field(name, 'required', 'required');
  return value;
}

function parseBody(request: ConnectorHttpRequest): unknown {
  const raw = request.rawBody;
  const text = raw === undefined ? '' : typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw ValidationError.field('body', 'body is not valid JSON', 'invalid_json');
  }
  // Every route's body is an object: a bare number, string or array is no request.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw ValidationError.field('body', 'body must be a JSON object', 'invalid_json');
  return body;
}

/** A problem+json response for any error (unknown errors become an opaque 500). */
export function problemResponse(
  error: unknown,
  instance?: string,
  statusOverride?: number,
  extraHeaders: Record<string, string> = {},
): ConnectorHttpResponse {
  const problem = toProblem(error, instance);
  const status = statusOverride ?? problem.status;
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE, ...extraHeaders };
  if (error instanceof RateLimitedError) headers['retry-after'] = String(error.retryAfter);
  else if (error instanceof PlatformUnavailableError && error.retryAfter !== undefined) {
    headers['retry-after'] = String(error.retryAfter);
  }
  return { status, headers, body: JSON.stringify(statusOverride ? { ...problem, status } : problem) };
}
