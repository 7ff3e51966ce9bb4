// ENCRYPTION_KEYS_FILE: the key ring read from a file and re-read whenever the file changes, which is what
// lets a running process take a new key without a restart (the end-to-end rotation test is
// shopify-app/test/hardening/key-rotation.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, generateKeyEntry, loadKeyring, writeKeyringFile } from '../src/crypto';

const dirs: string[] = [];
function keyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'calibr-keyring-'));
  dirs.push(dir);
  return join(dir, 'keys');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ENCRYPTION_KEYS_FILE', () => {
  it('is re-read when it changes: a new primary key is used at once, old values still decrypt until dropped', () => {
    const file = keyFile();
    const v1 = generateKeyEntry('v1');
    const v2 = generateKeyEntry('v2');
    const env = { ENCRYPTION_KEYS_FILE: file };
    writeKeyringFile(file, [v1]);
    const old = encryptSecret('shpat_stored_under_v1', loadKeyring(env));
    expect(old.startsWith('enc:v1:')).toBe(true);

    writeKeyringFile(file, [v2, v1]);
    expect(loadKeyring(env).current.version).toBe('v2');
    expect(encryptSecret('fresh', loadKeyring(env)).startsWith('enc:v2:')).toBe(true);
    expect(decryptSecret(old, loadKeyring(env))).toBe('shpat_stored_under_v1');

    writeKeyringFile(file, [v2]);
    expect(() => decryptSecret(old, loadKeyring(env))).toThrow(/No key v1/);
  });

  it('takes one entry per line or comma-separated, with # comments, and ENCRYPTION_KEYS wins over it', () => {
    const file = keyFile();
    const [v3, v2, v1] = [generateKeyEntry('v3'), generateKeyEntry('v2'), generateKeyEntry('v1')];
    writeFileSync(file, `# rotated 2026-11-26\n${v3}\n${v2},${v1}\n`);
    const ring = loadKeyring({ ENCRYPTION_KEYS_FILE: file });
    expect(ring.current.version).toBe('v3');
    expect([...ring.byVersion.keys()]).toEqual(['v3', 'v2', 'v1']);
    expect(loadKeyring({ ENCRYPTION_KEYS_FILE: file, ENCRYPTION_KEYS: v1 }).current.version).toBe('v1');
  });

  it('satisfies production, and a missing or malformed file is an error naming no key material', () => {
    const file = keyFile();
    const v1 = generateKeyEntry('v1');
    writeKeyringFile(file, [v1]);
    expect(loadKeyring({ NODE_ENV: 'production', ENCRYPTION_KEYS_FILE: file }).current.version).toBe('v1');
    expect(() => loadKeyring({ NODE_ENV: 'production', ENCRYPTION_KEYS_FILE: `${file}.missing` })).toThrow(/ENOENT/);
    writeFileSync(file, `${v1.slice(0, 20)}\n`);
    let message = '';
    try {
      loadKeyring({ ENCRYPTION_KEYS_FILE: file });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/key v1: must be 32 bytes/);
    expect(message).not.toContain(v1.slice(3, 20));
    expect(() => writeKeyringFile(file, ['v1:not-a-key'])).toThrow(/must be 32 bytes/);
  });
});
