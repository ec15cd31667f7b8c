/**
 * API keys through the OS keychain (R4): Electron's `safeStorage` encrypts with a key the OS
 * keychain holds (Keychain on macOS, DPAPI on Windows, libsecret/KWallet on Linux); only the
 * ciphertext is written, to `secrets.json` in the data folder.
 *
 * On Linux without a keyring `safeStorage` falls back to `basic_text`, a hard-coded password: that
 * is clear text in all but name, so it is refused. Keys are then kept in memory for this launch
 * only and the user is told to run with a keyring (gnome-keyring, KWallet) or enter the key again
 * after each launch. Nothing is ever stored in clear text.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../../core/ports.ts';

/** The parts of `safeStorage` used here (../adapters/safe-storage.ts). */
export interface Cipher {
  isEncryptionAvailable(): boolean;
  /** Linux only; other platforms report 'os'. */
  backend(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface KeychainSecretStoreOptions {
  cipher: Cipher;
  /** The folder `secrets.json` lives in (the app's userData). */
  dir: string;
  log?: (message: string) => void;
}

/** Backends whose encryption protects nothing: the key is in Chromium's source. */
const REFUSED_BACKENDS = new Set(['basic_text']);

export const KEYCHAIN_UNAVAILABLE_MESSAGE =
  'No OS keyring is available, so API keys are kept in memory only and must be entered again after each launch. ' +
  'Run Baton in a session with a keyring (GNOME Keyring or KWallet) to have them stored safely.';

type SecretFile = Record<string, string>;

export class KeychainSecretStore implements SecretStore {
  readonly file: string;
  private readonly cipher: Cipher;
  private readonly memory = new Map<string, string>();
  private readonly log: (message: string) => void;

  constructor(options: KeychainSecretStoreOptions) {
    this.cipher = options.cipher;
    this.file = path.join(options.dir, 'secrets.json');
    this.log = options.log ?? ((message) => console.warn(message));
  }

  /** False when keys can only be kept in memory for this launch. */
  get persistent(): boolean {
    try {
      return this.cipher.isEncryptionAvailable() && !REFUSED_BACKENDS.has(this.cipher.backend());
    } catch {
      return false;
    }
  }

  async get(ref: string): Promise<string | null> {
    const remembered = this.memory.get(ref);
    if (remembered !== undefined) return remembered;
    if (!this.persistent) return null;
    const encrypted = this.read()[ref];
    if (encrypted === undefined) return null;
    try {
      const secret = this.cipher.decryptString(Buffer.from(encrypted, 'base64'));
      this.memory.set(ref, secret);
      return secret;
    } catch (error) {
      // A keychain reset makes old ciphertext unreadable: ask for the key again rather than fail turns.
      this.log(`Could not decrypt the stored secret ${ref}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  async set(ref: string, secret: string): Promise<void> {
    this.memory.set(ref, secret);
    if (!this.persistent) return;
    const entries = this.read();
    entries[ref] = this.cipher.encryptString(secret).toString('base64');
    this.write(entries);
  }

  async delete(ref: string): Promise<void> {
    this.memory.delete(ref);
    const entries = this.read();
    if (!(ref in entries)) return;
    delete entries[ref];
    this.write(entries);
  }

  private read(): SecretFile {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return {};
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
      const entries: SecretFile = {};
      for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') entries[key] = value;
      return entries;
    } catch {
      this.log(`${this.file} is not valid JSON; stored keys must be entered again.`);
      return {};
    }
  }

  /** Written beside and renamed over, owner-only, so a crash never leaves half a file. */
  private write(entries: SecretFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }
}
