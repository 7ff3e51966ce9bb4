// What a delivery's unsigned headers must agree with before it is recorded. Shopify's HMAC covers only the
// body; X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Triggered-At are whatever the sender wrote. So a
// validly signed body is accepted only:
// - on a route that serves its topic (./topics.ts ROUTE_TOPICS);
// - for the shop its body names, where the body names one (app/uninstalled, shop/redact, customers/*);
// - for a destructive topic, when it was triggered recently enough to be Shopify's own (re)delivery.
// products/update names no shop: its product is checked against the shop when it is processed
// (./products-update.server.ts). These checks are cheap (no I/O): they run in the reply path.
import { BODY_SHOP_FIELD, DESTRUCTIVE_TOPICS, ROUTE_TOPICS, type WebhookRoute } from './topics';

/**
 * Shopify retries a failed delivery 8 times over 4 hours, with the payload and X-Shopify-Triggered-At of
 * when it was triggered (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism). A destructive
 * delivery triggered longer ago than that retry period plus an hour is not Shopify's: it is refused.
 */
export const DESTRUCTIVE_MAX_AGE_MS = (4 + 1) * 3600_000;
/** How far in the future a Triggered-At may be (clocks differ a little). */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface DeliveryHeaders {
  topic: string;
  shop: string;
  triggeredAt: string | undefined;
}

export interface Refusal {
  /** the header or body field at fault, for the 400 problem */
  field: string;
  code: string;
  message: string;
}

/** Why this verified delivery is refused, or null when it may be recorded. */
export function refusalOf(route: WebhookRoute, headers: DeliveryHeaders, payload: Record<string, unknown>, now = Date.now()): Refusal | null {
  const { topic, shop } = headers;
  const served: readonly string[] = ROUTE_TOPICS[route];
  if (!served.includes(topic)) {
    return { field: 'x-shopify-topic', code: 'topic_not_served_here', message: `${route} receives ${served.join(', ')}, not ${topic}` };
  }
  const shopField = BODY_SHOP_FIELD[topic];
  if (shopField && payload[shopField] !== shop) {
    return { field: `body.${shopField}`, code: 'shop_mismatch', message: `The ${topic} body is for another shop than X-Shopify-Shop-Domain ${shop}` };
  }
  if (DESTRUCTIVE_TOPICS.has(topic)) {
    const at = headers.triggeredAt ? Date.parse(headers.triggeredAt) : Number.NaN;
    if (Number.isNaN(at)) {
      return { field: 'x-shopify-triggered-at', code: 'missing_triggered_at', message: `A ${topic} delivery carries when it was triggered` };
    }
    if (now - at > DESTRUCTIVE_MAX_AGE_MS || at - now > CLOCK_SKEW_MS) {
      return { field: 'x-shopify-triggered-at', code: 'stale_delivery', message: `A ${topic} delivery triggered at ${headers.triggeredAt} is too old (or in the future) to act on` };
    }
  }
  return null;
}
