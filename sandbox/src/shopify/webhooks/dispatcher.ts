// Webhook delivery as Shopify does it: each subscription of each installed app gets a POST with Shopify's
// headers and a base64 HMAC-SHA256 of the raw body (signed with the app's secret); anything but a 2xx
// within 5 seconds is retried, 8 times over about 4 hours (the backoff runs faster by the time scale).
// One event has one X-Shopify-Event-Id across the subscriptions it goes to (a second one with the same id
// is a duplicate: https://shopify.dev/apps/build/webhooks/ignore-duplicates); a retry keeps its webhook id,
// its body and the X-Shopify-Triggered-At of when it was triggered
// (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism).
// Shopify also sends duplicates of one event now and then: the same X-Shopify-Event-Id, body and
// Triggered-At under a new X-Shopify-Webhook-Id. The sandbox does too, at a seeded rate (`duplicates`), or
// for the next N deliveries when a test forces it (control API `POST webhooks/duplicates`).
// Every attempt is recorded in the sandbox log and in the delivery list.
import { createHmac, randomUUID } from 'node:crypto';
import type { AppConfig } from '../app-config';
import { resolveWebhookUri } from '../app-config';
import type { ShopifyRuntime } from '../runtime';
import type { ProductRecord, ShopRecord } from '../state';
import { activeInstallation } from '../state';
import { productPayload, shopPayload } from './payloads';
import { enumFromTopic } from './topics';

export const RESPONSE_TIMEOUT_MS = 5_000;
/** Seconds before each retry: 8 retries, about 4 hours in all. */
export const RETRY_DELAYS_S = [10, 30, 60, 300, 900, 1800, 3600, 7200];
/** Seconds after the original's first attempt that its duplicate is sent (scaled). */
export const DUPLICATE_DELAY_S = 2;

export interface DuplicateSettings {
  /** share of deliveries (0..1) that get a duplicate */
  rate: number;
  /** seed of the generator that picks them, so a run is repeatable */
  seed: number;
  /** the next N deliveries get a duplicate whatever the rate */
  forced: number;
}

/** mulberry32: a small seeded generator (repeatable picks, no dependency). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error: string | null;
  ms: number;
}

export interface Delivery {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  apiKey: string;
  url: string;
  apiVersion: string;
  triggeredAt: string;
  state: 'pending' | 'delivered' | 'retrying' | 'failed';
  attempts: DeliveryAttempt[];
  body: string;
  /** set on a duplicate: the webhook id of the delivery it repeats (same event id) */
  duplicateOf?: string;
}

export interface DeliveryTarget {
  app: AppConfig;
  url: string;
  apiVersion: string;
  includeFields?: string[];
}

