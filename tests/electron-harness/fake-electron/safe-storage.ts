/**
 * safeStorage, from docs/api/safe-storage.md and shell/browser/api/electron_api_safe_storage.cc:
 * - before `ready` encryption is not available (and on Linux the backend is 'unknown');
 * - Linux backends: gnome_libsecret, kwallet*, or basic_text (a hard-coded password);
 * - the synchronous calls "can block the current thread to collect user input" (a keychain
 *   prompt): BATON_HARNESS_SAFE_STORAGE_PROMPT_MS blocks them with Atomics.wait and reports it, so
 *   a scenario sees a main-process stall (SPEC L39); the async calls never block.
 * Ciphertext is real (AES-256-GCM with a per-process key file in userData), so the app's
 * secrets file holds no clear text.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { app } from './app.ts';
import { report } from './control.ts';
import { harness } from './platform.ts';

function key(): Buffer {
  const file = path.join(app.getPath('userData'), '.harness-os-keyring');
  try {
    return fs.readFileSync(file);
  } catch {
    const fresh = crypto.randomBytes(32);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, fresh, { mode: 0o600 });
    return fresh;
  }
}

function prompt(call: string): void {
  if (harness.safeStoragePromptMs <= 0) return;
  report('safeStorage.blocking', { call, ms: harness.safeStoragePromptMs });
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, harness.safeStoragePromptMs);
}

function available(): boolean {
  return app.isReady() && harness.safeStorageBackend !== 'unknown';
}

function encrypt(plain: string): Buffer {
  if (!available()) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key(), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]);
}

function decrypt(encrypted: Buffer): string {
  if (!available()) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.');
  if (encrypted.length < 31 || encrypted.toString('ascii', 0, 3) !== 'v11') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key(), encrypted.subarray(3, 15));
  decipher.setAuthTag(encrypted.subarray(15, 31));
  return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
}

export const safeStorage = {
  isEncryptionAvailable(): boolean {
    return available();
  },
  getSelectedStorageBackend(): string {
    if (harness.platform !== 'linux') throw new Error('safeStorage.getSelectedStorageBackend is only available on Linux');
    return app.isReady() ? harness.safeStorageBackend : 'unknown';
  },
  setUsePlainTextEncryption(): void {},
  encryptString(plain: string): Buffer {
    prompt('encryptString');
    return encrypt(plain);
  },
  decryptString(encrypted: Buffer): string {
    prompt('decryptString');
    return decrypt(encrypted);
  },
  isAsyncEncryptionAvailable(): Promise<boolean> {
    return Promise.resolve(available());
  },
  encryptStringAsync(plain: string): Promise<Buffer> {
    return new Promise((resolve, reject) => setTimeout(() => { try { resolve(encrypt(plain)); } catch (error) { reject(error as Error); } }, harness.safeStoragePromptMs));
  },
  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> {
    return new Promise((resolve, reject) => setTimeout(() => { try { resolve({ shouldReEncrypt: false, result: decrypt(encrypted) }); } catch (error) { reject(error as Error); } }, harness.safeStoragePromptMs));
  },
};
