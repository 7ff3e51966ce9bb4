// /_sandbox/shopify/… : the Shopify half of the control API (apps, shops, merchant price edits, installs,
// uninstalls, scope changes, compliance webhooks, session tokens, token expiry, throttling, deliveries).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readJson, requestUrl, sendJson } from '../core/http';
import { forgetProductIndex } from './admin-api/resolvers/products';
import type { CurrencyCode, CatalogProduct } from '../seed/catalog';
import { applyVariantChanges, type VariantChange } from './catalog-changes';
import type { AppConfig, ShopifyAppConfigInput } from './app-config';
import { gid, parseGid } from './ids';
import { isDecimalString } from './money';
import { grantScopes, install, issueToken } from './oauth';
import { isPlanName, PLANS } from './plans';
import type { ShopifyRuntime } from './runtime';
import { MAX_GENERATED_VARIANTS, MAX_VARIANTS_PER_PRODUCT, syntheticCatalog } from './seed';
import { signSessionToken } from './session-token';
import type { ShopRecord } from './state';
import { activeInstallation, addCatalogProducts, allVariants, createShop, findShop, findVariant, nextId } from './state';
import { compliance, scopesUpdated, uninstall } from './webhooks/lifecycle';
import { COMPLIANCE_TOPICS, type ComplianceTopic } from './webhooks/topics';

type Body = Record<string, unknown>;

export function normalizeShopDomain(value: string): string {
  const v = value.trim().toLowerCase();
  const domain = v.endsWith('.myshopify.com') ? v : `${v}.myshopify.com`;
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain)) throw new HttpError(400, `not a shop domain: ${value}`);
  return domain;
}

export function shopSummary(rt: ShopifyRuntime, shop: ShopRecord) {
  return {
    id: gid('Shop', shop.id),
    domain: shop.domain,
    name: shop.name,
    currencyCode: shop.currencyCode,
    enabledPresentmentCurrencies: shop.enabledPresentmentCurrencies,
    ianaTimezone: shop.ianaTimezone,
    plan: shop.plan,
    rateLimit: { maximumAvailable: PLANS[shop.plan].maximumAvailable, restoreRate: PLANS[shop.plan].restoreRate },
    products: shop.products.length,
    variants: allVariants(shop).length,
    staff: shop.staff.map((s) => ({ id: s.id, firstName: s.firstName, lastName: s.lastName, email: s.email, accountOwner: s.accountOwner })),
    installations: rt.state.installations
      .filter((i) => i.shop === shop.domain)
      .map((i) => ({ apiKey: i.apiKey, scopes: i.scopes, installedAt: i.installedAt, uninstalledAt: i.uninstalledAt })),
  };
}

export function appSummary(app: AppConfig) {
  return {
    apiKey: app.apiKey,
    apiSecret: app.apiSecret,
    name: app.name,
    handle: app.handle,
    scopes: app.scopes,
    applicationUrl: app.applicationUrl,
    redirectUrls: app.redirectUrls,
    embedded: app.embedded,
    webhooksApiVersion: app.webhooksApiVersion,
    webhooks: app.webhooks,
    sources: app.sources,
  };
}

/** An IANA zone name as Shopify's settings offer them ("Asia/Tokyo", "UTC"); an offset or unknown name is refused. */
function ianaTimezoneFrom(value: unknown): string {
  const zone = typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value) ? value : null;
  try {
    if (zone) {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone;
    }
  } catch {
    // an unknown zone: refused below
  }
  throw new HttpError(400, `ianaTimezone must be an IANA time zone name like Asia/Tokyo, not ${JSON.stringify(value)}`);
}

function appFor(rt: ShopifyRuntime, body: Body): AppConfig {
  const apiKey = typeof body.apiKey === 'string' ? body.apiKey : rt.apps.primary().apiKey;
  const app = rt.apps.get(apiKey);
  if (!app) throw new HttpError(404, `no app with api key ${apiKey}`);
  return app;
}

function shopOr404(rt: ShopifyRuntime, domain: string): ShopRecord {
  const shop = findShop(rt.state, normalizeShopDomain(domain));
  if (!shop) throw new HttpError(404, `no shop ${domain}`);
  return shop;
}

