// A self-authorized seller's own LWA client secret, kept for the job that unsubscribes the seller
// (AmazonUnsubscribeCredential). deleteSubscriptionById is grantless: it takes the client credentials of the
// app that subscribed, not the seller's refresh token, so a seller who connected with their own app can only
// be unsubscribed with that app's secret, which the shop forgets as it lets go of the seller. The ciphertext
// is copied as it is (never decrypted here), in the transaction that forgets it, and erased once the job is
// done, whatever its outcome.
import { decryptSecret } from '@calibr/db';
import type { AmazonContext } from '../amazon-context';
import type { AmazonDb } from '../database/amazon-db';
import type { LwaAppCredentials } from '../sp-api/selling-partner';

type CredentialDb = Pick<AmazonDb, 'amazonUnsubscribeCredential'>;

/** An integration a shop lets go of, with the secret it is about to forget. */
export interface SellerLetGo {
  sellingPartnerId: string;
  lwaClientId: string | null;
  region: string;
  lwaClientSecretCiphertext: string | null;
}

/**
 * The writes keeping the secrets of the sellers' own apps among `rows` (this service's app needs none: its
 * secret is the environment's). Run them in the transaction that forgets the integrations' secrets.
 */
export function keepForUnsubscribe(ctx: AmazonContext, db: CredentialDb, rows: readonly SellerLetGo[]) {
  // No queue configured: no unsubscribe job will run, so nothing is kept for one.
  if (!ctx.notifications.configured) return [];
  return rows
    .filter((r) => r.lwaClientId && r.lwaClientId !== ctx.config.lwaClientId && r.lwaClientSecretCiphertext)
    .map((r) => {
      const key = { sellingPartnerId: r.sellingPartnerId, lwaClientId: r.lwaClientId!, region: r.region };
      const lwaClientSecretCiphertext = r.lwaClientSecretCiphertext!;
      return db.amazonUnsubscribeCredential.upsert({
        where: { sellingPartnerId_lwaClientId_region: key },
        create: { ...key, lwaClientSecretCiphertext },
        update: { lwaClientSecretCiphertext },
      });
    });
}

export interface UnsubscribeCredential {
  lwa: LwaAppCredentials;
  /** The stored ciphertext: erasing compares it, so a secret kept again meanwhile (another let-go) stays. */
  ciphertext: string;
}

export async function unsubscribeCredential(ctx: AmazonContext, key: { sellingPartnerId: string; lwaClientId: string; region: string }): Promise<UnsubscribeCredential | null> {
  const row = await ctx.db.amazonUnsubscribeCredential.findUnique({ where: { sellingPartnerId_lwaClientId_region: key } });
  if (!row) return null;
  return { lwa: { clientId: row.lwaClientId, clientSecret: decryptSecret(row.lwaClientSecretCiphertext) }, ciphertext: row.lwaClientSecretCiphertext };
}

/**
 * Erases the kept secret the job read. Returns false when another let-go kept a newer one meanwhile (each
 * encryption has its own IV, so the ciphertexts differ): that one is left for the job's next run.
 */
export async function eraseUnsubscribeCredential(ctx: AmazonContext, key: { sellingPartnerId: string; lwaClientId: string; region: string }, ciphertext: string): Promise<boolean> {
  await ctx.db.amazonUnsubscribeCredential.deleteMany({ where: { ...key, lwaClientSecretCiphertext: ciphertext } });
  return (await ctx.db.amazonUnsubscribeCredential.count({ where: key })) === 0;
}
