// The checks a verified delivery's unsigned headers must pass before it is recorded
// (app/platforms/shopify/webhooks/delivery-checks.ts), at their edges: Shopify's own retries of a destructive delivery (up to
// 4 hours after it was triggered) still pass; older, future-dated or undated ones don't; every route and
// topic of shopify.app.toml agree. Over HTTP the same refusals are shown by webhook-replay.shared.ts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../app/platforms/shopify/webhooks/delivery-checks';
import { ROUTE_TOPICS } from '../../app/platforms/shopify/webhooks/topics';

const SHOP = 'checks.myshopify.com';
const NOW = Date.parse('2031-03-01T12:00:00Z');
const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const HOUR = 3_600_000;

describe('delivery checks', () => {
  it("a destructive delivery passes within Shopify's retry period (4 h) plus an hour, not after, not from the future, not undated", () => {
    const uninstall = (triggeredAt: string | undefined) =>
      refusalOf('/webhooks/app/uninstalled', { topic: 'app/uninstalled', shop: SHOP, triggeredAt }, { myshopify_domain: SHOP }, NOW)?.code ?? null;
    expect(uninstall(at(0))).toBeNull();
    expect(uninstall(at(4 * HOUR + 1))).toBeNull();
    expect(uninstall(at(5 * HOUR - 1))).toBeNull();
    expect(uninstall(at(5 * HOUR + 1))).toBe('stale_delivery');
    expect(uninstall(at(-10 * 60_000))).toBe('stale_delivery');
    expect(uninstall(undefined)).toBe('missing_triggered_at');
    expect(uninstall('yesterday')).toBe('missing_triggered_at');
    // products/update is not destructive: an old one is judged by its product's updated_at when processed.
    expect(refusalOf('/webhooks/products/update', { topic: 'products/update', shop: SHOP, triggeredAt: at(48 * HOUR) }, { id: 1 }, NOW)).toBeNull();
  });

  it('the shop a body names must be the header shop: app/uninstalled and shop/update (myshopify_domain), shop/redact and customers/* (shop_domain)', () => {
    const cases = [
      ['/webhooks/app/uninstalled', 'app/uninstalled', 'myshopify_domain'],
      ['/webhooks/shop/update', 'shop/update', 'myshopify_domain'],
      ['/webhooks/shop/redact', 'shop/redact', 'shop_domain'],
      ['/webhooks/customers/redact', 'customers/redact', 'shop_domain'],
      ['/webhooks/customers/data_request', 'customers/data_request', 'shop_domain'],
    ] as const;
    for (const [route, topic, field] of cases) {
      const check = (body: Record<string, unknown>) => refusalOf(route, { topic, shop: SHOP, triggeredAt: at(0) }, body, NOW)?.code ?? null;
      expect(check({ [field]: SHOP })).toBeNull();
      expect(check({ [field]: 'other.myshopify.com' })).toBe('shop_mismatch');
      expect(check({})).toBe('shop_mismatch');
    }
  });

  it('each route takes its own topics only, and the routes are the ones shopify.app.toml subscribes', () => {
    const toml = parse(readFileSync(fileURLToPath(new URL('../../../shopify.app.toml', import.meta.url)), 'utf8')) as {
      webhooks: { subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }> };
    };
    for (const sub of toml.webhooks.subscriptions) {
      expect(ROUTE_TOPICS[sub.uri as keyof typeof ROUTE_TOPICS]).toEqual([...(sub.topics ?? []), ...(sub.compliance_topics ?? [])]);
    }
    for (const [route, topics] of Object.entries(ROUTE_TOPICS)) {
      for (const topic of ['products/update', 'app/uninstalled', 'app/scopes_update', 'shop/update', 'customers/data_request', 'customers/redact', 'shop/redact']) {
        const body = { myshopify_domain: SHOP, shop_domain: SHOP };
        const refused = refusalOf(route as keyof typeof ROUTE_TOPICS, { topic, shop: SHOP, triggeredAt: at(0) }, body, NOW)?.code ?? null;
        expect(refused, `${topic} on ${route}`).toBe((topics as readonly string[]).includes(topic) ? null : 'topic_not_served_here');
      }
    }
  });
});
