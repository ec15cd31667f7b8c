/**
 * API keys through the OS keychain (R4): Electron's `safeStorage` encrypts with a key the OS
 * keychain holds (Keychain on macOS, DPAPI on Windows, libsecret/KWallet on Linux); only the
 * ciphertext is written, to `secrets.json` in the data folder.
 *
 * On Linux without a keyring `safeStorage` falls back to `basic_text`, a hard-coded password: that
 * is clear text in all but name, so it is refused. Keys are then kept in memory for this launch
 * only and the user is told to run with a keyring (gnome-keyring, KWallet) or enter the key again
 * after each launch. Nothing is ever stored in clear text.
 *
 * Every keychain call is asynchronous (L39): a Keychain or keyring prompt must never park the
 * main process, which hosts the gateway and its running turns.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../../core/ports.ts';
import { defaultLog, type Log } from '../../../shared/log.ts';
import { describeError } from '../../../shared/errors.ts';

/** The parts of `safeStorage` used here (../adapters/safe-storage.ts). */
export interface Cipher {
  isEncryptionAvailable(): Promise<boolean>;
  /** Linux only; other platforms report 'os'. */
  backend(): string;
  encryptString(plain: string): Promise<Buffer>;
  /** `shouldReEncrypt`: the OS rotated its key; the secret is written again with the new one. */
  decryptString(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

export interface KeychainSecretStoreOptions {
  cipher: Cipher;
  /** The folder `secrets.json` lives in (the app's userData). */
  dir: string;
  log?: Log;
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
  private readonly log: Log;
  private availability: Promise<boolean> | null = null;

  constructor(options: KeychainSecretStoreOptions) {
    this.cipher = options.cipher;
    this.file = path.join(options.dir, 'secrets.json');
    this.log = options.log ?? defaultLog;
  }

  /** False when keys can only be kept in memory for this launch. */
  async isPersistent(): Promise<boolean> {
    this.availability ??= (async () => {
      try {
        return (await this.cipher.isEncryptionAvailable()) && !REFUSED_BACKENDS.has(this.cipher.backend());
      } catch {
        return false;
      }
    })();
    return this.availability;
  }

  async get(ref: string): Promise<string | null> {
    const remembered = this.memory.get(ref);
    if (remembered !== undefined) return remembered;
    if (!(await this.isPersistent())) return null;
    const encrypted = this.read()[ref];
    if (encrypted === undefined) return null;
    try {
      const { result: secret, shouldReEncrypt } = await this.cipher.decryptString(Buffer.from(encrypted, 'base64'));
      this.memory.set(ref, secret);
      if (shouldReEncrypt) await this.set(ref, secret);
      return secret;
    } catch (error) {
      // A keychain reset makes old ciphertext unreadable: ask for the key again rather than fail turns.
      this.log(`Could not decrypt the stored secret ${ref}: ${describeError(error)}`);
      return null;
    }
  }

  async set(ref: string, secret: string): Promise<void> {
    this.memory.set(ref, secret);
    if (!(await this.isPersistent())) return;
    const encrypted = (await this.cipher.encryptString(secret)).toString('base64');
    // Read after the await: another set may have written meanwhile.
    const entries = this.read();
    entries[ref] = encrypted;
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
