// The Shopify app the sandbox hosts: its api key/secret, scopes, URLs and webhook subscriptions. Read, in
// increasing precedence, from defaults, the repo's shopify.app.toml (smol-toml), start options, and what the
// app registers about itself through the control API (its URL in sandbox mode).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';

export const DEFAULT_API_VERSION = '2025-01';

/** Sandbox-only identity of the Calibrate app when nothing else is configured. */
export const DEFAULT_APP = {
  apiKey: '5a4db0c0ca1b4a7e9d3f2c1b0a998877',
  apiSecret: 'shpss_sandbox0calibr0app0secret0000000001',
  name: 'Calibrate',
  handle: 'calibrate',
  scopes: ['read_products', 'write_products'],
};

export interface WebhookSubscriptionConfig {
  /** REST-style topics, e.g. "products/update". */
  topics?: string[];
  /** customers/data_request, customers/redact, shop/redact. */
  complianceTopics?: string[];
  /** Absolute, or relative to the application URL. */
  uri: string;
  filter?: string;
  includeFields?: string[];
}

export interface ShopifyAppConfigInput {
  apiKey?: string;
  apiSecret?: string;
  name?: string;
  handle?: string;
  scopes?: string | string[];
  applicationUrl?: string;
  redirectUrls?: string[];
  embedded?: boolean;
  webhooksApiVersion?: string;
  webhooks?: WebhookSubscriptionConfig[];
}

export interface AppConfig {
  apiKey: string;
  apiSecret: string;
  name: string;
  handle: string;
  scopes: string[];
  applicationUrl: string | null;
  redirectUrls: string[];
  embedded: boolean;
  webhooksApiVersion: string;
  webhooks: WebhookSubscriptionConfig[];
  /** Where the config came from, for GET /_sandbox/shopify/apps. */
  sources: string[];
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function defaultTomlPath(): string | null {
  for (const candidate of [path.join(REPO_ROOT, 'shopify.app.toml'), path.join(REPO_ROOT, 'shopify-app', 'shopify.app.toml')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

export function splitScopes(scopes: string | string[] | undefined): string[] | undefined {
  if (scopes === undefined) return undefined;
  const list = Array.isArray(scopes) ? scopes : scopes.split(',');
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))];
}

/** shopify.app.toml -> config input (only the keys the sandbox uses). */
export function readAppToml(file: string): ShopifyAppConfigInput {
  const toml = parseToml(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const webhooks = obj(toml.webhooks);
  const subs = Array.isArray(webhooks.subscriptions) ? webhooks.subscriptions.map(obj) : [];
  const input: ShopifyAppConfigInput = {
    apiKey: typeof toml.client_id === 'string' && toml.client_id ? toml.client_id : undefined,
    name: typeof toml.name === 'string' ? toml.name : undefined,
    handle: typeof toml.handle === 'string' ? toml.handle : undefined,
    applicationUrl: typeof toml.application_url === 'string' ? toml.application_url : undefined,
    embedded: typeof toml.embedded === 'boolean' ? toml.embedded : undefined,
    scopes: typeof obj(toml.access_scopes).scopes === 'string' ? (obj(toml.access_scopes).scopes as string) : undefined,
    redirectUrls: strs(obj(toml.auth).redirect_urls),
    webhooksApiVersion: typeof webhooks.api_version === 'string' ? webhooks.api_version : undefined,
    webhooks: subs
      .filter((s) => typeof s.uri === 'string')
      .map((s) => ({
        uri: s.uri as string,
        topics: strs(s.topics),
        complianceTopics: strs(s.compliance_topics),
        filter: typeof s.filter === 'string' ? s.filter : undefined,
        includeFields: strs(s.include_fields),
      })),
  };
  return input;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function mergeAppConfig(layers: Array<{ source: string; input: ShopifyAppConfigInput | undefined }>): AppConfig {
  const config: AppConfig = {
    ...DEFAULT_APP,
    applicationUrl: null,
    redirectUrls: [],
    embedded: true,
    webhooksApiVersion: DEFAULT_API_VERSION,
    webhooks: [],
    sources: ['defaults'],
  };
  for (const { source, input } of layers) {
    if (!input) continue;
    const { scopes, ...rest } = defined(input);
    Object.assign(config, rest);
    const list = splitScopes(scopes);
    if (list) config.scopes = list;
    config.sources.push(source);
  }
  return config;
}

/** Resolve a subscription URI against the application URL (Shopify accepts relative URIs in the toml). */
export function resolveWebhookUri(config: AppConfig, uri: string): string | null {
  if (/^https?:\/\//i.test(uri)) return uri;
  if (!config.applicationUrl) return null;
  return new URL(uri, config.applicationUrl.endsWith('/') ? config.applicationUrl : `${config.applicationUrl}/`).toString();
}

/** Watches shopify.app.toml so edits (H5 writing it, or a developer) take effect without a restart. */
export class AppTomlSource {
  private mtimeMs = -1;
  private cached: ShopifyAppConfigInput | undefined;

  constructor(private readonly file: string | null) {}

  get path(): string | null {
    return this.file;
  }

  read(): ShopifyAppConfigInput | undefined {
    if (!this.file || !fs.existsSync(this.file)) return undefined;
    const { mtimeMs } = fs.statSync(this.file);
    if (mtimeMs !== this.mtimeMs) {
      this.mtimeMs = mtimeMs;
      try {
        this.cached = readAppToml(this.file);
      } catch (err) {
        console.warn(`[sandbox] ignoring ${this.file}: ${err instanceof Error ? err.message : String(err)}`);
        this.cached = undefined;
      }
    }
    return this.cached;
  }
}
