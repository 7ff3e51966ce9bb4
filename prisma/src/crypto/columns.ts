// Every column that holds ciphertext, by model. The schema documents each with "ciphertext: …";
// a test checks this list against schema.prisma so a new secret column cannot be forgotten here.
export interface EncryptedColumns {
  /** the Prisma client delegate, e.g. `shopifyIntegration` */
  model: 'shopifyIntegration' | 'amazonIntegration' | 'platformIntegration' | 'session';
  /** the table name in SQL */
  table: string;
  columns: readonly string[];
  /**
   * Whether every non-null value must be ciphertext. Session rows are ciphertext only when written
   * through EncryptedSessionStorage; rotation leaves plaintext ones alone.
   */
  alwaysEncrypted: boolean;
}

export const encryptedColumns: readonly EncryptedColumns[] = [
  {
    model: 'shopifyIntegration',
    table: 'ShopifyIntegration',
    columns: ['accessTokenCiphertext', 'refreshTokenCiphertext'],
    alwaysEncrypted: true,
  },
  {
    model: 'amazonIntegration',
    table: 'AmazonIntegration',
    columns: ['lwaClientSecretCiphertext', 'refreshTokenCiphertext', 'accessTokenCiphertext'],
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
