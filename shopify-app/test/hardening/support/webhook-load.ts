// A products/update load against the running app, shared by the hardening test (bounded) and
// `npm run bench:webhooks` (full size): a plan of deliveries signed as Shopify signs them, with
// duplicates (same X-Shopify-Webhook-Id, same body) and out-of-order pairs (an older updated_at sent
// right after a newer one), sent over real HTTP, then checked from the database once processing drains.
import { createHmac, randomUUID } from 'node:crypto';
import type { Db } from '@calibr/db';

export interface LoadDelivery {
  webhookId: string;
  body: string;
  hmac: string;
  product: number;
  version: number;
  /** a re-send of an earlier delivery (same id and body) */
  duplicate: boolean;
}

export interface LoadPlan {
  shop: string;
  products: number;
  variantsPerProduct: number;
  /** the newest version of each product (its state must win) */
  newestVersion: number[];
  /** version 0 of every product: the catalog as synced (seedLoadCatalog), sent again before the measured load */
  catalog: LoadDelivery[];
  deliveries: LoadDelivery[];
}

export interface PlanOptions {
  shop: string;
  secret: string;
  /** measured deliveries, duplicates included */
  deliveries: number;
  products: number;
  variantsPerProduct?: number;
  duplicateRate?: number;
  outOfOrderRate?: number;
  seed?: number;
}

/** Product ids well away from anything else in a database the plan shares. */
const PRODUCT_ID_BASE = 8_800_000_000;
const BASE_TIME = Date.parse('2030-01-01T00:00:00Z');

export function productGid(index: number): string {
  return `gid://shopify/Product/${PRODUCT_ID_BASE + index}`;
}

/** The price version `version` of product `product` carries: distinct per version, two decimals. */
export function priceOf(product: number, version: number): string {
  return `${10 + version}.${String(product % 100).padStart(2, '0')}`;
}

function updatedAtOf(version: number): string {
  return new Date(BASE_TIME + version * 1000).toISOString();
}

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function planWebhookLoad(options: PlanOptions): LoadPlan {
  const { shop, secret, products } = options;
  const variantsPerProduct = options.variantsPerProduct ?? 2;
  const duplicateRate = options.duplicateRate ?? 0.1;
  const outOfOrderRate = options.outOfOrderRate ?? 0.1;
  const rand = random(options.seed ?? 1);
  const distinct = Math.max(products, Math.round(options.deliveries * (1 - duplicateRate)));
  const versionsPer = Math.max(1, Math.floor(distinct / products));

  const delivery = (product: number, version: number): LoadDelivery => {
    const id = PRODUCT_ID_BASE + product;
    const updatedAt = updatedAtOf(version);
    const payload = {
      id,
      admin_graphql_api_id: productGid(product),
      title: `Load product ${product}`,
      handle: `load-product-${product}`,
      status: 'active',
      vendor: 'Calibrate bench',
      product_type: 'Load',
      updated_at: updatedAt,
      variants: Array.from({ length: variantsPerProduct }, (_, v) => ({
        id: id * 10 + v,
        admin_graphql_api_id: `gid://shopify/ProductVariant/${id * 10 + v}`,
        title: `Size ${v + 1}`,
        sku: `LOAD-${product}-${v}`,
        price: priceOf(product, version),
        compare_at_price: null,
        updated_at: updatedAt,
      })),
    };
    const body = JSON.stringify(payload);
    return { webhookId: randomUUID(), body, hmac: createHmac('sha256', secret).update(body).digest('base64'), product, version, duplicate: false };
  };

  // Per product, versions 1..n in order, except that some adjacent pairs go newer-then-older.
  const perProduct: LoadDelivery[][][] = [];
  const newestVersion: number[] = [];
  for (let p = 0; p < products; p++) {
    const units: LoadDelivery[][] = [];
    for (let v = 1; v <= versionsPer; v++) {
      if (v < versionsPer && rand() < outOfOrderRate) {
        units.push([delivery(p, v + 1), delivery(p, v)]);
        v++;
      } else units.push([delivery(p, v)]);
    }
    perProduct.push(units);
    newestVersion.push(versionsPer);
  }
  // Round-robin over products (many shops' merchants editing at once), pairs kept adjacent.
  const ordered: LoadDelivery[] = [];
  for (let round = 0; ordered.length < products * versionsPer; round++) {
    for (const units of perProduct) if (units[round]) ordered.push(...units[round]!);
  }
  // Duplicates: Shopify re-sends a delivery it thinks failed, sometimes at once, sometimes later.
  const withDuplicates: LoadDelivery[] = [...ordered];
  const duplicates = options.deliveries - ordered.length;
  for (let i = 0; i < duplicates; i++) {
    const source = ordered[Math.floor(rand() * ordered.length)]!;
    const at = withDuplicates.indexOf(source) + 1 + (rand() < 0.5 ? 0 : Math.floor(rand() * 200));
    withDuplicates.splice(Math.min(at, withDuplicates.length), 0, { ...source, duplicate: true });
  }
  const catalog = Array.from({ length: products }, (_, p) => delivery(p, 0));
  return { shop, products, variantsPerProduct, newestVersion, catalog, deliveries: withDuplicates };
}

