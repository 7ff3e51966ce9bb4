// The Amazon service on a database of its own: started with AMAZON_DATABASE_URL naming an empty
// database (a new SQLite file; a new PostgreSQL schema when TEST_DATABASE_URL is set), it applies its
// own migrations, creates no app table, and serves: health, self-authorization, consent, catalog sync.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTestPostgres, POSTGRES_SKIP_REASON, type DatabaseProvider } from '@calibr/db';
import {
  approveConsent,
  connectDemoSeller,
  json,
  openSettingsSession,
  signedFetch,
  startConsentIn,
  startHarness,
  US,
  type Harness,
} from './support/harness';

const SHOP = 'standalone.myshopify.com';

interface EmptyDatabase {
  url: string;
  tables(): Promise<string[]>;
  cleanup(): Promise<void>;
}

function emptySqliteFile(): EmptyDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'calibr-amazon-only-'));
  const file = join(dir, 'amazon.db');
  return {
    url: `file:${file}`,
    tables: async () => {
      if (!existsSync(file)) return [];
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name).sort();
      } finally {
        db.close();
      }
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function emptyPostgresSchema(): EmptyDatabase {
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const schema = `amazon_only_${randomBytes(5).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: base.toString() });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url: url.toString(),
    tables: async () => (await query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema])).map((r) => r.table_name).sort(),
    cleanup: async () => void (await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
  };
}

const providers: DatabaseProvider[] = hasTestPostgres() ? ['sqlite', 'postgresql'] : ['sqlite'];
if (!hasTestPostgres()) it.skip(`on PostgreSQL — ${POSTGRES_SKIP_REASON}`, () => undefined);

describe.each(providers)('the Amazon service alone on an empty %s database', (provider) => {
  let empty: EmptyDatabase;
  let h: Harness;

  beforeAll(async () => {
    empty = provider === 'sqlite' ? emptySqliteFile() : emptyPostgresSchema();
    expect(await empty.tables()).toEqual([]);
    // No `db` handed in: the service opens AMAZON_DATABASE_URL itself and migrates it on start.
    h = await startHarness({ service: { db: undefined, env: { AMAZON_DATABASE_URL: empty.url } as NodeJS.ProcessEnv } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await empty?.cleanup();
  });

  it('applied its own migration: only Amazon tables, not one of the app\'s', async () => {
    const tables = await empty.tables();
    expect(tables).toContain('AmazonIntegration');
    expect(tables).toContain('AmazonPriceFeed');
    expect(tables.filter((t) => !t.startsWith('Amazon') && t !== '_prisma_migrations')).toEqual([]);
    expect(tables).not.toContain('Project');
  });

  it('is live and ready, and its /health reads the database', async () => {
    expect((await fetch(`${h.service.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.service.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', migrations: 'applied', notifications: expect.objectContaining({ configured: false, state: 'off' }) });
    const health = await fetch(`${h.service.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
  });

  it('connects a seller (self-authorization), syncs its catalog and lists it, all on its own tables', async () => {
    await connectDemoSeller(h, SHOP);
    const status = await json<{ connected: boolean }>(await signedFetch(h.service.url, SHOP, 'GET', '/api/integrations/amazon/auth'));
    expect(status.connected).toBe(true);
    const sync = await json<{ itemsSynced: number }>(await signedFetch(h.service.url, SHOP, 'POST', '/api/integrations/amazon/catalog/sync', { marketplaceId: US }));
    expect(sync.itemsSynced).toBeGreaterThan(0);
    const page = await json<{ listings: { sku: string }[] }>(await signedFetch(h.service.url, SHOP, 'GET', `/api/integrations/amazon/catalog/listings?marketplaceId=${US}&limit=5`));
    expect(page.listings.length).toBeGreaterThan(0);
  });

  it('runs Seller Central consent for another shop through its settings page', async () => {
    const other = 'standalone-consent.myshopify.com';
    const session = await openSettingsSession(h.service.url, other);
    const consentUrl = await startConsentIn(h.service.url, session);
    const callback = await approveConsent(consentUrl);
    const done = await fetch(callback, { headers: { cookie: session.cookie }, redirect: 'manual' });
    expect(done.status, await done.clone().text()).toBe(303);
    const status = await json<{ connected: boolean }>(await signedFetch(h.service.url, other, 'GET', '/api/integrations/amazon/auth'));
    expect(status.connected).toBe(true);
  });
});
