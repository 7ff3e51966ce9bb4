// The Amazon control API under /_sandbox/amazon/…: what tests and demos do "from Amazon's side" —
// register apps, self-authorize, revoke tokens, fail LWA, move competitors and the Buy Box, edit a price
// as the merchant in Seller Central, force throttling, and hold / fail feeds.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { readBody, requestUrl, sendJson } from './http';
import { marketplace } from './marketplaces';
import { buyBoxWinner, isFeaturedMerchant, marketOffers } from './market';
import { formatAmount, parseAmount } from './money';
import { createRefreshToken, expireAccessTokens, revokeRefreshToken } from './lwa/tokens';
import type { FeedProcessor } from './feeds/processor';
import { forgetIssueAfterAccept, markIssueAfterAccept } from './listings/go-live';
import type { CompetitorOffer, FeedFault, Listing, Seller, SpApp } from './state';
import { offerKey } from './state';
import type { AmazonWorld } from './world';
import type { FeeFault } from './spapi/product-fees';
import { recordIssuedSecret } from '../core/secret-audit';
import { asinForSku } from '../seed/catalog';
import { MarketInputError, marketRoute } from './market-sim/control';
import { NotificationsControlError, notificationsRoute } from './notifications/control';
import type { NotificationPublisher } from './notifications/publisher';
import type { SqsService } from './sqs/queues';

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const bad = (message: string) => new ControlError(400, message);
const missing = (message: string) => new ControlError(404, message);

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, 1024 * 1024)).toString('utf8');
  if (!raw.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw bad('the body must be a JSON object');
}

