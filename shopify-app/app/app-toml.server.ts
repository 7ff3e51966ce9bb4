// shopify.app.toml, read once: the app's declared scopes and webhook subscriptions are the truth the
// app keeps ShopifyWebhookSubscription rows in line with.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'smol-toml';

export interface TomlSubscription {
  topic: string;
  uri: string;
  compliance: boolean;
}

export interface AppToml {
  path: string;
  clientId: string;
  applicationUrl: string;
  scopes: string;
  webhooksApiVersion: string;
  subscriptions: TomlSubscription[];
}

/** Finds shopify.app.toml: SHOPIFY_APP_TOML, else the nearest one from the working directory up. */
export function findAppToml(start = process.cwd()): string {
  if (process.env.SHOPIFY_APP_TOML) return resolve(process.env.SHOPIFY_APP_TOML);
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, 'shopify.app.toml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`shopify.app.toml not found from ${start} upwards (set SHOPIFY_APP_TOML)`);
    dir = parent;
  }
}

let cached: AppToml | undefined;

export function readAppToml(path = findAppToml()): AppToml {
  if (cached && cached.path === path) return cached;
  const raw = parse(readFileSync(path, 'utf8')) as {
    client_id?: string;
    application_url?: string;
    access_scopes?: { scopes?: string };
    webhooks?: {
      api_version?: string;
      subscriptions?: Array<{ topics?: string[]; compliance_topics?: string[]; uri?: string }>;
    };
  };
  const subscriptions: TomlSubscription[] = [];
  for (const sub of raw.webhooks?.subscriptions ?? []) {
    if (!sub.uri) continue;
    for (const topic of sub.topics ?? []) subscriptions.push({ topic, uri: sub.uri, compliance: false });
    for (const topic of sub.compliance_topics ?? []) subscriptions.push({ topic, uri: sub.uri, compliance: true });
  }
  cached = {
    path,
    clientId: raw.client_id ?? '',
    applicationUrl: raw.application_url ?? 'http://localhost:3000',
    scopes: raw.access_scopes?.scopes ?? '',
    webhooksApiVersion: raw.webhooks?.api_version ?? '',
    subscriptions,
  };
  return cached;
}