function productsFromBody(body: Body): CatalogProduct[] {
  if (body.generate && typeof body.generate === 'object') {
    const g = body.generate as { count?: number; variantsPerProduct?: number; prefix?: string };
    const count = Number(g.count ?? 10);
    const per = Number(g.variantsPerProduct ?? 1);
    if (!(Number.isInteger(count) && Number.isInteger(per) && count >= 1 && count <= 20_000 && per >= 1 && per <= MAX_VARIANTS_PER_PRODUCT)) {
      throw new HttpError(400, `generate.count 1..20000, generate.variantsPerProduct 1..${MAX_VARIANTS_PER_PRODUCT}`);
    }
    if (count * per > MAX_GENERATED_VARIANTS) throw new HttpError(400, `generate makes at most ${MAX_GENERATED_VARIANTS} variants in one request`);
    return syntheticCatalog(count, per, g.prefix ?? 'GEN');
  }
  if (!Array.isArray(body.products)) throw new HttpError(400, 'expected products: [...] or generate: {count, variantsPerProduct}');
  return (body.products as Array<Record<string, unknown>>).map((p, i) => {
    const variants = Array.isArray(p.variants) ? (p.variants as Array<Record<string, unknown>>) : [{}];
    if (variants.length > MAX_VARIANTS_PER_PRODUCT) throw new HttpError(400, `products[${i}] has ${variants.length} variants; a product has at most ${MAX_VARIANTS_PER_PRODUCT}`);
    const created = new Date().toISOString();
    return {
      handle: String(p.handle ?? `product-${Date.now()}-${i}`),
      title: String(p.title ?? `Product ${i + 1}`),
      vendor: String(p.vendor ?? 'Sandbox'),
      productType: String(p.productType ?? ''),
      tags: Array.isArray(p.tags) ? p.tags.map(String) : [],
      descriptionHtml: String(p.descriptionHtml ?? ''),
      options: Array.isArray(p.options) ? p.options.map(String) : variants.length > 1 ? ['Title'] : [],
      createdAt: created,
      variants: variants.map((v, j) => {
        const price = String(v.price ?? '10.00');
        if (!isDecimalString(price)) throw new HttpError(400, `products[${i}].variants[${j}].price must be a decimal string`);
        const all = { USD: price, CAD: price, MXN: price, GBP: price, EUR: price } as Record<CurrencyCode, string>;
        const cmp = v.compareAtPrice ? String(v.compareAtPrice) : null;
        return {
          sku: String(v.sku ?? `SKU-${i}-${j}`),
          optionValues: Array.isArray(v.optionValues) ? v.optionValues.map(String) : variants.length > 1 ? [`Option ${j + 1}`] : [],
          price: all,
          compareAtPrice: cmp ? ({ USD: cmp, CAD: cmp, MXN: cmp, GBP: cmp, EUR: cmp } as Record<CurrencyCode, string>) : null,
          barcode: String(v.barcode ?? ''),
          asin: '',
          inventory: Number(v.inventory ?? 10),
          channels: { shopify: true, amazon: false },
        };
      }),
    };
  });
}

/** A merchant edits prices in Admin: by variant GID/id or by SKU. Fires products/update per product. */
function merchantPriceEdit(rt: ShopifyRuntime, shop: ShopRecord, body: Body) {
  const list = Array.isArray(body.changes) ? (body.changes as Body[]) : [body];
  const byProduct = new Map<number, VariantChange[]>();
  const touched: Array<{ id: string; sku: string | null; price: string; compareAtPrice: string | null }> = [];
  for (const [i, c] of list.entries()) {
    let found;
    if (c.variantId !== undefined) {
      const id = parseGid(c.variantId, 'ProductVariant')?.id ?? Number(c.variantId);
      found = findVariant(shop, id);
    } else if (typeof c.sku === 'string') {
      found = shop.products.flatMap((product) => product.variants.map((variant) => ({ product, variant }))).find((x) => x.variant.sku === c.sku);
    }
    if (!found) throw new HttpError(404, `changes[${i}]: no variant ${String(c.variantId ?? c.sku)} in ${shop.domain}`);
    const change: VariantChange = { variant: found.variant };
    if (c.price !== undefined) {
      if (typeof c.price !== 'string' || !isDecimalString(c.price) || c.price.startsWith('-')) throw new HttpError(400, `changes[${i}].price must be a non-negative decimal string`);
      change.price = c.price;
    }
    if (c.compareAtPrice !== undefined) {
      if (c.compareAtPrice !== null && (typeof c.compareAtPrice !== 'string' || !isDecimalString(c.compareAtPrice))) throw new HttpError(400, `changes[${i}].compareAtPrice must be a decimal string or null`);
      change.compareAtPrice = c.compareAtPrice as string | null;
    }
    byProduct.set(found.product.id, [...(byProduct.get(found.product.id) ?? []), change]);
  }
  for (const [productId, changes] of byProduct) {
    const product = shop.products.find((p) => p.id === productId)!;
    applyVariantChanges(rt, shop, product, changes, 'merchant');
    for (const c of changes) touched.push({ id: gid('ProductVariant', c.variant.id), sku: c.variant.sku, price: c.variant.price, compareAtPrice: c.variant.compareAtPrice });
  }
  return { variants: touched };
}