function str(body: Record<string, unknown>, key: string, required = true): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw bad(`${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw bad(`${key} must be a string`);
  return v;
}

function amountFor(body: Record<string, unknown>, key: string, marketplaceId: string, required = true, allowZero = false) {
  const mp = marketplace(marketplaceId);
  if (!mp) throw bad(`unknown marketplaceId ${marketplaceId}`);
  const raw = body[key];
  if (raw === undefined && !required) return undefined;
  if (typeof raw !== 'string') throw bad(`${key} must be a decimal string, e.g. "19.99"`);
  const p = parseAmount(raw, mp.defaultCurrencyCode);
  if (!p || (p.minor === '0' && !allowZero)) throw bad(`${key} ${raw} is not a valid ${mp.defaultCurrencyCode} amount`);
  return p;
}

/** DEFAULT (merchant-fulfilled) or AMAZON_<region> (FBA; AMAZON alone means the seller's region). */
function fulfillmentChannel(code: string | undefined, seller: Seller): string {
  if (code === undefined || code === 'DEFAULT') return 'DEFAULT';
  const fba = `AMAZON_${seller.region.toUpperCase()}`;
  if (code === 'AMAZON' || code === fba) return fba;
  throw bad(`fulfillmentChannelCode must be DEFAULT, AMAZON or ${fba}`);
}

function sellerOf(world: AmazonWorld, id: string | undefined): Seller {
  const seller = world.state.sellers[id ?? ''];
  if (!seller) throw missing(`unknown seller ${id}`);
  return seller;
}

function listingView(l: Listing) {
  return {
    sku: l.sku,
    asin: l.asin,
    productType: l.productType,
    itemName: l.itemName,
    quantity: l.quantity,
    fulfillmentChannelCode: l.fulfillmentChannelCode,
    lastUpdatedDate: l.lastUpdatedDate,
    offers: Object.values(l.offers).map((o) => ({
      marketplaceId: o.marketplaceId,
      currency: o.price.currency,
      price: formatAmount(o.price),
      ...(o.minPrice ? { minPrice: formatAmount(o.minPrice) } : {}),
      ...(o.maxPrice ? { maxPrice: formatAmount(o.maxPrice) } : {}),
      status: o.status,
    })),
  };
}

function offersView(world: AmazonWorld, asin: string, marketplaceId: string) {
  const offers = marketOffers(world, asin, marketplaceId);
  const winner = buyBoxWinner(world, asin, marketplaceId, offers);
  return {
    asin,
    marketplaceId,
    buyBox: winner ? { sellerId: winner.sellerId, landedPrice: formatAmount(winner.landed), currency: winner.landed.currency } : null,
    forced: world.state.buyBoxOverrides[offerKey(asin, marketplaceId)] ?? null,
    offers: offers.map((o) => ({
      sellerId: o.sellerId,
      sellerName: o.sellerName,
      sku: o.sku,
      condition: o.condition,
      fulfillment: o.fulfillment,
      price: formatAmount(o.price),
      shipping: formatAmount(o.shipping),
      landedPrice: formatAmount(o.landed),
      currency: o.price.currency,
      feedbackPercent: o.feedbackPercent,
      feedbackCount: o.feedbackCount,
      buyBoxEligible: isFeaturedMerchant(o),
    })),
  };
}

function appView(app: SpApp) {
  return { ...app, draft: !app.published };
}

export interface ControlDeps {
  world: AmazonWorld;
  processor: FeedProcessor;
  sqs: SqsService;
  notifications: NotificationPublisher;
  baseUrl: string;
  reseed(): void;
}

export async function handleAmazonControl(rest: string, req: IncomingMessage, res: ServerResponse, deps: ControlDeps): Promise<boolean> {
  try {
    const result = await route(rest.replace(/^\/+|\/+$/g, ''), req, deps);
    if (result === undefined) return false;
    sendJson(res, result.status ?? 200, result.body);
    return true;
  } catch (e) {
    if (e instanceof NotificationsControlError) {
      sendJson(res, 400, { error: e.message });
      return true;
    }
    if (e instanceof MarketInputError) {
      sendJson(res, e.status, { error: e.message });
      return true;
    }
    if (!(e instanceof ControlError)) throw e;
    sendJson(res, e.status, { error: e.message });
    return true;
  }
}

async function route(path: string, req: IncomingMessage, deps: ControlDeps): Promise<{ status?: number; body: unknown } | undefined> {
  const { world, processor } = deps;
  const method = req.method ?? 'GET';
  const url = requestUrl(req);
  const seg = path.split('/');

  // The market: competitor bots, its clock and the sales ledger (market-sim/).
  if (seg[0] === 'market') return marketRoute(world, path, method, method === 'POST' ? await json(req) : {}, url.searchParams);
  if (seg[0] === 'notifications' || seg[0] === 'sqs') {
    return notificationsRoute(path, method, method === 'POST' ? await json(req) : {}, { world, sqs: deps.sqs, notifications: deps.notifications, baseUrl: deps.baseUrl });
  }

  if (method === 'GET' && (path === '' || path === 'state')) {
    return {
      body: {
        apps: Object.values(world.state.apps).map(appView),
        sellers: Object.values(world.state.sellers).map((s) => ({ sellerId: s.sellerId, storeName: s.storeName, region: s.region, marketplaceIds: s.marketplaceIds, listings: Object.keys(s.listings).length })),
        feeds: Object.keys(world.state.feeds).length,
        timeScale: world.timeScale,
      },
    };
  }

  // Apps
  if (path === 'apps' && method === 'GET') return { body: { apps: Object.values(world.state.apps).map(appView) } };
  if (path === 'apps' && method === 'POST') {
    const body = await json(req);
    const id = str(body, 'applicationId', false);
    const existing = id ? world.state.apps[id] : undefined;
    const uuid = randomUUID();
    const app: SpApp = existing ?? {
      applicationId: id ?? `amzn1.sp.solution.${uuid}`,
      name: 'Sandbox app',
      clientId: `amzn1.application-oa2-client.${randomBytes(16).toString('hex')}`,
      clientSecret: `amzn1.oa2-cs.v1.${randomBytes(32).toString('hex')}`,
      redirectUris: [],
      published: false,
    };
    if (body.name !== undefined) app.name = str(body, 'name')!;
    if (body.clientId !== undefined) app.clientId = str(body, 'clientId')!;
    if (body.clientSecret !== undefined) app.clientSecret = str(body, 'clientSecret')!;
    if (!existing || body.clientSecret !== undefined) app.clientSecretIssuedAt = new Date(world.now()).toISOString();
    if (body.published !== undefined) app.published = body.published === true;
    if (body.redirectUris !== undefined) {
      if (!Array.isArray(body.redirectUris) || body.redirectUris.some((u) => typeof u !== 'string' || !URL.canParse(u))) {
        throw bad('redirectUris must be an array of absolute URLs');
      }
      app.redirectUris = body.redirectUris as string[];
    }
    if (Array.isArray(body.addRedirectUris)) {
      for (const u of body.addRedirectUris) {
        if (typeof u !== 'string' || !URL.canParse(u)) throw bad('addRedirectUris must be absolute URLs');
        if (!app.redirectUris.includes(u)) app.redirectUris.push(u);
      }
    }
    recordIssuedSecret('LWA client secret', app.clientSecret);
    world.state.apps[app.applicationId] = app;
    world.changed();
    return { status: existing ? 200 : 201, body: appView(app) };
  }

  if (path === 'apps/rotate-secret' && method === 'POST') {
    // Seller Central's "Rotate secret" (or rotateApplicationClientSecret): a new secret at once; the old one
    // is still accepted until its expiry (Amazon names it with the new secret), then LWA refuses it.
    const body = await json(req);
    const id = str(body, 'applicationId', false);
    const app = id ? world.state.apps[id] : Object.values(world.state.apps)[0];
    if (!app) throw missing(`unknown application ${id ?? ''}`);
    const graceSeconds = body.graceSeconds === undefined ? 7 * 86_400 : Number(body.graceSeconds);
    if (!(Number.isFinite(graceSeconds) && graceSeconds >= 0)) throw bad('graceSeconds must be a number of seconds >= 0');
    const validUntil = new Date(world.now() + world.ms(graceSeconds)).toISOString();
    app.previousSecrets = [...(app.previousSecrets ?? []).filter((p) => Date.parse(p.validUntil) > world.now()), { secret: app.clientSecret, issuedAt: app.clientSecretIssuedAt, validUntil }];
    app.clientSecret = str(body, 'clientSecret', false) ?? `amzn1.oa2-cs.v1.${randomBytes(32).toString('hex')}`;
    app.clientSecretIssuedAt = new Date(world.now()).toISOString();
    recordIssuedSecret('LWA client secret', app.clientSecret);
    world.changed();
    world.log({ platform: 'amazon', kind: 'event', detail: { clientSecretRotated: app.applicationId, previousValidUntil: validUntil } });
    return { status: 201, body: { applicationId: app.applicationId, clientId: app.clientId, clientSecret: app.clientSecret, previousSecretValidUntil: validUntil } };
  }

  // Amazon's clock and the application's rate limits
  if (path === 'clock' && method === 'GET') {
    return { body: { now: new Date(world.now()).toISOString(), offsetMs: world.clockOffset, timeScale: world.timeScale } };
  }
  if (path === 'clock' && method === 'POST') {
    // Moves Amazon's clock forward by sandbox seconds or days: authorizations and client secrets age at once.
    const body = await json(req);
    const seconds = body.days !== undefined ? Number(body.days) * 86_400 : Number(body.seconds);
    if (!(Number.isFinite(seconds) && seconds > 0)) throw bad('give seconds or days > 0 to move the clock forward');
    world.advanceClock(seconds);
    world.log({ platform: 'amazon', kind: 'event', detail: { clockAdvancedSeconds: seconds } });
    return { body: { now: new Date(world.now()).toISOString(), offsetMs: world.clockOffset, timeScale: world.timeScale } };
  }
  if (path === 'rate-limits' && method === 'GET') {
    return { body: { application: world.applicationLimits, timeScale: world.timeScale } };
  }
  if (path === 'rate-limits' && method === 'POST') {
    // The application-level limit of an operation (requests per second across all sellers, burst); null removes it.
    const body = await json(req);
    const operation = str(body, 'operation')!;
    if (!world.operations.byId(operation)) throw bad(`unknown operation ${operation}`);
    if (body.application === null) delete world.applicationLimits[operation];
    else {
      const limit = body.application as { rate?: unknown; burst?: unknown } | undefined;
      const rate = Number(limit?.rate);
      const burst = limit?.burst === undefined ? Math.max(1, Math.floor(rate)) : Number(limit.burst);
      if (!(Number.isFinite(rate) && rate > 0) || !(Number.isInteger(burst) && burst > 0)) throw bad('application must be {rate > 0, burst? integer > 0} or null');
      world.applicationLimits[operation] = { rate, burst };
    }
    return { body: { operation, application: world.applicationLimits[operation] ?? null } };
  }
  if (path === 'rate-limits' && method === 'DELETE') {
    world.resetApplicationLimits();
    return { body: { application: world.applicationLimits } };
  }

  // Sellers and listings
  if (path === 'sellers' && method === 'POST') {
    // Another selling partner (e.g. many sellers on one app): its marketplaces, optionally a copy of another
    // seller's listings, and an authorization of the app (a refresh token), as self-authorization gives.
    const body = await json(req);
    const sellerId = str(body, 'sellerId')!;
    if (!/^[A-Z0-9]{6,20}$/.test(sellerId)) throw bad('sellerId must be 6 to 20 capital letters or digits');
    if (world.state.sellers[sellerId]) throw new ControlError(409, `seller ${sellerId} exists`);
    const from = body.copyListingsFrom === undefined ? undefined : sellerOf(world, str(body, 'copyListingsFrom'));
    const region = (str(body, 'region', false) ?? from?.region ?? 'na') as Seller['region'];
    const marketplaceIds = Array.isArray(body.marketplaceIds) ? (body.marketplaceIds as string[]) : (from?.marketplaceIds ?? []);
    for (const id of marketplaceIds) if (marketplace(id)?.region !== region) throw bad(`${id} is not a marketplace of region ${region}`);
    if (marketplaceIds.length === 0) throw bad('marketplaceIds (or copyListingsFrom) is required');
    const seller: Seller = {
      sellerId,
      storeName: str(body, 'storeName', false) ?? sellerId,
      region,
      marketplaceIds,
      businessName: str(body, 'storeName', false) ?? sellerId,
      countryCode: from?.countryCode ?? marketplace(marketplaceIds[0]!)!.countryCode,
      listings: from ? structuredClone(from.listings) : {},
    };
    world.state.sellers[sellerId] = seller;
    const appId = str(body, 'applicationId', false);
    const app = appId ? world.state.apps[appId] : Object.values(world.state.apps)[0];
    const token = app ? createRefreshToken(world, sellerId, app.clientId) : undefined;
    world.changed();
    return { status: 201, body: { sellerId, region, marketplaceIds, listings: Object.keys(seller.listings).length, ...(token ? { clientId: app!.clientId, refreshToken: token.token } : {}) } };
  }
  if (path === 'sellers' && method === 'GET') return { body: { sellers: Object.values(world.state.sellers).map((s) => ({ ...s, listings: Object.keys(s.listings).length })) } };
  if (seg[0] === 'sellers' && seg.length === 2 && method === 'GET') {
    const seller = sellerOf(world, decodeURIComponent(seg[1]!));
    return { body: { ...seller, listings: Object.values(seller.listings).map(listingView) } };
  }
  if (path === 'authorize' && method === 'POST') {
    // Self-authorization (Seller Central → Develop apps → Authorize): a refresh token without the consent page.
    const body = await json(req);
    const seller = sellerOf(world, str(body, 'sellerId'));
    const appId = str(body, 'applicationId', false);
    const app = appId ? world.state.apps[appId] : Object.values(world.state.apps)[0];
    if (!app) throw missing(`unknown application ${appId ?? ''}`);
    const token = createRefreshToken(world, seller.sellerId, app.clientId);
    return { status: 201, body: { sellerId: seller.sellerId, clientId: app.clientId, refreshToken: token.token } };
  }
  if (path === 'listings/price' && method === 'POST') {
    // The merchant edits a price in Seller Central.
    const body = await json(req);
    const seller = sellerOf(world, str(body, 'sellerId'));
    const sku = str(body, 'sku')!;
    const marketplaceId = str(body, 'marketplaceId')!;
    const offer = seller.listings[sku]?.offers[marketplaceId];
    if (!offer) throw missing(`seller ${seller.sellerId} has no offer for ${sku} in ${marketplaceId}`);
    const from = formatAmount(offer.price);
    offer.price = amountFor(body, 'price', marketplaceId)!;
    seller.listings[sku]!.lastUpdatedDate = new Date(world.now()).toISOString();
    world.changed();
    world.log({ platform: 'amazon', kind: 'event', detail: { merchantPriceEdit: { sellerId: seller.sellerId, sku, marketplaceId, from, to: formatAmount(offer.price) } } });
    return { body: listingView(seller.listings[sku]!) };
  }

  if (path === 'listings' && method === 'POST') {
    // The merchant lists SKUs in bulk (a flat-file upload in Seller Central), with the createdDate asked for.
    const body = await json(req);
    const seller = sellerOf(world, str(body, 'sellerId'));
    if (!Array.isArray(body.listings) || body.listings.length === 0) throw bad('listings must be a non-empty array');
    const added = (body.listings as unknown[]).map((raw) => {
      if (!raw || typeof raw !== 'object') throw bad('each listing must be an object');
      const input = raw as Record<string, unknown>;
      const sku = str(input, 'sku')!;
      const marketplaceId = str(input, 'marketplaceId', false) ?? seller.marketplaceIds[0]!;
      if (!seller.marketplaceIds.includes(marketplaceId)) throw bad(`seller ${seller.sellerId} does not sell in ${marketplaceId}`);
      const date = (key: string) => {
        const value = str(input, key, false);
        if (value !== undefined && Number.isNaN(Date.parse(value))) throw bad(`${key} must be an ISO 8601 date-time`);
        return value === undefined ? undefined : new Date(value).toISOString();
      };
      const createdDate = date('createdDate') ?? new Date(world.now()).toISOString();
      const listing: Listing = {
        sku,
        asin: str(input, 'asin', false) ?? asinForSku(sku),
        productType: str(input, 'productType', false) ?? 'PRODUCT',
        conditionType: 'new_new',
        itemName: str(input, 'itemName', false) ?? sku,
        createdDate,
        lastUpdatedDate: date('lastUpdatedDate') ?? createdDate,
        fulfillmentChannelCode: fulfillmentChannel(str(input, 'fulfillmentChannelCode', false), seller),
        quantity: 10,
        offers: { [marketplaceId]: { marketplaceId, price: amountFor(input, 'price', marketplaceId)!, status: ['BUYABLE', 'DISCOVERABLE'] } },
        attributes: {},
        issues: [],
      };
      return listing;
    });
    for (const listing of added) seller.listings[listing.sku] = listing;
    world.changed();
    return { status: 201, body: { sellerId: seller.sellerId, added: added.length, listings: Object.keys(seller.listings).length } };
  }

  // LWA
  if (path === 'lwa/revoke' && method === 'POST') {
    const body = await json(req);
    const token = str(body, 'refreshToken', false);
    const revoked = token
      ? [token].filter((t) => revokeRefreshToken(world, t))
      : Object.values(world.state.refreshTokens)
          .filter((t) => t.sellerId === str(body, 'sellerId') && (!body.clientId || t.clientId === body.clientId))
          .map((t) => (revokeRefreshToken(world, t.token), t.token));
    if (revoked.length === 0) throw missing('no such refresh token');
    return { body: { revoked: revoked.length } };
  }
  if (path === 'lwa/expire' && method === 'POST') {
    const body = await json(req);
    return { body: { expired: expireAccessTokens(world, str(body, 'sellerId', false)) } };
  }
  if (path === 'lwa/outage') {
    if (method === 'DELETE') {
      world.faults.lwaOutage = undefined;
      return { body: { ok: true } };
    }
    if (method === 'POST') {
      const body = await json(req);
      const error = (str(body, 'error', false) ?? 'server_error') as 'server_error' | 'temporarily_unavailable';
      if (!['server_error', 'temporarily_unavailable'].includes(error)) throw bad('error must be server_error or temporarily_unavailable');
      const count = body.count === undefined ? undefined : Number(body.count);
      if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw bad('count must be a positive integer');
      world.faults.lwaOutage = { error, remaining: count };
      return { status: 201, body: world.faults.lwaOutage };
    }
  }

  // Competitors and the Buy Box
  if (path === 'offers' && method === 'GET') {
    const asin = url.searchParams.get('asin');
    const marketplaceId = url.searchParams.get('marketplaceId');
    if (!asin || !marketplaceId) throw bad('asin and marketplaceId are required');
    return { body: offersView(world, asin, marketplaceId) };
  }
  if (seg[0] === 'competitors' && method === 'POST') {
    const body = await json(req);
    const asin = str(body, 'asin')!;
    const marketplaceId = str(body, 'marketplaceId')!;
    if (!world.state.catalog[asin]?.marketplaceIds.includes(marketplaceId)) throw missing(`ASIN ${asin} is not in marketplace ${marketplaceId}`);
    const key = offerKey(asin, marketplaceId);
    const list = (world.state.competitors[key] ??= []);
    const action = seg[1] ?? 'add';
    if (action === 'remove') {
      const sellerId = str(body, 'sellerId')!;
      const before = list.length;
      world.state.competitors[key] = list.filter((c) => c.sellerId !== sellerId);
      if (world.state.competitors[key]!.length === before) throw missing(`no competitor ${sellerId} on ${asin}`);
    } else if (action === 'price') {
      const c = list.find((x) => x.sellerId === str(body, 'sellerId'));
      if (!c) throw missing(`no competitor ${String(body.sellerId)} on ${asin}`);
      c.price = amountFor(body, 'price', marketplaceId)!;
      if (body.shipping !== undefined) c.shipping = amountFor(body, 'shipping', marketplaceId, true, true)!;
    } else if (action === 'add') {
      const mp = marketplace(marketplaceId)!;
      const sellerId = str(body, 'sellerId', false) ?? `A${randomBytes(7).toString('hex').toUpperCase().slice(0, 13)}`;
      const fulfillment = (str(body, 'fulfillment', false) ?? 'MFN') as 'AFN' | 'MFN';
      if (!['AFN', 'MFN'].includes(fulfillment)) throw bad('fulfillment must be AFN or MFN');
      const condition = (str(body, 'condition', false) ?? 'New') as 'New' | 'Used';
      if (!['New', 'Used'].includes(condition)) throw bad('condition must be New or Used');
      const offer: CompetitorOffer = {
        sellerId,
        sellerName: str(body, 'sellerName', false) ?? 'Sandbox competitor',
        asin,
        marketplaceId,
        condition,
        subCondition: condition === 'New' ? 'new' : 'good',
        fulfillment,
        price: amountFor(body, 'price', marketplaceId)!,
        shipping: amountFor(body, 'shipping', marketplaceId, false, true) ?? parseAmount('0', mp.defaultCurrencyCode)!,
        feedbackPercent: typeof body.feedbackPercent === 'number' ? body.feedbackPercent : 97,
        feedbackCount: typeof body.feedbackCount === 'number' ? body.feedbackCount : 1000,
        shipsFromCountry: mp.countryCode,
        prime: fulfillment === 'AFN',
      };
      world.state.competitors[key] = [...list.filter((c) => c.sellerId !== sellerId), offer];
    } else {
      return undefined;
    }
    world.changed();
    world.log({ platform: 'amazon', kind: 'event', detail: { competitors: action, asin, marketplaceId } });
    return { body: offersView(world, asin, marketplaceId) };
  }
  if (path === 'catalog/reference-price' && method === 'POST') {
    // The ASIN's reference price moves (its list price, which the model judges Buy Box eligibility against
    // and sends as PRICING_HEALTH's competitivePriceThreshold); `price: null` removes it.
    const body = await json(req);
    const asin = str(body, 'asin')!;
    const marketplaceId = str(body, 'marketplaceId')!;
    const item = world.state.catalog[asin];
    if (!item?.marketplaceIds.includes(marketplaceId)) throw missing(`ASIN ${asin} is not in marketplace ${marketplaceId}`);
    if (body.price === null) delete item.listPrices[marketplaceId];
    else item.listPrices[marketplaceId] = amountFor(body, 'price', marketplaceId)!;
    world.changed();
    world.log({ platform: 'amazon', kind: 'event', detail: { referencePrice: { asin, marketplaceId, to: item.listPrices[marketplaceId] ? formatAmount(item.listPrices[marketplaceId]) : null } } });
    return { body: offersView(world, asin, marketplaceId) };
  }
  if (path === 'buybox' && method === 'POST') {
    const body = await json(req);
    const asin = str(body, 'asin')!;
    const marketplaceId = str(body, 'marketplaceId')!;
    const winner = str(body, 'winner')!;
    const key = offerKey(asin, marketplaceId);
    if (winner === 'auto') delete world.state.buyBoxOverrides[key];
    else {
      if (winner !== 'none' && !marketOffers(world, asin, marketplaceId).some((o) => o.sellerId === winner && o.condition === 'New')) {
        throw bad(`${winner} has no new offer on ${asin} in ${marketplaceId}`);
      }
      world.state.buyBoxOverrides[key] = winner;
    }
    world.changed();
    return { body: offersView(world, asin, marketplaceId) };
  }

  // Throttling and feeds
  if (path === 'throttle') {
    if (method === 'DELETE') {
      world.faults.throttles = {};
      return { body: { ok: true } };
    }
    if (method === 'POST') {
      const body = await json(req);
      const operation = str(body, 'operation', false) ?? '*';
      const count = Number(body.count ?? 1);
      if (!(Number.isInteger(count) && count > 0)) throw bad('count must be a positive integer');
      if (operation !== '*' && !world.operations.byId(operation)) throw bad(`unknown operation ${operation}`);
      world.faults.throttles[operation] = count;
      return { status: 201, body: { operation, count } };
    }
  }
  if (path === 'fees/fault' && method === 'POST') {
    // One SKU's (or ASIN's) fee estimates fail until turned off: the item (ClientError, ServiceError) or the whole call (InternalFailure: 500).
    const body = await json(req);
    const id = str(body, 'id')!;
    const fault = body.fault === null || body.fault === 'off' ? undefined : str(body, 'fault');
    if (fault && !['ClientError', 'ServiceError', 'InternalFailure'].includes(fault)) throw bad('fault must be ClientError, ServiceError, InternalFailure or off');
    const faults = (world.faults.feeFaults ??= {});
    if (fault) faults[id] = fault as FeeFault;
    else delete faults[id];
    return { status: 201, body: { id, fault: fault ?? 'off' } };
  }
  if (path === 'feeds' && method === 'GET') {
    return { body: { feeds: Object.values(world.state.feeds).map((f) => processor.advance(f)) } };
  }
  if (path === 'feeds/timing' && method === 'POST') {
    // Feeds created from now on wait and process for these (sandbox) seconds.
    const body = await json(req);
    for (const [key, option] of [['queueSeconds', 'feedQueueSeconds'], ['processingSeconds', 'feedProcessingSeconds']] as const) {
      if (body[key] === undefined) continue;
      const v = Number(body[key]);
      if (!(Number.isFinite(v) && v >= 0)) throw bad(`${key} must be a number of seconds >= 0`);
      world.options[option] = v;
    }
    return { body: { queueSeconds: world.options.feedQueueSeconds, processingSeconds: world.options.feedProcessingSeconds } };
  }
  if (path === 'feeds/fault' && method === 'POST') {
    const body = await json(req);
    const fault = body.fault === null || body.fault === 'off' ? undefined : (str(body, 'fault') as FeedFault);
    if (fault && !['stall', 'fatal', 'no-report'].includes(fault)) throw bad('fault must be stall, fatal, no-report or off');
    const feedId = str(body, 'feedId', false);
    if (feedId) {
      const feed = world.state.feeds[feedId];
      if (!feed) throw missing(`unknown feed ${feedId}`);
      processor.setFault(feed, fault);
      return { body: feed };
    }
    const count = Number(body.count ?? 1);
    if (!(Number.isInteger(count) && count > 0)) throw bad('count must be a positive integer');
    world.faults.nextFeedFault = fault ? { fault, remaining: count } : undefined;
    return { status: 201, body: world.faults.nextFeedFault ?? { fault: 'off' } };
  }
  if ((path === 'listings/live-delay' || path === 'listings/patch-delay') && method === 'POST') {
    // Accepted changes (patchListingsItem, JSON_LISTINGS_FEED messages) show this many (sandbox) seconds
    // later, or never, or when released (held: a test decides when without racing a clock); 0 or off: at once.
    const body = await json(req);
    const seconds = body.seconds;
    if (seconds === 'never' || seconds === 'held') world.faults.acceptedDelay = seconds;
    else if (seconds === 0 || seconds === 'off' || seconds === null) {
      world.faults.acceptedDelay = undefined;
      world.faults.heldChanges = []; // a test that never released its changes leaves none for the next
    }
    else if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) world.faults.acceptedDelay = seconds;
    else throw bad('seconds must be a number of seconds >= 0, "never", "held" or "off"');
    return { body: { seconds: world.faults.acceptedDelay ?? 0 } };
  }
  if ((path === 'listings/live-release' || path === 'listings/patch-release') && method === 'POST') {
    // The changes held so far show now, in the order they were accepted (each planned against the listing as it is now).
    const held = world.faults.heldChanges ?? [];
    world.faults.heldChanges = [];
    for (const apply of held) apply();
    return { body: { released: held.length } };
  }
  if (path === 'listings/issue-after-accept' && method === 'POST') {
    // The SKU's next accepted price change raises an issue on the listing (a pricing health check
    // downstream of acceptance) instead of going live; `off: true` forgets the mark.
    const body = await json(req);
    const sellerId = str(body, 'sellerId');
    const sku = str(body, 'sku');
    if (!world.state.sellers[sellerId!]) throw missing(`unknown seller ${sellerId}`);
    if (body.off === true) {
      forgetIssueAfterAccept(world, sellerId!, sku!);
      return { body: { sellerId, sku, off: true } };
    }
    const code = str(body, 'code', false);
    const message = str(body, 'message', false);
    markIssueAfterAccept(world, sellerId!, sku!, { ...(code ? { code } : {}), ...(message ? { message } : {}) });
    return { status: 201, body: { sellerId, sku, ...(code ? { code } : {}) } };
  }
  if (path === 'reseed' && method === 'POST') {
    deps.reseed();
    return { body: { ok: true } };
  }
  return undefined;
}

