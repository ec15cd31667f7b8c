import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SafeStorageLike } from '../../../electron/shell/adapters/safe-storage.ts';
import { KeychainSecretStore, type Cipher } from '../../../electron/shell/secrets/keychain-secret-store.ts';

// The adapter's default safeStorage is never used here: each test passes its own model.
vi.mock('electron', () => ({ safeStorage: {} }));
const { safeStorageCipher } = await import('../../../electron/shell/adapters/safe-storage.ts');


/** Stands in for safeStorage: reversible, but never the clear text on disk. */
function fakeCipher(backend: string, available = true): Cipher {
  return {
    isEncryptionAvailable: async () => available,
    backend: () => backend,
    encryptString: async (plain) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
    decryptString: async (encrypted) => ({ result: Buffer.from(encrypted.toString().slice(4), 'hex').toString(), shouldReEncrypt: false }),
  };
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('KeychainSecretStore (R4)', () => {
  it('stores only ciphertext and reads it back in a later launch', async () => {
    const dir = tempDir();
    await new KeychainSecretStore({ dir, cipher: fakeCipher('gnome_libsecret') }).set('provider:openai', 'sk-secret-123');
    expect(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).not.toContain('sk-secret-123');
    const later = new KeychainSecretStore({ dir, cipher: fakeCipher('gnome_libsecret') });
    expect(await later.get('provider:openai')).toBe('sk-secret-123');
    await later.delete('provider:openai');
    expect(await new KeychainSecretStore({ dir, cipher: fakeCipher('gnome_libsecret') }).get('provider:openai')).toBeNull();
  });

  it("refuses Linux basic_text: the key is kept in memory for this launch and nothing is written", async () => {
    const dir = tempDir();
    const store = new KeychainSecretStore({ dir, cipher: fakeCipher('basic_text') });
    expect(await store.isPersistent()).toBe(false);
    await store.set('provider:openai', 'sk-secret-123');
    expect(await store.get('provider:openai')).toBe('sk-secret-123');
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);
    expect(await new KeychainSecretStore({ dir, cipher: fakeCipher('basic_text') }).get('provider:openai')).toBeNull();
  });

  it('without encryption at all it behaves the same way', async () => {
    const dir = tempDir();
    const store = new KeychainSecretStore({ dir, cipher: fakeCipher('unknown', false) });
    await store.set('k', 'v');
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);
  });

  it('ciphertext that no longer decrypts asks for the key again instead of failing', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ k: 'garbage' }));
    const logs: string[] = [];
    const cipher = { ...fakeCipher('kwallet5'), decryptString: () => Promise.reject(new Error('bad key')) };
    expect(await new KeychainSecretStore({ dir, cipher, log: (m) => logs.push(m) }).get('k')).toBeNull();
    expect(logs[0]).toContain('bad key');
  });
});

describe('safeStorage cipher (L39: no keychain prompt blocks the main process)', () => {
  /** safeStorage whose synchronous calls would block on a Keychain prompt (here: they throw). */
  function promptingStorage(withAsync: boolean): SafeStorageLike {
    const blocks = () => {
      throw new Error('a synchronous keychain call would block the main process');
    };
    const sync = { isEncryptionAvailable: blocks, encryptString: blocks, decryptString: blocks, getSelectedStorageBackend: () => 'gnome_libsecret' };
    if (!withAsync) return { isEncryptionAvailable: () => true, encryptString: (p: string) => Buffer.from(`s:${p}`), decryptString: (b: Buffer) => b.toString().slice(2), getSelectedStorageBackend: () => 'gnome_libsecret' };
    return {
      ...sync,
      isAsyncEncryptionAvailable: async () => true,
      encryptStringAsync: async (plain: string) => Buffer.from(`a:${plain}`),
      decryptStringAsync: async (encrypted: Buffer) => ({ result: encrypted.toString().slice(2), shouldReEncrypt: encrypted.toString() === 'a:rotate-me' }),
    };
  }

  it('uses the asynchronous safeStorage API end to end', async () => {
    const dir = tempDir();
    const store = new KeychainSecretStore({ dir, cipher: safeStorageCipher('linux', promptingStorage(true)) });
    expect(await store.isPersistent()).toBe(true);
    await store.set('k', 'secret');
    expect(await new KeychainSecretStore({ dir, cipher: safeStorageCipher('linux', promptingStorage(true)) }).get('k')).toBe('secret');
  });

  it('falls back to the synchronous API only where the async one is missing', async () => {
    const dir = tempDir();
    const store = new KeychainSecretStore({ dir, cipher: safeStorageCipher('linux', promptingStorage(false)) });
    await store.set('k', 'secret');
    expect(await new KeychainSecretStore({ dir, cipher: safeStorageCipher('linux', promptingStorage(false)) }).get('k')).toBe('secret');
  });

  it('re-encrypts a secret when the OS asks for it (shouldReEncrypt)', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ k: Buffer.from('a:rotate-me').toString('base64') }));
    const store = new KeychainSecretStore({ dir, cipher: safeStorageCipher('linux', promptingStorage(true)) });
    expect(await store.get('k')).toBe('rotate-me');
    // Written again with the current key (the model's ciphertext is the same text, so check it was rewritten).
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });
});
