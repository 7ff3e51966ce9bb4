// Encryption at rest: AES-256-GCM with a versioned key ring, no plaintext on disk, key rotation.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevKeyFile, generateKeyEntry, loadKeyring, parseKeyring } from '../src/crypto/keyring';
import type { PrismaClient as AmazonClient } from '../../amazon-service/prisma/generated/sqlite';
import { createSchemaClient } from '../src/client';
import { amazonEncryptedColumns } from '../src/crypto/columns';
import { countStaleCiphertexts, rotateEncryptedColumns } from '../src/crypto/rotate';
import { DecryptionError, decryptSecret, encryptSecret, isCiphertext, needsReencryption } from '../src/crypto/secrets';
import { migrateDatabase } from '../src/migrate';
import { amazonSchema } from '../src/schema-set';
import { createTestDatabase } from '../src/testing';
import type { TestDatabase } from '../src/testing';
import { describeOnEachDatabase } from './support/providers';
import { rawRows } from './support/raw';

const v1Entry = generateKeyEntry('v1');
const v2Entry = generateKeyEntry('v2');
const v1 = parseKeyring(v1Entry);
const v2 = parseKeyring(`${v2Entry},${v1Entry}`);
const v2Only = parseKeyring(v2Entry);

describe('key ring (ENCRYPTION_KEYS)', () => {
  it('takes the first key as current and keeps the others for decryption', () => {
    expect(v2.current.version).toBe('v2');
    expect([...v2.byVersion.keys()]).toEqual(['v2', 'v1']);
  });

  it.each([
    ['', /empty/],
    ['v1', /v<number>:<base64 key>/],
    ['key1:AAAA', /v<number>:<base64 key>/],
    ['v1:c2hvcnQ=', /32 bytes.*got 5 bytes/],
    [`v1:${Buffer.alloc(31, 7).toString('base64')}`, /32 bytes.*got 31 bytes/],
    [`${v1Entry},${v1Entry}`, /v1 appears twice/],
  ])('refuses %j with a clear error', (spec, message) => {
    expect(() => parseKeyring(spec)).toThrow(message);
  });

  it('never puts key material in its errors', () => {
    const secretish = Buffer.alloc(31, 7).toString('base64');
    let caught: unknown;
    try {
      parseKeyring(`v3:${secretish}`);
    } catch (error) {
      caught = error;
    }
    // Asserted after the try: inside it, the catch would swallow a failed expectation.
    expect(caught, 'a 31-byte key is refused').toBeInstanceOf(Error);
    expect(String(caught)).toMatch(/v3: must be 32 bytes/);
    expect(String(caught)).not.toContain(secretish);
  });

  it('makes the development key once, readable only by its owner, and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calibr-keys-'));
    try {
      const file = join(dir, 'encryption-keys');
      expect(ensureDevKeyFile(file)).toBe(true);
      const first = readFileSync(file, 'utf8');
      expect(ensureDevKeyFile(file)).toBe(false);
      expect(readFileSync(file, 'utf8')).toBe(first);
      expect(parseKeyring(first).current.version).toBe('v1');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('requires ENCRYPTION_KEYS in production', () => {
    expect(() => loadKeyring({ NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEYS is required in production/);
    expect(loadKeyring({ NODE_ENV: 'production', ENCRYPTION_KEYS: v1Entry }).current.version).toBe('v1');
  });
});

describe('encryptSecret / decryptSecret', () => {
  it('round-trips any text, with the key version in the stored form', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (plaintext) => {
        const stored = encryptSecret(plaintext, v2);
        expect(stored.startsWith('enc:v2:')).toBe(true);
        expect(isCiphertext(stored)).toBe(true);
        expect(decryptSecret(stored, v2)).toBe(plaintext);
      }),
      { numRuns: 100 },
    );
  });

  it('uses a fresh IV each time, so equal secrets do not look equal', () => {
    expect(encryptSecret('same', v1)).not.toBe(encryptSecret('same', v1));
  });

  it('detects tampering with the data or the tag', () => {
    const stored = encryptSecret('shpat_1234567890', v1);
    const parts = stored.split(':');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const badData = [...parts.slice(0, 4), flip(parts[4] as string)].join(':');
    const badTag = [...parts.slice(0, 3), flip(parts[3] as string), parts[4]].join(':');
    expect(() => decryptSecret(badData, v1)).toThrow(DecryptionError);
    expect(() => decryptSecret(badTag, v1)).toThrow(/failed authentication/);
  });

  it('old keys still decrypt after a new key becomes current; a dropped key is a clear error', () => {
    const old = encryptSecret('Atzr|refresh', v1);
    expect(decryptSecret(old, v2)).toBe('Atzr|refresh');
    expect(needsReencryption(old, v2)).toBe(true);
    expect(needsReencryption(encryptSecret('x', v2), v2)).toBe(false);
    expect(() => decryptSecret(old, v2Only)).toThrow(/No key v1 in ENCRYPTION_KEYS/);
  });

  it('refuses values that are not ciphertext', () => {
    expect(isCiphertext('shpat_plain')).toBe(false);
    expect(() => decryptSecret('shpat_plain', v1)).toThrow(DecryptionError);
  });
});

