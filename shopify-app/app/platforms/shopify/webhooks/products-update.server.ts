// products/update, a batch at a time: refresh the products' listings from the payloads, unless we already
// hold a newer state (deliveries arrive out of order), and record prices changed outside Calibrate.
// The body names no shop and X-Shopify-Shop-Domain is not signed: a payload is taken as the shop's only for
// a product we hold a variant of in that shop (Shopify's ids are global). Any other product is read from
// that shop's Admin API instead (a new product, or another shop's delivery re-sent under this shop's
// domain, which the shop doesn't have: ignored with a log line).
// Planning reads what it needs in a few queries for the whole batch; the writes (one multi-row upsert,
// the audit entries) go into the processor's transaction together with marking the deliveries processed.
import { randomUUID } from 'node:crypto';
import type { Db } from '@calibr/db';
import { normalizeSku, parseMoney, type NormalizedProduct } from '@calibr/shared-contracts';
import { productStatus } from '../connector/normalize';
import { planShopifyListingWrites, readShopifyListings, writeShopifyListings, type ListingRow, type ListingState } from '../listings.server';
import { logger } from '../../../lib/logger.server';
import { PermanentWebhookError, errorMessage } from './failures';
import { ROWS_PER_STATEMENT, sqlParams } from '../../../lib/portable-sql.server';
import type { ShopifyChecks } from './shopify-checks.server';

/** The REST-shaped product a products/update delivery carries (the fields we read). */
export interface ProductWebhookPayload {
  id: number;
  admin_graphql_api_id?: string;
  title: string;
  handle?: string;
  status?: string;
  vendor?: string;
  product_type?: string;
  updated_at: string;
  variants?: Array<{
    id: number;
    admin_graphql_api_id?: string;
    title?: string;
    sku?: string | null;
    price: string;
    compare_at_price?: string | null;
    updated_at?: string;
  }>;
}

export interface ProductDelivery {
  id: string;
  /** X-Shopify-Webhook-Id, for the log lines */
  webhookId?: string;
  shop: string;
  payload: unknown;
}

/** How long after Calibrate pushed a price its echo (this webhook) still counts as ours. */
const OWN_CHANGE_WINDOW_MS = 24 * 60 * 60_000;

export interface ProductUpdatePlan {
  /** deliveries the plan applies (shops not installed included: nothing to do for them) */
  applied: string[];
  /** deliveries that can never be applied, with the reason (bad payload, impossible price) */
  rejected: Array<{ id: string; reason: string }>;
  /** writes the processor runs in its transaction */
  write(tx: Db): Promise<void>;
}

