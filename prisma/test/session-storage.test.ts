// @shopify/shopify-app-session-storage-prisma's PrismaSessionStorage works on our client and the
// Session table on both databases; EncryptedSessionStorage keeps the tokens encrypted at rest.
import { Session } from '@shopify/shopify-api';
import { PrismaSessionStorage } from '@shopify/shopify-app-session-storage-prisma';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeyEntry, parseKeyring } from '../src/crypto/keyring';
import { EncryptedSessionStorage } from '../src/shopify/encrypted-session-storage';
import { createTestDatabase } from '../src/testing';
import type { TestDatabase } from '../src/testing';
import { describeOnEachDatabase } from './support/providers';
import { rawRows } from './support/raw';

const keyring = parseKeyring(generateKeyEntry('v1'));

function offlineSession(shop: string): Session {
  return new Session({
    id: `offline_${shop}`,
    shop,
    state: 'state-123',
    isOnline: false,
    scope: 'read_products,write_products,read_inventory',
    // An expiring offline token with its refresh token.
    expires: new Date('2030-01-01T00:00:00.000Z'),
    accessToken: 'shpat_offline_access_token',
    refreshToken: 'shprt_offline_refresh_token',
    refreshTokenExpires: new Date('2030-03-01T00:00:00.000Z'),
  });
}

function onlineSession(shop: string): Session {
  return new Session({
    id: `${shop}_42`,
    shop,
    state: 'state-456',
    isOnline: true,
    scope: 'read_products',
    expires: new Date('2030-01-02T00:00:00.000Z'),
    accessToken: 'shpua_online_token',
    onlineAccessInfo: {
      expires_in: 86399,
      associated_user_scope: 'read_products',
      associated_user: {
        id: 902541635,
        first_name: 'Zoë',
        last_name: 'Test',
        email: 'zoe@example.com',
        email_verified: true,
        account_owner: true,
        locale: 'fr',
        collaborator: false,
      },
    },
  });
}

describeOnEachDatabase('Shopify session storage', (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ provider });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('PrismaSessionStorage stores, loads, finds and deletes sessions (offline with refresh token, online with user)', async () => {
    const storage = new PrismaSessionStorage(t.db, { connectionRetries: 1, connectionRetryIntervalMs: 10 });
    expect(await storage.isReady()).toBe(true);
    const offline = offlineSession('plain.myshopify.com');
    const online = onlineSession('plain.myshopify.com');
    expect(await storage.storeSession(offline)).toBe(true);
    expect(await storage.storeSession(online)).toBe(true);

    const loaded = await storage.loadSession(offline.id);
    expect(loaded?.equals(offline)).toBe(true);
    expect(loaded?.refreshToken).toBe('shprt_offline_refresh_token');
    expect(loaded?.refreshTokenExpires?.toISOString()).toBe('2030-03-01T00:00:00.000Z');
    const loadedOnline = await storage.loadSession(online.id);
    expect(loadedOnline?.onlineAccessInfo?.associated_user.email).toBe('zoe@example.com');
    expect(loadedOnline?.onlineAccessInfo?.associated_user.id).toBe(902541635);

    // storeSession is an upsert: a refreshed token replaces the old one.
    offline.accessToken = 'shpat_refreshed';
    await storage.storeSession(offline);
    expect((await storage.loadSession(offline.id))?.accessToken).toBe('shpat_refreshed');

    expect((await storage.findSessionsByShop('plain.myshopify.com')).map((s) => s.id).sort()).toEqual([offline.id, online.id].sort());
    await storage.deleteSessions([offline.id, online.id]);
    expect(await storage.findSessionsByShop('plain.myshopify.com')).toEqual([]);
  });

  it('EncryptedSessionStorage stores ciphertext and gives back the session as it was', async () => {
    const storage = new EncryptedSessionStorage(t.db, { keyring, connectionRetries: 1, connectionRetryIntervalMs: 10 });
    const offline = offlineSession('sealed.myshopify.com');
    await storage.storeSession(offline);

    const [row] = await rawRows(t, `SELECT "accessToken", "refreshToken" FROM "Session" WHERE "id" = 'offline_sealed.myshopify.com'`);
    expect(row?.accessToken).toMatch(/^enc:v1:/);
    expect(row?.refreshToken).toMatch(/^enc:v1:/);
    expect(JSON.stringify(row)).not.toContain('shpat_offline_access_token');
    expect(JSON.stringify(row)).not.toContain('shprt_offline_refresh_token');
    // The caller's session object is not modified.
    expect(offline.accessToken).toBe('shpat_offline_access_token');

    const loaded = await storage.loadSession(offline.id);
    expect(loaded?.equals(offline)).toBe(true);
    const [found] = await storage.findSessionsByShop('sealed.myshopify.com');
    expect(found?.refreshToken).toBe('shprt_offline_refresh_token');

    await storage.deleteSession(offline.id);
    expect(await storage.loadSession(offline.id)).toBeUndefined();
  });

  it('EncryptedSessionStorage still loads a session written in plaintext before encryption was on', async () => {
    const plain = new PrismaSessionStorage(t.db, { connectionRetries: 1, connectionRetryIntervalMs: 10 });
    const legacy = offlineSession('legacy.myshopify.com');
    await plain.storeSession(legacy);
    const sealed = new EncryptedSessionStorage(t.db, { keyring, connectionRetries: 1, connectionRetryIntervalMs: 10 });
    expect((await sealed.loadSession(legacy.id))?.accessToken).toBe('shpat_offline_access_token');
  });
});
