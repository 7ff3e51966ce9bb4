// The versioned key ring for encryption at rest, from ENCRYPTION_KEYS:
//   ENCRYPTION_KEYS="v2:<base64 of 32 random bytes>,v1:<…>"   (first = current, the rest still decrypt)
// or from a file, ENCRYPTION_KEYS_FILE (the same entries, separated by commas or lines; e.g. a mounted
// secret). A file is re-read whenever it changes, so keys rotate without restarting any process.
// In development, with neither, a local key is generated once into .data/encryption-keys (gitignored,
// and also re-read when it changes). In production (NODE_ENV=production) one of the two is required.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { dataDir } from '../url';

export const KEY_BYTES = 32;
const VERSION_PATTERN = /^v[0-9]{1,6}$/;

export interface EncryptionKey {
  version: string;
  key: Buffer;
}

export interface Keyring {
  /** The key new ciphertext is written with. */
  current: EncryptionKey;
  /** Every key that may still decrypt, by version (current included). */
  byVersion: ReadonlyMap<string, EncryptionKey>;
}

export const devKeyFile = resolve(dataDir, 'encryption-keys');

/** Parses "v2:<base64>,v1:<base64>". Errors name the entry, never print key material. */
export function parseKeyring(spec: string): Keyring {
  const entries = spec
    .split(/[,\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (entries.length === 0) throw new Error('ENCRYPTION_KEYS is empty: expected "v1:<base64 of 32 bytes>[,v0:<…>]"');
  const keys: EncryptionKey[] = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const version = colon > 0 ? entry.slice(0, colon) : '';
    if (!VERSION_PATTERN.test(version)) {
      throw new Error(`ENCRYPTION_KEYS entry #${index + 1}: expected "v<number>:<base64 key>"`);
    }
    const material = entry.slice(colon + 1);
    const key = Buffer.from(material, 'base64');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(material) || key.length !== KEY_BYTES) {
      throw new Error(`ENCRYPTION_KEYS key ${version}: must be ${KEY_BYTES} bytes in base64 (got ${key.length} bytes)`);
    }
    return { version, key };
  });
  const byVersion = new Map<string, EncryptionKey>();
  for (const key of keys) {
    if (byVersion.has(key.version)) throw new Error(`ENCRYPTION_KEYS: version ${key.version} appears twice`);
    byVersion.set(key.version, key);
  }
  return { current: keys[0] as EncryptionKey, byVersion };
}

/** A fresh key entry, "v<version>:<base64 of 32 random bytes>". */
export function generateKeyEntry(version = 'v1'): string {
  if (!VERSION_PATTERN.test(version)) throw new Error(`key version must look like "v1", got "${version}"`);
  return `${version}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/** Creates the development key file if it is missing; returns whether it created it. */
export function ensureDevKeyFile(file = devKeyFile): boolean {
  if (existsSync(file)) return false;
  mkdirSync(dirname(file), { recursive: true });
  // Written aside, then linked into place: another process never reads a half-written file, and
  // when two create it at once the first link wins and both use its key.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${generateKeyEntry('v1')}\n`, { mode: 0o600 });
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

let cached: { spec: string; keyring: Keyring } | undefined;
let fileCache: { file: string; stamp: string; spec: string; readAt: number; keyring: Keyring } | undefined;

function keyringFromSpec(spec: string): Keyring {
  if (cached?.spec !== spec) cached = { spec, keyring: parseKeyring(spec) };
  return cached.keyring;
}

/** How long a file whose inode, size and mtime look unchanged is trusted before its content is compared. */
const FILE_RECHECK_MS = 1000;

/**
 * A key file, re-read when it changes: its inode, size or mtime (replace it atomically, by rename, as
 * Kubernetes does with mounted secrets), and at least once a second its content, for a rewrite that a
 * coarse mtime and a reused inode would hide. One stat per call: cheaper than the AES work it precedes.
 */
function keyringFromFile(file: string): Keyring {
  const stat = statSync(file);
  const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  const now = Date.now();
  if (fileCache?.file === file && fileCache.stamp === stamp && now - fileCache.readAt < FILE_RECHECK_MS) return fileCache.keyring;
  const spec = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .trim();
  const keyring = fileCache?.file === file && fileCache.spec === spec ? fileCache.keyring : parseKeyring(spec);
  fileCache = { file, stamp, spec, readAt: now, keyring };
  return keyring;
}

/**
 * The process's key ring: ENCRYPTION_KEYS, else the file ENCRYPTION_KEYS_FILE names, else (outside
 * production) the local development key file.
 */
export function loadKeyring(env: NodeJS.ProcessEnv = process.env): Keyring {
  const spec = env.ENCRYPTION_KEYS?.trim();
  if (spec) return keyringFromSpec(spec);
  const file = env.ENCRYPTION_KEYS_FILE?.trim();
  if (file) return keyringFromFile(resolve(file));
  if (env.NODE_ENV === 'production') {
    throw new Error('ENCRYPTION_KEYS is required in production (e.g. "v1:<base64 of 32 random bytes>"), or ENCRYPTION_KEYS_FILE naming a file that holds it');
  }
  ensureDevKeyFile();
  return keyringFromFile(devKeyFile);
}

/**
 * Writes a key ring file atomically (aside, then renamed into place), so a process re-reading it never
 * sees half a file. For rotation scripts and tests; a secret manager's mount does the same.
 */
export function writeKeyringFile(file: string, entries: readonly string[]): void {
  parseKeyring(entries.join(','));
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${entries.join('\n')}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