/** Read what the batch needs and decide every write, in delivery order by the product's updated_at. */
export async function planProductUpdates(client: Db, deliveries: readonly ProductDelivery[], shopify: Pick<ShopifyChecks, 'readProduct'>): Promise<ProductUpdatePlan> {
  const applied: string[] = [];
  const rejected: ProductUpdatePlan['rejected'] = [];
  const shops = [...new Set(deliveries.map((d) => d.shop))];
  const projects = await client.project.findMany({ where: { shopDomain: { in: shops } }, select: { id: true, shopDomain: true, currency: true } });
  const projectByShop = new Map(projects.map((p) => [p.shopDomain, p]));

  const perProject = new Map<string, Array<{ delivery: ProductDelivery; product: NormalizedProduct; updatedAt: string }>>();
  for (const delivery of deliveries) {
    const project = projectByShop.get(delivery.shop);
    if (!project) {
      applied.push(delivery.id); // not installed (or erased): nothing to refresh
      continue;
    }
    const currency = project.currency ?? (await shopCurrency(client, project.id));
    try {
      const payload = checkedPayload(delivery.payload);
      const product = fromPayload(payload, currency, delivery.shop);
      const list = perProject.get(project.id) ?? [];
      list.push({ delivery, product, updatedAt: product.updatedAt! });
      perProject.set(project.id, list);
    } catch (error) {
      rejected.push({ id: delivery.id, reason: errorMessage(error) });
    }
  }

  const writes: Array<{ projectId: string; rows: ListingRow[] }> = [];
  const audit: Array<{ projectId: string; listingId: string; data: Record<string, unknown> }> = [];
  for (const [projectId, received] of perProject) {
    const state = await readShopifyListings(client, projectId, received.flatMap((i) => i.product.listings.map((l) => l.externalId)));
    const items = await ownProductsOnly(client, shopify, projectId, received, state, applied);
    items.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
    const seenAt = new Date();
    const changes: Array<{ listingId: string; externalId: string; from: string; to: string; currency: string; productUpdatedAt: string }> = [];
    const rows: ListingRow[] = [];
    for (const item of items) {
      // One product at a time, so each delivery's price change is seen against the state before it.
      const { rows: productRows, result } = planShopifyListingWrites(state, [item.product], seenAt);
      rows.push(...productRows);
      for (const change of result.priceChanges) changes.push({ ...change, productUpdatedAt: item.updatedAt });
      applied.push(item.delivery.id);
    }
    const finalRows = [...new Map(rows.map((r) => [r.externalId, r])).values()];
    writes.push({ projectId, rows: finalRows });

    // A price we pushed ourselves comes back as a products/update: not an outside change.
    const ours = await ownRecentPrices(client, [...new Set(changes.map((c) => c.listingId))]);
    const ourPrices = new Set(ours.map((o) => `${o.listingId}\u0000${o.amount}`));
    for (const change of changes) {
      if (ourPrices.has(`${change.listingId}\u0000${change.to}`)) continue;
      audit.push({
        projectId,
        listingId: change.listingId,
        data: { externalId: change.externalId, from: change.from, to: change.to, currency: change.currency, productUpdatedAt: change.productUpdatedAt },
      });
    }
  }

  return {
    applied,
    rejected,
    async write(tx) {
      for (const w of writes) await writeShopifyListings(tx, w.projectId, w.rows);
      await recordOutsideChanges(tx, audit);
    },
  };
}

type PlannedItem = { delivery: ProductDelivery; product: NormalizedProduct; updatedAt: string };

/**
 * The items whose product is this shop's: a product we hold a variant of as the payload says; any other as
 * the shop's Admin API reads it now (one read per product). A product the shop doesn't have (or that can't
 * be read: token refused) is left out with a log line, its delivery counted as applied. `state` gains the
 * listings of the products read, for planning.
 */
async function ownProductsOnly(
  client: Db,
  shopify: Pick<ShopifyChecks, 'readProduct'>,
  projectId: string,
  items: readonly PlannedItem[],
  state: Map<string, ListingState>,
  applied: string[],
): Promise<PlannedItem[]> {
  const own: PlannedItem[] = [];
  const read = new Map<string, NormalizedProduct | null>();
  for (const item of items) {
    if (item.product.listings.some((l) => state.has(l.externalId))) {
      own.push(item);
      continue;
    }
    const { shop } = item.delivery;
    const productId = item.product.externalId;
    if (!read.has(productId)) read.set(productId, await shopify.readProduct(shop, projectId, productId));
    const product = read.get(productId);
    if (!product) {
      logger.warn({ shop, webhookId: item.delivery.webhookId, product: productId }, 'products/update ignored: not a product of this shop');
      applied.push(item.delivery.id);
      continue;
    }
    own.push({ delivery: item.delivery, product, updatedAt: product.updatedAt ?? item.updatedAt });
  }
  const readIds = [...read.values()].flatMap((p) => p?.listings.map((l) => l.externalId) ?? []);
  if (readIds.length > 0) for (const [id, row] of await readShopifyListings(client, projectId, readIds)) state.set(id, row);
  return own;
}

/** Prices Calibrate itself sent to these listings lately (applied, awaiting the platform, or sent and going again). */
async function ownRecentPrices(client: Db, listingIds: readonly string[]): Promise<Array<{ listingId: string; amount: string }>> {
  const found: Array<{ listingId: string; amount: string }> = [];
  for (let i = 0; i < listingIds.length; i += ROWS_PER_STATEMENT) {
    const q = sqlParams(client);
    found.push(
      ...(await client.$queryRawUnsafe<Array<{ listingId: string; amount: string }>>(
        `SELECT "listingId", "amount" FROM "PriceChangeAttempt" WHERE "listingId" IN (${q.list(listingIds.slice(i, i + ROWS_PER_STATEMENT))}) ` +
          // queued after a send: its answer was lost (or it failed for now), yet Shopify may hold it already.
          `AND ("status" IN ('applied', 'pending') OR ("status" = 'queued' AND "attemptCount" > 0)) AND "updatedAt" >= ${q.p(new Date(Date.now() - OWN_CHANGE_WINDOW_MS))}`,
        ...q.values,
      )),
    );
  }
  return found;
}

