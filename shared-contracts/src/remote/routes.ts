// The HTTP route contract for a connector in another process. Both sides use this table, so a
// route can't drift between client and server.
import type {
  AuthorizationCallback,
  AuthorizationRequest,
  AuthStatus,
  BatchUpdateResult,
  CompetitiveOffersRequest,
  CompetitiveOffersResult,
  FeeEstimatesRequest,
  FeeEstimatesResult,
  ConnectorCapabilities,
  OfferChangesRequest,
  OfferChangesResult,
  NormalizedPrice,
  NormalizedProduct,
  PlatformCredentials,
  PlatformHealth,
  PriceUpdate,
  PriceUpdateResult,
  ProductFilter,
  ProductPage,
  SyncOptions,
  SyncResult,
  TenantErasure,
  UpdateResultsAnswer,
} from '../types';

/** Default mount point; a service may mount elsewhere (both sides take `basePath`). */
export const CONNECTOR_BASE_PATH = '/connector';

export type HttpMethod = 'GET' | 'POST';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** Relative to the base path. */
  readonly path: string;
}

/** What a connector says about itself: `GET /connector/info`. */
export interface ConnectorInfo {
  readonly platform: string;
  readonly name: string;
  readonly version: string;
  readonly capabilities: ConnectorCapabilities;
}

/**
 * Every route. Query parameters (GET) and JSON bodies (POST) are listed in `ConnectorRouteIO`.
 * Successful answers are `200 application/json`, or `204` where the response is `void`.
 * Errors are `application/problem+json` (RFC 9457) with a `Retry-After` header on 429/503.
 */
export const CONNECTOR_ROUTES = {
  info: { method: 'GET', path: '/info' },
  isAuthenticated: { method: 'GET', path: '/auth/authenticated' },
  authenticate: { method: 'POST', path: '/auth/authenticate' },
  disconnect: { method: 'POST', path: '/auth/disconnect' },
  authStatus: { method: 'GET', path: '/auth/status' },
  authRefresh: { method: 'POST', path: '/auth/refresh' },
  authorizationUrl: { method: 'POST', path: '/auth/authorization-url' },
  completeAuthorization: { method: 'POST', path: '/auth/complete' },
  health: { method: 'GET', path: '/health' },
  eraseTenant: { method: 'POST', path: '/tenant/erase' },
  listProducts: { method: 'POST', path: '/products/list' },
  getProduct: { method: 'GET', path: '/products/item' },
  syncProducts: { method: 'POST', path: '/products/sync' },
  getPrice: { method: 'GET', path: '/pricing/price' },
  updatePrice: { method: 'POST', path: '/pricing/update' },
  batchUpdatePrices: { method: 'POST', path: '/pricing/batch-update' },
  getUpdateResult: { method: 'GET', path: '/pricing/update-result' },
  getUpdateResults: { method: 'POST', path: '/pricing/update-results' },
  getCompetitiveOffers: { method: 'POST', path: '/pricing/competitive-offers' },
  getFeeEstimates: { method: 'POST', path: '/pricing/fee-estimates' },
  getOfferChanges: { method: 'POST', path: '/pricing/offer-changes' },
} as const satisfies Record<string, RouteSpec>;

export type ConnectorRouteName = keyof typeof CONNECTOR_ROUTES;

/** Request (query or body) and response of each route. */
export interface ConnectorRouteIO {
  info: { request: void; response: ConnectorInfo };
  isAuthenticated: { request: void; response: { authenticated: boolean } };
  authenticate: { request: PlatformCredentials; response: void };
  disconnect: { request: void; response: void };
  authStatus: { request: void; response: AuthStatus };
  authRefresh: { request: void; response: AuthStatus };
  authorizationUrl: { request: AuthorizationRequest; response: { url: string } };
  completeAuthorization: { request: AuthorizationCallback; response: PlatformCredentials };
  health: { request: void; response: PlatformHealth };
  /** The tenant is the signed request's: one tenant can't name another. */
  eraseTenant: { request: void; response: TenantErasure };
  listProducts: { request: ProductFilter; response: ProductPage };
  /** Query: `?externalId=` */
  getProduct: { request: { externalId: string }; response: NormalizedProduct };
  syncProducts: { request: SyncOptions; response: SyncResult };
  /** Query: `?externalId=&marketplaceId=` */
  getPrice: { request: { externalId: string; marketplaceId?: string }; response: NormalizedPrice };
  updatePrice: { request: PriceUpdate; response: PriceUpdateResult };
  batchUpdatePrices: { request: { updates: readonly PriceUpdate[] }; response: BatchUpdateResult };
  /** Query: `?idempotencyKey=` */
  getUpdateResult: { request: { idempotencyKey: string }; response: PriceUpdateResult };
  getUpdateResults: { request: { idempotencyKeys: readonly string[] }; response: UpdateResultsAnswer };
  getCompetitiveOffers: { request: CompetitiveOffersRequest; response: CompetitiveOffersResult };
  getFeeEstimates: { request: FeeEstimatesRequest; response: FeeEstimatesResult };
  /** May wait up to `waitSeconds` (long poll) before answering. */
  getOfferChanges: { request: OfferChangesRequest; response: OfferChangesResult };
}

/** Full path of a route under a base path: routePath('batchUpdatePrices') = '/connector/pricing/batch-update'. */
export function routePath(name: ConnectorRouteName, basePath: string = CONNECTOR_BASE_PATH): string {
  return `${trimSlash(basePath)}${CONNECTOR_ROUTES[name].path}`;
}

/** The route a method + path (without query) names, if any; `methodMismatch` when only the method is wrong. */
export function matchRoute(
  method: string,
  pathname: string,
  basePath: string = CONNECTOR_BASE_PATH,
): { name: ConnectorRouteName } | { methodMismatch: true; allow: HttpMethod } | undefined {
  const base = trimSlash(basePath);
  if (!pathname.startsWith(`${base}/`)) return undefined;
  const rest = pathname.slice(base.length);
  for (const [name, spec] of Object.entries(CONNECTOR_ROUTES) as [ConnectorRouteName, RouteSpec][]) {
    if (spec.path !== rest) continue;
    return spec.method === method.toUpperCase() ? { name } : { methodMismatch: true, allow: spec.method };
  }
  return undefined;
}

function trimSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}
