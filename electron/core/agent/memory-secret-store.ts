/**
 * Keeps API keys in process memory only. The headless host and the tests use it; the desktop
 * shell backs the SecretStore port with the OS keychain instead (R4). Nothing here touches disk.
 */
import type { SecretStore } from '../ports.ts';

export class MemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>();

  async get(ref: string): Promise<string | null> {
    return this.secrets.get(ref) ?? null;
  }

  async set(ref: string, secret: string): Promise<void> {
    this.secrets.set(ref, secret);
  }

  async delete(ref: string): Promise<void> {
    this.secrets.delete(ref);
  }
}