/** The shop as installed: its Project, Shopify integration and the toml's products/update subscription. */
export async function seedLoadShop(db: Db, shop: string): Promise<string> {
  const project = await db.project.create({ data: { shopDomain: shop, currency: 'USD', status: 'active' } });
  const integration = await db.shopifyIntegration.create({
    data: { projectId: project.id, shopDomain: shop, scope: 'read_products,write_products,read_inventory' },
  });
  await db.shopifyWebhookSubscription.create({
    data: { projectId: project.id, integrationId: integration.id, topic: 'products/update', uri: '/webhooks/products/update', apiVersion: '2025-10' },
  });
  return project.id;
}

/**
 * The plan's catalog (version 0 of each product) as a sync writes it: the app takes a products/update body
 * only for a product the shop is known to have, and these shops have no Admin API to read new ones from.
 */
export async function seedLoadCatalog(db: Db, plan: LoadPlan): Promise<void> {
  const project = await db.project.findUniqueOrThrow({ where: { shopDomain: plan.shop }, select: { id: true } });
  const rows = plan.catalog.flatMap((d) => {
    const payload = JSON.parse(d.body) as { title: string; updated_at: string; variants: Array<{ admin_graphql_api_id: string; sku: string; price: string; title: string }> };
    return payload.variants.map((v) => ({
      projectId: project.id,
      platform: 'shopify',
      externalId: v.admin_graphql_api_id,
      productExternalId: productGid(d.product),
      sku: v.sku,
      title: payload.title,
      variantTitle: v.title,
      currency: 'USD',
      priceAmount: v.price,
      platformUpdatedAt: new Date(payload.updated_at),
    }));
  });
  await db.listing.createMany({ data: rows });
}

export interface SendResult {
  seconds: number;
  latenciesMs: number[];
  /** responses that were not 200 (Shopify would retry them): status → count */
  failures: Record<string, number>;
  /** webhook ids that got a 200 at least once */
  acknowledged: Set<string>;
  /** answers marked as an ignored duplicate */
  duplicatesAnswered: number;
}