export function hmacBase64(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export class WebhookDispatcher {
  private timers = new Set<NodeJS.Timeout>();
  private inflight = new Set<Promise<void>>();
  readonly deliveries: Delivery[] = [];
  private closed = false;
  private duplicates: DuplicateSettings = { rate: 0, seed: 1, forced: 0 };
  private random = seededRandom(1);

  constructor(private readonly rt: () => ShopifyRuntime) {}

  /** How often duplicates are sent; `forced` makes the next N deliveries get one. */
  setDuplicates(settings: Partial<DuplicateSettings>): DuplicateSettings {
    const rate = settings.rate ?? this.duplicates.rate;
    if (!(rate >= 0 && rate <= 1)) throw new Error('duplicate rate must be between 0 and 1');
    if (settings.seed !== undefined) this.random = seededRandom(settings.seed); // a seed (re)starts the picks
    this.duplicates = { rate, seed: settings.seed ?? this.duplicates.seed, forced: Math.max(0, Math.floor(settings.forced ?? this.duplicates.forced)) };
    return { ...this.duplicates };
  }

  duplicateSettings(): DuplicateSettings {
    return { ...this.duplicates };
  }

  private pickDuplicate(): boolean {
    if (this.duplicates.forced > 0) {
      this.duplicates.forced--;
      return true;
    }
    return this.duplicates.rate > 0 && this.random() < this.duplicates.rate;
  }

  /** Where a topic goes for one app: its shopify.app.toml/config subscriptions and its API subscriptions. */
  targets(shop: ShopRecord, app: AppConfig, topic: string): DeliveryTarget[] {
    const out: DeliveryTarget[] = [];
    for (const sub of app.webhooks) {
      if (!(sub.topics ?? []).includes(topic) && !(sub.complianceTopics ?? []).includes(topic)) continue;
      const url = resolveWebhookUri(app, sub.uri);
      if (url) out.push({ app, url, apiVersion: app.webhooksApiVersion, includeFields: sub.includeFields });
    }
    const enumName = enumFromTopic(topic);
    for (const sub of this.rt().state.webhookSubscriptions) {
      if (sub.shop === shop.domain && sub.apiKey === app.apiKey && sub.topic === enumName) {
        out.push({ app, url: sub.callbackUrl, apiVersion: sub.apiVersion, includeFields: sub.includeFields.length ? sub.includeFields : undefined });
      }
    }
    return out;
  }

  /** Send a topic to every app installed on the shop (or to the given apps, installed or not). */
  trigger(shop: ShopRecord, topic: string, payload: Record<string, unknown>, opts: { apiKeys?: string[] } = {}): Delivery[] {
    const rt = this.rt();
    const apps = opts.apiKeys
      ? opts.apiKeys.map((k) => rt.apps.get(k)).filter((a): a is AppConfig => Boolean(a))
      : rt.apps.all().filter((a) => activeInstallation(rt.state, shop.domain, a.apiKey));
    const eventId = randomUUID();
    const triggeredAt = new Date().toISOString();
    const out: Delivery[] = [];
    for (const app of apps) {
      const targets = this.targets(shop, app, topic);
      if (!targets.length) {
        rt.ctx.log({ platform: 'shopify', kind: 'webhook', host: shop.domain, detail: { topic, apiKey: app.apiKey, state: 'no-subscription' } });
      }
      for (const target of targets) out.push(this.deliver(shop, topic, payload, target, eventId, triggeredAt));
    }
    return out;
  }

  productUpdated(shop: ShopRecord, product: ProductRecord): void {
    this.trigger(shop, 'products/update', productPayload(shop, product));
  }

  productCreated(shop: ShopRecord, product: ProductRecord): Delivery[] {
    return this.trigger(shop, 'products/create', productPayload(shop, product));
  }

  /** shop/update: the merchant changed the shop's settings (its time zone, say); the REST shop JSON, as app/uninstalled's. */
  shopUpdated(shop: ShopRecord): Delivery[] {
    return this.trigger(shop, 'shop/update', shopPayload(shop));
  }

  /** products/delete carries only the product's numeric id. */
  productDeleted(shop: ShopRecord, productId: number): Delivery[] {
    return this.trigger(shop, 'products/delete', { id: productId });
  }

  private deliver(shop: ShopRecord, topic: string, payload: Record<string, unknown>, target: DeliveryTarget, eventId: string, triggeredAt: string): Delivery {
    const shaped = target.includeFields?.length
      ? Object.fromEntries(Object.entries(payload).filter(([k]) => target.includeFields!.includes(k)))
      : payload;
    const delivery: Delivery = {
      webhookId: randomUUID(),
      eventId,
      topic,
      shop: shop.domain,
      apiKey: target.app.apiKey,
      url: target.url,
      apiVersion: target.apiVersion,
      triggeredAt,
      state: 'pending',
      attempts: [],
      body: JSON.stringify(shaped),
    };
    this.record(delivery);
    this.attempt(delivery, target.app.apiSecret);
    if (this.pickDuplicate()) this.duplicate(delivery, target.app.apiSecret);
    return delivery;
  }

  /**
   * The same event again under a new webhook id (same event id, body, topic, URL and Triggered-At): listed
   * at once, sent a little after the original.
   */
  private duplicate(original: Delivery, secret: string): void {
    const copy: Delivery = { ...original, webhookId: randomUUID(), state: 'pending', attempts: [], duplicateOf: original.webhookId };
    this.record(copy);
    this.rt().ctx.log({ platform: 'shopify', kind: 'webhook', host: copy.shop, detail: { topic: copy.topic, event: 'duplicate', webhookId: copy.webhookId, eventId: copy.eventId, duplicateOf: original.webhookId } });
    this.later(DUPLICATE_DELAY_S, () => this.attempt(copy, secret));
  }

  private record(delivery: Delivery): void {
    this.deliveries.push(delivery);
    if (this.deliveries.length > 2000) this.deliveries.splice(0, this.deliveries.length - 2000);
  }

  private attempt(delivery: Delivery, secret: string): void {
    if (this.closed) return;
    const run = this.send(delivery, secret).finally(() => this.inflight.delete(run));
    this.inflight.add(run);
  }

  private async send(delivery: Delivery, secret: string): Promise<void> {
    const rt = this.rt();
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: '*/*',
          'User-Agent': 'Shopify-Captain-Hook',
          'X-Shopify-Topic': delivery.topic,
          'X-Shopify-Hmac-Sha256': hmacBase64(delivery.body, secret),
          'X-Shopify-Shop-Domain': delivery.shop,
          'X-Shopify-API-Version': delivery.apiVersion,
          'X-Shopify-Webhook-Id': delivery.webhookId,
          'X-Shopify-Event-Id': delivery.eventId,
          'X-Shopify-Triggered-At': delivery.triggeredAt,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MS),
        redirect: 'manual',
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? (err.name === 'TimeoutError' ? `no response within ${RESPONSE_TIMEOUT_MS} ms` : `${err.message}${err.cause ? `: ${String((err.cause as Error).message ?? err.cause)}` : ''}`) : String(err);
    }
    const ok = status !== null && status >= 200 && status < 300;
    delivery.attempts.push({ at: new Date(started).toISOString(), status, error, ms: Date.now() - started });
    const retryIndex = delivery.attempts.length - 1;
    delivery.state = ok ? 'delivered' : retryIndex < RETRY_DELAYS_S.length ? 'retrying' : 'failed';
    rt.ctx.log({
      platform: 'shopify',
      kind: 'webhook',
      method: 'POST',
      host: delivery.shop,
      path: delivery.url,
      status: status ?? undefined,
      detail: { topic: delivery.topic, webhookId: delivery.webhookId, eventId: delivery.eventId, attempt: delivery.attempts.length, state: delivery.state, error },
    });
    if (delivery.state === 'retrying' && !this.closed) {
      const delayMs = (RETRY_DELAYS_S[retryIndex]! * 1000) / rt.ctx.timeScale;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.attempt(delivery, secret);
      }, delayMs);
      timer.unref();
      this.timers.add(timer);
    }
  }

  /** Run something later (scaled), e.g. shop/redact 48 hours after an uninstall. */
  later(seconds: number, fn: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, (seconds * 1000) / this.rt().ctx.timeScale);
    timer.unref();
    this.timers.add(timer);
  }

  /** Wait for deliveries in flight (tests). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.deliveries.length = 0;
    this.duplicates.forced = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inflight]);
  }
}
