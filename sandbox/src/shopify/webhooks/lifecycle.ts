// App lifecycle webhooks: app/uninstalled (tokens revoked, shop/redact 48 hours later), app/scopes_update,
// and the mandatory compliance topics.
import type { AppConfig } from '../app-config';
import { gid } from '../ids';
import type { ShopifyRuntime } from '../runtime';
import type { ShopRecord } from '../state';
import { activeInstallation } from '../state';
import type { Delivery } from './dispatcher';
import { shopPayload } from './payloads';
import type { ComplianceTopic } from './topics';

export const SHOP_REDACT_AFTER_S = 48 * 3600;

export function uninstall(rt: ShopifyRuntime, shop: ShopRecord, app: AppConfig): Delivery[] | null {
  const inst = activeInstallation(rt.state, shop.domain, app.apiKey);
  if (!inst) return null;
  inst.uninstalledAt = new Date().toISOString();
  for (const t of rt.state.tokens) if (t.shop === shop.domain && t.apiKey === app.apiKey) t.revoked = true;
  for (const r of rt.state.refreshTokens) if (r.shop === shop.domain && r.apiKey === app.apiKey) r.revoked = true;
  rt.state.webhookSubscriptions = rt.state.webhookSubscriptions.filter((s) => !(s.shop === shop.domain && s.apiKey === app.apiKey));
  rt.markDirty();
  rt.ctx.log({ platform: 'shopify', kind: 'event', host: shop.domain, detail: { event: 'app uninstalled', apiKey: app.apiKey } });
  const deliveries = rt.webhooks.trigger(shop, 'app/uninstalled', shopPayload(shop), { apiKeys: [app.apiKey] });
  rt.webhooks.later(SHOP_REDACT_AFTER_S, () => {
    if (!activeInstallation(rt.state, shop.domain, app.apiKey)) compliance(rt, shop, app, 'shop/redact');
  });
  return deliveries;
}

export function scopesUpdated(rt: ShopifyRuntime, shop: ShopRecord, app: AppConfig, previous: string[], current: string[]): Delivery[] {
  return rt.webhooks.trigger(
    shop,
    'app/scopes_update',
    { id: activeInstallation(rt.state, shop.domain, app.apiKey)?.id ?? 0, admin_graphql_api_id: gid('AppInstallation', activeInstallation(rt.state, shop.domain, app.apiKey)?.id ?? 0), previous, current, updated_at: new Date().toISOString() },
    { apiKeys: [app.apiKey] },
  );
}

export function compliance(rt: ShopifyRuntime, shop: ShopRecord, app: AppConfig, topic: ComplianceTopic, customer?: { id: number; email: string; phone: string | null }): Delivery[] {
  const who = customer ?? { id: 7_100_000_001, email: 'customer@example.com', phone: null };
  const base = { shop_id: shop.id, shop_domain: shop.domain };
  const payload =
    topic === 'shop/redact'
      ? base
      : topic === 'customers/redact'
        ? { ...base, customer: who, orders_to_redact: [] }
        : { ...base, orders_requested: [], customer: who, data_request: { id: Math.floor(Date.now() / 1000) } };
  return rt.webhooks.trigger(shop, topic, payload, { apiKeys: [app.apiKey] });
}
