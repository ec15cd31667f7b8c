/**
 * The Cipher port over Electron's `safeStorage` (see ../secrets/keychain-secret-store.ts). The
 * asynchronous API (Electron ≥ 39: isAsyncEncryptionAvailable / encryptStringAsync /
 * decryptStringAsync) never blocks the main process on a Keychain or keyring prompt, which the
 * synchronous one can ("these calls can block the current thread to collect user input",
 * safe-storage.md) — L39. The synchronous calls remain only as a fallback where the async ones are
 * missing.
 */
import { safeStorage } from 'electron';
import type { Cipher } from '../secrets/keychain-secret-store.ts';

/** `safeStorage`, with the async methods optional (older runtimes lack them). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend(): string;
  isAsyncEncryptionAvailable?(): Promise<boolean>;
  encryptStringAsync?(plain: string): Promise<Buffer>;
  decryptStringAsync?(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

export function safeStorageCipher(platform: NodeJS.Platform, storage: SafeStorageLike = safeStorage): Cipher {
  return {
    isEncryptionAvailable: async () =>
      storage.isAsyncEncryptionAvailable ? storage.isAsyncEncryptionAvailable() : storage.isEncryptionAvailable(),
    backend: () => (platform === 'linux' ? storage.getSelectedStorageBackend() : 'os'),
    encryptString: async (plain) => (storage.encryptStringAsync ? storage.encryptStringAsync(plain) : storage.encryptString(plain)),
    decryptString: async (encrypted) =>
      storage.decryptStringAsync ? storage.decryptStringAsync(encrypted) : { result: storage.decryptString(encrypted), shouldReEncrypt: false },
  };
}
