import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeychainSecretStore, type Cipher } from '../../../electron/shell/secrets/keychain-secret-store.ts';

/** Stands in for safeStorage: reversible, but never the clear text on disk. */
function fakeCipher(backend: string, available = true): Cipher {
  return {
    isEncryptionAvailable: () => available,
    backend: () => backend,
    encryptString: (plain) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
    decryptString: (encrypted) => Buffer.from(encrypted.toString().slice(4), 'hex').toString(),
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
    expect(store.persistent).toBe(false);
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
    const cipher = { ...fakeCipher('kwallet5'), decryptString: () => { throw new Error('bad key'); } };
    expect(await new KeychainSecretStore({ dir, cipher, log: (m) => logs.push(m) }).get('k')).toBeNull();
    expect(logs[0]).toContain('bad key');
  });
});