// Both schema sets in one database (the embedded default): the app's columns through the app's client,
// the Amazon service's through its own.
describeOnEachDatabase('ciphertext columns on disk', (provider) => {
  let t: TestDatabase;
  let amazonDb: AmazonClient;
  let projectId: string;
  let tenantId: string;
  const token = 'shpat_supersecret_offline_token_0123456789';
  const refresh = 'Atzr|IwEBIA-supersecret-refresh-token';

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    await migrateDatabase(t.url, amazonSchema);
    amazonDb = createSchemaClient<AmazonClient>(amazonSchema, t.url);
    tenantId = (await amazonDb.amazonTenant.create({ data: { shopDomain: 'crypto.myshopify.com' } })).id;
    const project = await t.db.project.create({ data: { shopDomain: 'crypto.myshopify.com' } });
    projectId = project.id;
    await t.db.shopifyIntegration.create({
      data: {
        projectId,
        shopDomain: 'crypto.myshopify.com',
        scope: 'read_products',
        accessTokenCiphertext: encryptSecret(token, v1),
        refreshTokenCiphertext: encryptSecret(refresh, v1),
      },
    });
    // Many Amazon rows, so rotation goes through several batches.
    await amazonDb.amazonIntegration.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({
        projectId: tenantId,
        sellingPartnerId: `A${i}`,
        region: 'na',
        marketplaceIds: ['ATVPDKIKX0DER'],
        authMode: 'website_authorization',
        refreshTokenCiphertext: encryptSecret(`${refresh}-${i}`, v1),
        accessTokenCiphertext: i % 2 === 0 ? encryptSecret(`Atza|access-${i}`, v1) : null,
      })),
    });
    // A seller's own app secret kept for its unsubscribe job.
    await amazonDb.amazonUnsubscribeCredential.create({
      data: { sellingPartnerId: 'A0', lwaClientId: 'amzn1.application-oa2-client.own', region: 'na', lwaClientSecretCiphertext: encryptSecret(`${refresh}-own-app`, v1) },
    });
    // Credentials the app holds for an in-process connector (PlatformIntegration.credentialsCiphertext).
    await t.db.platformIntegration.create({
      data: { projectId, platform: 'reference', platformName: 'Reference', credentialsCiphertext: encryptSecret(`{"apiKey":"${refresh}-platform"}`, v1) },
    });
    // A Session written in plaintext by plain PrismaSessionStorage: rotation must leave it alone.
    await t.db.session.create({ data: { id: 'offline_crypto', shop: 'crypto.myshopify.com', state: 's', accessToken: 'shpat_plain_session' } });
  });
  afterAll(async () => {
    await amazonDb?.$disconnect();
    await t?.cleanup();
  });

  it('the raw row holds ciphertext, not the token', async () => {
    const [row] = await rawRows(t, 'SELECT "accessTokenCiphertext", "refreshTokenCiphertext" FROM "ShopifyIntegration"');
    expect(row?.accessTokenCiphertext).toMatch(/^enc:v1:/);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(refresh);
    expect(decryptSecret(row?.accessTokenCiphertext as string, v1)).toBe(token);
  });

  it.runIf(provider === 'sqlite')('no byte of the database file (or its WAL) contains the token', () => {
    for (const file of [t.location, `${t.location}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(token)), file).toBe(false);
      expect(bytes.includes(Buffer.from(refresh)), file).toBe(false);
    }
    // …while the same check does see a plaintext value that is stored (the test can fail).
    const bytes = Buffer.concat([t.location, `${t.location}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    expect(bytes.includes(Buffer.from('shpat_plain_session'))).toBe(true);
  });

  it('rotation rewrites every old-key value with the current key, in batches, and leaves plaintext sessions alone', async () => {
    const amazonColumns = amazonEncryptedColumns;
    expect(await countStaleCiphertexts(t.db, v2)).toBe(2 + 1);
    expect(await countStaleCiphertexts(amazonDb, v2, amazonColumns)).toBe(25 + 13 + 1);
    const report = await rotateEncryptedColumns(t.db, { keyring: v2, batchSize: 10 });
    expect(report.reencrypted).toEqual({ ShopifyIntegration: 2, PlatformIntegration: 1, Session: 0 });
    expect(report.scanned).toEqual({ ShopifyIntegration: 1, PlatformIntegration: 1, Session: 1 });
    expect(report.notEncrypted).toBe(0);
    const amazonReport = await rotateEncryptedColumns(amazonDb, { keyring: v2, batchSize: 10, columns: amazonColumns });
    expect(amazonReport.reencrypted).toEqual({ AmazonIntegration: 38, AmazonUnsubscribeCredential: 1 });
    expect(amazonReport.scanned).toEqual({ AmazonIntegration: 25, AmazonUnsubscribeCredential: 1 });
    expect(await countStaleCiphertexts(t.db, v2)).toBe(0);
    expect(await countStaleCiphertexts(amazonDb, v2, amazonColumns)).toBe(0);

    // The old key can now go: everything decrypts with v2 alone.
    const [shopify] = await rawRows(t, 'SELECT "accessTokenCiphertext", "refreshTokenCiphertext" FROM "ShopifyIntegration"');
    expect(shopify?.accessTokenCiphertext).toMatch(/^enc:v2:/);
    expect(decryptSecret(shopify?.accessTokenCiphertext as string, v2Only)).toBe(token);
    expect(decryptSecret(shopify?.refreshTokenCiphertext as string, v2Only)).toBe(refresh);
    const amazon = await rawRows(t, 'SELECT "sellingPartnerId", "refreshTokenCiphertext" FROM "AmazonIntegration"');
    for (const row of amazon) {
      expect(decryptSecret(row.refreshTokenCiphertext as string, v2Only)).toBe(`${refresh}-${String(row.sellingPartnerId).slice(1)}`);
    }
    const [kept] = await rawRows(t, 'SELECT "lwaClientSecretCiphertext" FROM "AmazonUnsubscribeCredential"');
    expect(decryptSecret(kept?.lwaClientSecretCiphertext as string, v2Only)).toBe(`${refresh}-own-app`);
    const [session] = await rawRows(t, 'SELECT "accessToken" FROM "Session"');
    expect(session?.accessToken).toBe('shpat_plain_session');

    // A second run has nothing left to do.
    const again = await rotateEncryptedColumns(t.db, { keyring: v2 });
    expect(Object.values(again.reencrypted).reduce((a, b) => a + b, 0)).toBe(0);
    const amazonAgain = await rotateEncryptedColumns(amazonDb, { keyring: v2, columns: amazonColumns });
    expect(amazonAgain.reencrypted).toEqual({ AmazonIntegration: 0, AmazonUnsubscribeCredential: 0 });
  });

  it('rotation never overwrites a value written concurrently (compare-and-set)', async () => {
    const row = await amazonDb.amazonIntegration.create({
      data: {
        projectId: tenantId,
        sellingPartnerId: 'RACER',
        region: 'fe',
        marketplaceIds: ['A1VC38T7YXB528'],
        authMode: 'self_authorization',
        refreshTokenCiphertext: encryptSecret('Atzr|before', v1),
      },
    });
    const concurrent = encryptSecret('Atzr|written-meanwhile', v2);
    let interfered = false;
    // The app re-authorizes the seller between rotation's read and its write.
    const racingDb = new Proxy(amazonDb, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'amazonIntegration') return value;
        return {
          findMany: (args: never) => target.amazonIntegration.findMany(args),
          updateMany: async (args: never) => {
            if (!interfered) {
              interfered = true;
              await target.amazonIntegration.update({ where: { id: row.id }, data: { refreshTokenCiphertext: concurrent } });
            }
            return target.amazonIntegration.updateMany(args);
          },
        };
      },
    });
    const report = await rotateEncryptedColumns(racingDb, { keyring: v2, columns: amazonEncryptedColumns });
    expect(report.raced).toBe(1);
    const [stored] = await rawRows(t, `SELECT "refreshTokenCiphertext" FROM "AmazonIntegration" WHERE "sellingPartnerId" = 'RACER'`);
    expect(stored?.refreshTokenCiphertext).toBe(concurrent);
  });
});