/** One audit entry per price changed outside Calibrate, written as one multi-row INSERT per chunk. */
async function recordOutsideChanges(client: Db, entries: ReadonlyArray<{ projectId: string; listingId: string; data: Record<string, unknown> }>): Promise<void> {
  const now = new Date();
  for (let i = 0; i < entries.length; i += ROWS_PER_STATEMENT) {
    const q = sqlParams(client);
    const values = entries
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((a) => `(${q.list([randomUUID(), a.projectId, 'shopify', 'webhook', 'listing.price_changed_outside_calibrate', 'Listing', a.listingId, JSON.stringify(a.data), now])})`);
    await client.$executeRawUnsafe(
      `INSERT INTO "AuditLog" ("id", "projectId", "actor", "actorType", "action", "entityType", "entityId", "data", "createdAt") VALUES ${values.join(', ')}`,
      ...q.values,
    );
  }
}

function checkedPayload(payload: unknown): ProductWebhookPayload {
  const p = payload as Partial<ProductWebhookPayload> | null;
  if (!p || typeof p !== 'object') throw new PermanentWebhookError('products/update payload is not an object');
  if (typeof p.id !== 'number') throw new PermanentWebhookError('products/update payload has no numeric product `id`');
  if (typeof p.updated_at !== 'string' || Number.isNaN(Date.parse(p.updated_at))) {
    throw new PermanentWebhookError('products/update payload has no valid `updated_at`');
  }
  if (typeof p.title !== 'string') throw new PermanentWebhookError('products/update payload has no `title`');
  if (p.variants !== undefined && !Array.isArray(p.variants)) throw new PermanentWebhookError('products/update `variants` is not a list');
  for (const v of p.variants ?? []) {
    if (!v || typeof v !== 'object' || typeof v.id !== 'number') throw new PermanentWebhookError('a products/update variant has no numeric `id`');
  }
  return p as ProductWebhookPayload;
}

async function shopCurrency(client: Db, projectId: string): Promise<string> {
  const any = await client.listing.findFirst({ where: { projectId, platform: 'shopify' }, select: { currency: true } });
  return any?.currency ?? 'USD';
}

function fromPayload(payload: ProductWebhookPayload, currency: string, shop: string): NormalizedProduct {
  const productId = payload.admin_graphql_api_id ?? `gid://shopify/Product/${payload.id}`;
  const status = productStatus((payload.status ?? 'active').toUpperCase());
  return {
    platform: 'shopify',
    externalId: productId,
    title: payload.title,
    status,
    ...(payload.vendor ? { brand: payload.vendor } : {}),
    ...(payload.product_type ? { productType: payload.product_type } : {}),
    ...(payload.handle ? { handle: payload.handle } : {}),
    url: `https://${shop}/admin/products/${payload.id}`,
    updatedAt: new Date(payload.updated_at).toISOString(),
    listings: (payload.variants ?? []).map((v) => {
      const title = v.title && v.title !== 'Default Title' ? `${payload.title} – ${v.title}` : payload.title;
      return {
        platform: 'shopify',
        externalId: v.admin_graphql_api_id ?? `gid://shopify/ProductVariant/${v.id}`,
        productExternalId: productId,
        sku: v.sku || null,
        normalizedSku: v.sku ? normalizeSku(v.sku) : null,
        title,
        status: status === 'active' ? 'active' : 'inactive',
        price: parseMoney(v.price, currency),
        compareAtPrice: v.compare_at_price ? parseMoney(v.compare_at_price, currency) : null,
        ...(v.updated_at ? { updatedAt: v.updated_at } : {}),
      };
    }),
  };
}
