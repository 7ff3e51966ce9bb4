// shopify.app.toml says what Shopify CLI needs, in one Admin API version with the app, and every webhook
// it subscribes has a route in the app.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { SHOPIFY_API_VERSION } from '../app/platforms/shopify/connector/api-version';

const tomlPath = fileURLToPath(new URL('../../shopify.app.toml', import.meta.url));
const routes = fileURLToPath(new URL('../app/routes/', import.meta.url));

interface AppToml {
  client_id: string;
  name: string;
  application_url: string;
  embedded: boolean;
  access_scopes: { scopes: string };
  auth: { redirect_urls: string[] };
  webhooks: { api_version: string; subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }> };
}

const toml = parse(readFileSync(tomlPath, 'utf8')) as unknown as AppToml;

describe('shopify.app.toml', () => {
  it('has what Shopify CLI requires for an embedded app', () => {
    expect(toml.client_id).toMatch(/^[0-9a-f]{32}$/);
    expect(toml.name).toBe('Calibrate');
    expect(() => new URL(toml.application_url)).not.toThrow();
    expect(toml.embedded).toBe(true);
    expect(toml.access_scopes.scopes.split(',')).toEqual(['read_products', 'write_products', 'read_inventory']);
    expect(toml.auth.redirect_urls).toContain(`${toml.application_url}/auth/callback`);
  });

  it('uses the app’s one Admin API version', () => {
    expect(toml.webhooks.api_version).toBe(SHOPIFY_API_VERSION);
  });

  it('subscribes the app and compliance topics, each to a route that exists', () => {
    const topics = toml.webhooks.subscriptions.flatMap((s) => s.topics ?? []);
    const compliance = toml.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []);
    expect(topics.sort()).toEqual(['app/scopes_update', 'app/uninstalled', 'products/create', 'products/delete', 'products/update', 'shop/update']);
    expect(compliance.sort()).toEqual(['customers/data_request', 'customers/redact', 'shop/redact']);
    for (const sub of toml.webhooks.subscriptions) {
      // Remix flat routes: /webhooks/products/update is app/routes/webhooks.products.update.tsx
      const file = `${routes}${sub.uri.replace(/^\//, '').replaceAll('/', '.')}.tsx`;
      expect(existsSync(file), `${sub.uri} has no route (${file})`).toBe(true);
    }
  });
});