/** POST the deliveries to `${appUrl}/webhooks/products/update`, `concurrency` at a time, in plan order. */
export async function sendDeliveries(appUrl: string, shop: string, deliveries: readonly LoadDelivery[], concurrency: number): Promise<SendResult> {
  const latenciesMs: number[] = [];
  const failures: Record<string, number> = {};
  const acknowledged = new Set<string>();
  let duplicatesAnswered = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const d = deliveries[next++];
      if (!d) return;
      const t0 = performance.now();
      let status: string;
      try {
        const res = await fetch(`${appUrl}/webhooks/products/update`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'products/update',
            'x-shopify-shop-domain': shop,
            'x-shopify-api-version': '2025-10',
            'x-shopify-webhook-id': d.webhookId,
            'x-shopify-event-id': d.webhookId,
            'x-shopify-triggered-at': new Date().toISOString(),
            'x-shopify-hmac-sha256': d.hmac,
          },
          body: d.body,
        });
        await res.arrayBuffer();
        status = String(res.status);
        if (res.headers.get('x-calibr-webhook') === 'duplicate') duplicatesAnswered++;
      } catch (error) {
        status = error instanceof Error ? `network: ${error.message}` : 'network';
      }
      latenciesMs.push(performance.now() - t0);
      if (status === '200') acknowledged.add(d.webhookId);
      else failures[status] = (failures[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { seconds: (performance.now() - started) / 1000, latenciesMs, failures, acknowledged, duplicatesAnswered };
}

/** Wait until none of the shop's deliveries is still received/processing (processing happens after the reply). */
export async function drainDeliveries(db: Db, shop: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await db.processedWebhook.count({ where: { shop, status: { in: ['received', 'processing'] } } });
    if (open === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface LoadVerdict {
  /** acknowledged deliveries not processed, plus products whose newest state is not what we hold */
  lost: number;
  /** deliveries recorded or processed more than once, plus price changes recorded twice */
  doubled: number;
  detail: {
    distinctSent: number;
    notAcknowledged: number;
    unprocessed: number;
    failedProcessing: number;
    staleProducts: number;
    extraRows: number;
    reprocessed: number;
    duplicateAuditEntries: number;
    /** distinct processing errors of failed deliveries (a few) */
    errors: string[];
  };
}

/** Check the database against the plan: every distinct delivery once, duplicates not re-applied, newest state wins. */
export async function verifyLoad(db: Db, plan: LoadPlan, sent: readonly SendResult[]): Promise<LoadVerdict> {
  const all = [...plan.catalog, ...plan.deliveries];
  const distinctIds = new Set(all.map((d) => d.webhookId));
  const acknowledged = new Set(sent.flatMap((s) => [...s.acknowledged]));
  const rows = await db.processedWebhook.findMany({ where: { shop: plan.shop }, select: { webhookId: true, status: true, attempts: true, lastError: true } });
  const errors = [...new Set(rows.flatMap((r) => (r.status === 'failed' && r.lastError ? [r.lastError.slice(-300)] : [])))].slice(0, 3);
  const rowsById = new Map<string, typeof rows>();
  for (const row of rows) rowsById.set(row.webhookId, [...(rowsById.get(row.webhookId) ?? []), row]);

  let notAcknowledged = 0;
  let unprocessed = 0;
  let failedProcessing = 0;
  for (const id of distinctIds) {
    if (!acknowledged.has(id)) notAcknowledged++;
    const found = rowsById.get(id) ?? [];
    if (!found.some((r) => r.status === 'processed')) {
      unprocessed++;
      if (found.some((r) => r.status === 'failed')) failedProcessing++;
    }
  }
  const extraRows = rows.length - rowsById.size + [...rowsById.keys()].filter((id) => !distinctIds.has(id)).length;
  const reprocessed = rows.filter((r) => r.attempts > 1).length;

  const project = await db.project.findUniqueOrThrow({ where: { shopDomain: plan.shop } });
  const listings = await db.listing.findMany({
    where: { projectId: project.id, platform: 'shopify', productExternalId: { in: plan.newestVersion.map((_, p) => productGid(p)) } },
    select: { id: true, productExternalId: true, priceAmount: true },
  });
  let staleProducts = 0;
  for (let p = 0; p < plan.products; p++) {
    const mine = listings.filter((l) => l.productExternalId === productGid(p));
    const newest = priceOf(p, plan.newestVersion[p]!);
    if (mine.length !== plan.variantsPerProduct || mine.some((l) => l.priceAmount !== newest)) staleProducts++;
  }
  // A delivery applied twice records its price change twice: one audit entry per (listing, updated_at) at most.
  const audit = await db.auditLog.findMany({
    where: { projectId: project.id, action: 'listing.price_changed_outside_calibrate' },
    select: { entityId: true, data: true },
  });
  const seen = new Set<string>();
  let duplicateAuditEntries = 0;
  for (const entry of audit) {
    const key = `${entry.entityId}|${(entry.data as { productUpdatedAt?: string } | null)?.productUpdatedAt}`;
    if (seen.has(key)) duplicateAuditEntries++;
    seen.add(key);
  }
  return {
    lost: unprocessed + staleProducts,
    doubled: extraRows + reprocessed + duplicateAuditEntries,
    detail: { distinctSent: distinctIds.size, notAcknowledged, unprocessed, failedProcessing, staleProducts, extraRows, reprocessed, duplicateAuditEntries, errors },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
