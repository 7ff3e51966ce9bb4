// The app served in this process on a fresh test database, with one installed shop, for the bounded
// webhook-load tests (no sandbox: products/update processing never calls Shopify).
import { createTestDatabase, type TestDatabase } from '@calibr/db/testing';
import type { DatabaseProvider } from '@calibr/db';
import { startShopifyApp, type RunningApp } from '../../../server/start-app';
import { seedLoadShop } from './webhook-load';

export const LOAD_API_KEY = 'h9load0api0key0000000000000000001';
export const LOAD_API_SECRET = 'shpss_h9_webhook_load_secret_00000000001';

export interface LoadWorld {
  database: TestDatabase;
  app: RunningApp;
  close(): Promise<void>;
}

export async function startLoadWorld(provider: DatabaseProvider, shop: string): Promise<LoadWorld> {
  const database = await createTestDatabase({ provider });
  await seedLoadShop(database.db, shop);
  const app = await startShopifyApp({
    env: {
      DATABASE_URL: database.url,
      SHOPIFY_API_KEY: LOAD_API_KEY,
      SHOPIFY_API_SECRET: LOAD_API_SECRET,
      SANDBOX_URL: undefined,
      PRICING_WORKER: 'off',
      PRICING_MONITOR: 'off',
    },
  });
  return {
    database,
    app,
    async close() {
      await app.close().catch(() => undefined);
      await database.cleanup().catch(() => undefined);
    },
  };
}
