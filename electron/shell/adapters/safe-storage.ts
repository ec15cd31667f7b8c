/** The Cipher port over Electron's `safeStorage` (see ../secrets/keychain-secret-store.ts). */
import { safeStorage } from 'electron';
import type { Cipher } from '../secrets/keychain-secret-store.ts';

export function safeStorageCipher(platform: NodeJS.Platform): Cipher {
  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    backend: () => (platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os'),
    encryptString: (plain) => safeStorage.encryptString(plain),
    decryptString: (encrypted) => safeStorage.decryptString(encrypted),
  };
}