export async function handleShopifyControl(rt: ShopifyRuntime, rest: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const method = req.method ?? 'GET';
  const url = requestUrl(req);
  const body = method === 'GET' ? {} : await readJson<Body>(req);
  const ok = (data: unknown, status = 200) => {
    sendJson(res, status, data);
    return true;
  };

  if (rest === 'apps' && method === 'GET') return ok({ apps: rt.apps.all().map(appSummary) });
  if (rest === 'apps' && method === 'POST') {
    try {
      return ok({ app: appSummary(rt.apps.register(body as ShopifyAppConfigInput)) });
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    } finally {
      rt.markDirty();
    }
  }
  if (rest === 'shops' && method === 'GET') return ok({ shops: rt.state.shops.map((s) => shopSummary(rt, s)) });
  if (rest === 'shops' && method === 'POST') {
    const domain = normalizeShopDomain(String(body.domain ?? body.name ?? ''));
    if (findShop(rt.state, domain)) throw new HttpError(409, `shop ${domain} exists`);
    if (body.plan !== undefined && !isPlanName(body.plan)) throw new HttpError(400, `plan must be one of ${Object.keys(PLANS).join(', ')}`);
    const shop = createShop(rt.state, {
      domain,
      name: typeof body.name === 'string' && !body.name.includes('.') ? body.name : undefined,
      currencyCode: body.currencyCode as CurrencyCode | undefined,
      enabledPresentmentCurrencies: body.enabledPresentmentCurrencies as CurrencyCode[] | undefined,
      plan: body.plan as never,
      ianaTimezone: body.ianaTimezone === undefined ? undefined : ianaTimezoneFrom(body.ianaTimezone),
    });
    if (body.products || body.generate) addCatalogProducts(rt.state, shop, productsFromBody(body));
    if (body.install !== false) install(rt, shop, appFor(rt, body), rt.apps.primary().scopes);
    rt.markDirty();
    return ok({ shop: shopSummary(rt, shop) }, 201);
  }
  if (rest === 'webhooks/deliveries' && method === 'GET') {
    const q = url.searchParams;
    const list = rt.webhooks.deliveries.filter(
      (d) => (!q.get('topic') || d.topic === q.get('topic')) && (!q.get('shop') || d.shop === q.get('shop')),
    );
    return ok({ deliveries: list });
  }
  // Duplicate deliveries of one event (same X-Shopify-Event-Id, new X-Shopify-Webhook-Id), as Shopify sends them.
  if (rest === 'webhooks/duplicates' && method === 'GET') return ok(rt.webhooks.duplicateSettings());
  if (rest === 'webhooks/duplicates' && method === 'POST') {
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    try {
      return ok(rt.webhooks.setDuplicates({ rate: num(body.rate), seed: num(body.seed), forced: num(body.next) }));
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
  }

  const m = /^shops\/([^/]+)(?:\/(.+))?$/.exec(rest);
  if (!m) return false;
  const shop = shopOr404(rt, decodeURIComponent(m[1]!));
  const action = m[2] ?? '';

  switch (`${method} ${action}`) {
    case 'GET ':
      return ok({ shop: shopSummary(rt, shop) });
    case 'GET products':
      return ok({ products: shop.products });
    case 'POST products': {
      // The merchant adds products in Admin: products/create for each, as Shopify sends it.
      const added = addCatalogProducts(rt.state, shop, productsFromBody(body));
      rt.markDirty();
      for (const p of added) rt.webhooks.productCreated(shop, p);
      return ok({ products: added.map((p) => ({ id: gid('Product', p.id), variants: p.variants.map((v) => ({ id: gid('ProductVariant', v.id), sku: v.sku })) })) }, 201);
    }
    case 'POST products/delete': {
      // The merchant deletes a product in Admin: gone from the Admin API, then products/delete ({ id }).
      const raw = String(body.id ?? '');
      const id = Number(raw.replace(/^gid:\/\/shopify\/Product\//, ''));
      const index = shop.products.findIndex((p) => p.id === id);
      if (index < 0) throw new HttpError(404, `no product ${raw} in ${shop.domain}`);
      const [removed] = shop.products.splice(index, 1);
      removed!.variants = []; // the variant index checks membership: none of them resolves any more
      forgetProductIndex(shop);
      rt.markDirty();
      const deliveries = rt.webhooks.productDeleted(shop, id);
      return ok({ deleted: gid('Product', id), webhooks: deliveries.map((d) => ({ webhookId: d.webhookId, url: d.url })) });
    }
    case 'POST prices':
      return ok(merchantPriceEdit(rt, shop, body));
    case 'POST plan': {
      if (!isPlanName(body.plan)) throw new HttpError(400, `plan must be one of ${Object.keys(PLANS).join(', ')}`);
      shop.plan = body.plan;
      rt.markDirty();
      return ok({ shop: shopSummary(rt, shop) });
    }
    case 'POST timezone': {
      // The merchant picks another time zone in Settings → General: the Admin API answers it, shop/update goes out.
      shop.ianaTimezone = ianaTimezoneFrom(body.ianaTimezone);
      shop.updatedAt = new Date().toISOString();
      rt.markDirty();
      const deliveries = rt.webhooks.shopUpdated(shop);
      return ok({ shop: shopSummary(rt, shop), webhooks: deliveries.map((d) => ({ webhookId: d.webhookId, url: d.url })) });
    }
    case 'POST install': {
      const app = appFor(rt, body);
      const scopes = Array.isArray(body.scopes) ? body.scopes.map(String) : app.scopes;
      install(rt, shop, app, scopes);
      const token = body.token === false ? null : issueToken(rt, shop, app, { online: body.online === true, expiring: body.expiring === true });
      return ok({ shop: shop.domain, apiKey: app.apiKey, scopes: activeInstallation(rt.state, shop.domain, app.apiKey)!.scopes, token });
    }
    case 'POST uninstall': {
      const app = appFor(rt, body);
      const deliveries = uninstall(rt, shop, app);
      if (!deliveries) throw new HttpError(409, `${app.apiKey} is not installed on ${shop.domain}`);
      return ok({ uninstalled: true, webhooks: deliveries.map((d) => ({ webhookId: d.webhookId, url: d.url })) });
    }
    case 'POST scopes': {
      const app = appFor(rt, body);
      const inst = activeInstallation(rt.state, shop.domain, app.apiKey);
      if (!inst) throw new HttpError(409, `${app.apiKey} is not installed on ${shop.domain}`);
      if (!Array.isArray(body.scopes)) throw new HttpError(400, 'scopes: [...] required');
      const previous = inst.scopes;
      inst.scopes = body.scopes.map(String);
      rt.markDirty();
      const deliveries = scopesUpdated(rt, shop, app, previous, inst.scopes);
      return ok({ previous, current: inst.scopes, webhooks: deliveries.map((d) => ({ webhookId: d.webhookId, url: d.url })) });
    }
    case 'GET scopes': {
      const app = appFor(rt, { apiKey: url.searchParams.get('apiKey') ?? undefined });
      const inst = activeInstallation(rt.state, shop.domain, app.apiKey);
      if (!inst) throw new HttpError(409, `${app.apiKey} is not installed on ${shop.domain}`);
      return ok({ granted: inst.scopes, requested: inst.requestedScopes ?? [], configured: app.scopes });
    }
    case 'POST scopes/grant': {
      // The merchant approves the app's pending scope request (or the scopes named) → app/scopes_update.
      const app = appFor(rt, body);
      const inst = activeInstallation(rt.state, shop.domain, app.apiKey);
      if (!inst) throw new HttpError(409, `${app.apiKey} is not installed on ${shop.domain}`);
      const scopes = Array.isArray(body.scopes) ? body.scopes.map(String) : (inst.requestedScopes ?? []);
      if (scopes.length === 0) throw new HttpError(409, `${app.apiKey} has no pending scope request on ${shop.domain}`);
      const previous = inst.scopes;
      const before = rt.webhooks.deliveries.length;
      grantScopes(rt, shop, app, inst, scopes);
      const deliveries = rt.webhooks.deliveries.slice(before).filter((d) => d.topic === 'app/scopes_update');
      return ok({ previous, current: inst.scopes, requested: inst.requestedScopes ?? [], webhooks: deliveries.map((d) => ({ webhookId: d.webhookId, url: d.url })) });
    }
    case 'POST compliance': {
      const app = appFor(rt, body);
      if (!COMPLIANCE_TOPICS.includes(body.topic as ComplianceTopic)) throw new HttpError(400, `topic must be one of ${COMPLIANCE_TOPICS.join(', ')}`);
      const deliveries = compliance(rt, shop, app, body.topic as ComplianceTopic, body.customer as never);
      return ok({ webhooks: deliveries.map((d) => ({ webhookId: d.webhookId, url: d.url })) });
    }
    case 'POST staff': {
      // Another staff member of the shop (Shopify's associated user of an online token is whoever opened the app).
      const text = (key: string, fallback: string) => (typeof body[key] === 'string' && (body[key] as string).trim() !== '' ? (body[key] as string) : fallback);
      const id = nextId(rt.state, 'staff', 70_000_000_000);
      const staff = { id, firstName: text('firstName', 'Staff'), lastName: text('lastName', String(id)), email: text('email', `staff-${id}@${shop.domain}`), accountOwner: false, locale: text('locale', 'en') };
      shop.staff.push(staff);
      rt.markDirty();
      return ok({ staff });
    }
    case 'POST session-token': {
      const app = appFor(rt, body);
      const userId = Number(body.userId ?? shop.staff[0]!.id);
      const token = await signSessionToken({
        shop: shop.domain,
        apiKey: app.apiKey,
        apiSecret: app.apiSecret,
        userId,
        lifetimeSeconds: typeof body.lifetimeSeconds === 'number' ? body.lifetimeSeconds : undefined,
      });
      return ok({ token });
    }
    case 'POST tokens/expire': {
      const app = appFor(rt, body);
      let count = 0;
      for (const t of rt.state.tokens) {
        if (t.shop !== shop.domain || t.apiKey !== app.apiKey || t.revoked) continue;
        if (t.expiresAt !== null) {
          t.expiresAt = Date.now() - 1;
          count++;
        } else if (body.revokeNonExpiring === true) {
          t.revoked = true;
          count++;
        }
      }
      rt.markDirty();
      return ok({ expired: count });
    }
    case 'POST bulk-pace': {
      // Shopify's bulk operations take a while; a test that must see one still running slows this shop's.
      const seconds = body.seconds;
      if (seconds === 'off') rt.bulk.setPace(shop.domain, null);
      else if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 && seconds <= 600) rt.bulk.setPace(shop.domain, Math.round(seconds * 1000));
      else throw new HttpError(400, 'seconds must be a number of seconds (0 < seconds ≤ 600) or "off"');
      const ms = rt.bulk.paceOf(shop.domain);
      return ok({ shop: shop.domain, stepSeconds: ms === null ? null : ms / 1000 });
    }
    case 'GET throttle': {
      const app = rt.apps.get(url.searchParams.get('apiKey')) ?? rt.apps.primary();
      return ok(rt.throttle.status(shop.domain, app.apiKey, shop.plan));
    }
    case 'POST throttle': {
      const app = appFor(rt, body);
      rt.throttle.drain(shop.domain, app.apiKey);
      return ok(rt.throttle.status(shop.domain, app.apiKey, shop.plan));
    }
    default:
      return false;
  }
}
