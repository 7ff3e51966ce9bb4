export { DecryptionError, decryptOptional, decryptSecret, encryptOptional, encryptSecret, isCiphertext, needsReencryption } from './secrets';
export { devKeyFile, ensureDevKeyFile, generateKeyEntry, KEY_BYTES, loadKeyring, parseKeyring, writeKeyringFile } from './keyring';
export type { EncryptionKey, Keyring } from './keyring';
export { countStaleCiphertexts, rotateEncryptedColumns } from './rotate';
export type { RotationOptions, RotationReport } from './rotate';
export { amazonEncryptedColumns, encryptedColumns, encryptedColumnsOf } from './columns';
export type { EncryptedColumns } from './columns';
