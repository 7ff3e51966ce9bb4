// AES-256-GCM for secrets at rest (tokens, client secrets). The stored text carries the key version:
//   enc:<version>:<iv base64url>:<auth tag base64url>:<ciphertext base64url>
// so a rotated key ring still decrypts old rows while new writes use the current key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { loadKeyring } from './keyring';
import type { Keyring } from './keyring';

const PREFIX = 'enc';
const IV_BYTES = 12; // GCM's standard nonce size
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

interface Envelope {
  version: string;
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

function parseEnvelope(value: string): Envelope | undefined {
  const parts = value.split(':');
  if (parts.length !== 5 || parts[0] !== PREFIX) return undefined;
  const [, version, iv, tag, data] = parts as [string, string, string, string, string];
  return {
    version,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    data: Buffer.from(data, 'base64url'),
  };
}

/** Whether a stored value is in our ciphertext format (it says nothing of which key). */
export function isCiphertext(value: string): boolean {
  const envelope = parseEnvelope(value);
  return envelope !== undefined && envelope.iv.length === IV_BYTES && envelope.tag.length === TAG_BYTES;
}

/** Encrypts with the key ring's current key and a fresh random IV. */
export function encryptSecret(plaintext: string, keyring: Keyring = loadKeyring()): string {
  const { version, key } = keyring.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [PREFIX, version, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join(':');
}

/** Decrypts with whichever key of the ring wrote it; tampering or an unknown key is a DecryptionError. */
export function decryptSecret(ciphertext: string, keyring: Keyring = loadKeyring()): string {
  const envelope = parseEnvelope(ciphertext);
  if (!envelope || envelope.iv.length !== IV_BYTES || envelope.tag.length !== TAG_BYTES) {
    throw new DecryptionError('Not an encrypted value (expected enc:<version>:<iv>:<tag>:<data>)');
  }
  const entry = keyring.byVersion.get(envelope.version);
  if (!entry) {
    throw new DecryptionError(
      `No key ${envelope.version} in ENCRYPTION_KEYS (have ${[...keyring.byVersion.keys()].join(', ')}): keep old keys until rotation has finished`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', entry.key, envelope.iv);
    decipher.setAuthTag(envelope.tag);
    return Buffer.concat([decipher.update(envelope.data), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError(`Ciphertext failed authentication with key ${envelope.version} (tampered or wrong key)`);
  }
}

/** True when the value was written with another key than the current one (rotation should rewrite it). */
export function needsReencryption(ciphertext: string, keyring: Keyring = loadKeyring()): boolean {
  const envelope = parseEnvelope(ciphertext);
  if (!envelope) throw new DecryptionError('Not an encrypted value (expected enc:<version>:<iv>:<tag>:<data>)');
  return envelope.version !== keyring.current.version;
}

/** encryptSecret for optional values: null/undefined stay as they are. */
export function encryptOptional(plaintext: string | null | undefined, keyring?: Keyring): string | null {
  return plaintext === null || plaintext === undefined ? null : encryptSecret(plaintext, keyring);
}

/** decryptSecret for optional columns: null stays null. */
export function decryptOptional(ciphertext: string | null | undefined, keyring?: Keyring): string | null {
  return ciphertext === null || ciphertext === undefined ? null : decryptSecret(ciphertext, keyring);
}
