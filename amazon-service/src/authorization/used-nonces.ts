// Single-use ids, remembered in the AmazonUsedNonce table until they expire on their own: the nonce of each
// signed service request and the id of each settings link. The table's primary key (purpose, nonce)
// decides who used an id first, also between two requests at the same instant, on SQLite and PostgreSQL.
import { isPrismaError } from '@calibr/db';
import type { NonceStore } from '@calibr/shared-contracts';
import type { AmazonContext } from '../amazon-context';

export type NoncePurpose = 'service-request' | 'settings-link';

/** Expired rows go at most this often (one indexed delete), so claiming stays one insert. */
const PRUNE_EVERY_MS = 60_000;
const lastPruned = new WeakMap<object, number>();

/** Records the id as used until `expiresAt`: true the first time, false once it was used. */
export async function claimNonce(ctx: AmazonContext, purpose: NoncePurpose, nonce: string, expiresAt: Date): Promise<boolean> {
  await pruneExpired(ctx);
  try {
    await ctx.db.amazonUsedNonce.create({ data: { purpose, nonce, expiresAt } });
    return true;
  } catch (error) {
    if (isPrismaError(error, 'P2002')) return false;
    throw error;
  }
}

async function pruneExpired(ctx: AmazonContext): Promise<void> {
  const now = Date.now();
  if (now - (lastPruned.get(ctx.db) ?? 0) < PRUNE_EVERY_MS) return;
  lastPruned.set(ctx.db, now);
  // Only rows past their own expiry: an id still inside its lifetime is never forgotten.
  await ctx.db.amazonUsedNonce.deleteMany({ where: { expiresAt: { lt: new Date(now) } } });
}

/** The nonces of signed service requests (the connector routes and /api). */
export function serviceRequestNonces(ctx: AmazonContext): NonceStore {
  return { claim: (nonce, validUntil) => claimNonce(ctx, 'service-request', nonce, validUntil) };
}
