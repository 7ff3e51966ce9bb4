// Shopify session storage on our Prisma client, with the tokens encrypted at rest.
// PrismaSessionStorage (@shopify/shopify-app-session-storage-prisma) writes the Session table as the
// library defines it; this wrapper hands it sessions whose accessToken/refreshToken are already
// ciphertext (enc:v…), and decrypts them on the way out. Rows written in plaintext earlier still load.
//
//   import { EncryptedSessionStorage } from '@calibr/db/session-storage';
//   shopifyApp({ …, sessionStorage: new EncryptedSessionStorage(db) });
import { Session } from '@shopify/shopify-api';
import type { SessionStorage } from '@shopify/shopify-app-session-storage';
import { PrismaSessionStorage } from '@shopify/shopify-app-session-storage-prisma';
import type { Db } from '../client';
import type { Keyring } from '../crypto/keyring';
import { decryptSecret, encryptSecret, isCiphertext } from '../crypto/secrets';

export interface EncryptedSessionStorageOptions {
  keyring?: Keyring;
  /** PrismaSessionStorage's wait for the Session table (it polls `connectionRetries` times). */
  connectionRetries?: number;
  connectionRetryIntervalMs?: number;
}

export class EncryptedSessionStorage implements SessionStorage {
  readonly prismaStorage: PrismaSessionStorage<Db>;
  private readonly keyring: Keyring | undefined;

  constructor(db: Db, options: EncryptedSessionStorageOptions = {}) {
    this.keyring = options.keyring;
    this.prismaStorage = new PrismaSessionStorage(db, {
      ...(options.connectionRetries !== undefined ? { connectionRetries: options.connectionRetries } : {}),
      ...(options.connectionRetryIntervalMs !== undefined ? { connectionRetryIntervalMs: options.connectionRetryIntervalMs } : {}),
    });
  }

  isReady(): Promise<boolean> {
    return this.prismaStorage.isReady();
  }

  storeSession(session: Session): Promise<boolean> {
    const sealed = new Session(session.toObject());
    if (session.accessToken) sealed.accessToken = encryptSecret(session.accessToken, this.keyring);
    if (session.refreshToken) sealed.refreshToken = encryptSecret(session.refreshToken, this.keyring);
    return this.prismaStorage.storeSession(sealed);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.prismaStorage.loadSession(id);
    return session ? this.open(session) : undefined;
  }

  deleteSession(id: string): Promise<boolean> {
    return this.prismaStorage.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.prismaStorage.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const sessions = await this.prismaStorage.findSessionsByShop(shop);
    return sessions.map((session) => this.open(session));
  }

  private open(session: Session): Session {
    if (session.accessToken && isCiphertext(session.accessToken)) {
      session.accessToken = decryptSecret(session.accessToken, this.keyring);
    }
    if (session.refreshToken && isCiphertext(session.refreshToken)) {
      session.refreshToken = decryptSecret(session.refreshToken, this.keyring);
    }
    return session;
  }
}
