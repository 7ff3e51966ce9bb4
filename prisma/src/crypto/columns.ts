// Every column that holds ciphertext, by schema set and model. The schemas document each with
// "ciphertext: …"; a test checks these lists against both schemas so a new secret column cannot be
// forgotten here.
import type { SchemaSet } from '../schema-set';

export interface EncryptedColumns {
  /** the Prisma client delegate, e.g. `shopifyIntegration` */
  model: 'shopifyIntegration' | 'amazonIntegration' | 'amazonUnsubscribeCredential' | 'platformIntegration' | 'session';
  /** the table name in SQL */
  table: string;
  columns: readonly string[];
  /**
   * Whether every non-null value must be ciphertext. Session rows are ciphertext only when written
   * through EncryptedSessionStorage; rotation leaves plaintext ones alone.
   */
  alwaysEncrypted: boolean;
}

/** The app schema's ciphertext columns. */
export const encryptedColumns: readonly EncryptedColumns[] = [
  {
    model: 'shopifyIntegration',
    table: 'ShopifyIntegration',
    columns: ['accessTokenCiphertext', 'refreshTokenCiphertext'],
    alwaysEncrypted: true,
  },
  {
    model: 'platformIntegration',
    table: 'PlatformIntegration',
    columns: ['credentialsCiphertext'],
    alwaysEncrypted: true,
  },
  { model: 'session', table: 'Session', columns: ['accessToken', 'refreshToken'], alwaysEncrypted: false },
];

/** The Amazon service schema's ciphertext columns. */
export const amazonEncryptedColumns: readonly EncryptedColumns[] = [
  {
    model: 'amazonIntegration',
    table: 'AmazonIntegration',
    columns: ['lwaClientSecretCiphertext', 'refreshTokenCiphertext', 'accessTokenCiphertext'],
    alwaysEncrypted: true,
  },
  {
    model: 'amazonUnsubscribeCredential',
    table: 'AmazonUnsubscribeCredential',
    columns: ['lwaClientSecretCiphertext'],
    alwaysEncrypted: true,
  },
];

export function encryptedColumnsOf(set: SchemaSet): readonly EncryptedColumns[] {
  return set.name === 'amazon' ? amazonEncryptedColumns : encryptedColumns;
}
