/**
 * R4 for MCP servers: env values (stdio) and header values (HTTP) are often tokens. A value saved
 * through the window goes to the SecretStore (the OS keychain on the desktop) and config.json keeps
 * only a `baton-secret:<ref>` reference; the window is shown every such value masked, and a masked
 * value saved back keeps what was stored. A clear value someone typed into config.json by hand is
 * left as it is: moving it would lose it at the next start where the SecretStore is memory only
 * (the headless host), and it is where its owner chose to put it.
 *
 * Also here: a provider base URL or an MCP HTTP server URL with `user:password@` is shown without
 * the password (shared/url-credentials.ts).
 */
import { randomUUID } from 'node:crypto';
import { isMcpHttpServer, SECRET_REF_PREFIX, secretRefOf, type McpServerConfig } from '../../../shared/settings.ts';
import { MASKED_VALUE, maskUrlCredentials } from '../../../shared/url-credentials.ts';
import type { SecretStore } from '../ports.ts';

export { MASKED_VALUE };

type SecretField = 'env' | 'headers';

function secretFieldOf(server: McpServerConfig): SecretField {
  return isMcpHttpServer(server) ? 'headers' : 'env';
}

function secretsOf(server: McpServerConfig): Record<string, string> | undefined {
  return isMcpHttpServer(server) ? server.headers : server.env;
}

/** The server as the window sees it: every env or header value masked, and an HTTP server's URL without its password. */
export function maskMcpServer(server: McpServerConfig): McpServerConfig {
  const values = secretsOf(server);
  const shown = isMcpHttpServer(server) && server.url !== maskUrlCredentials(server.url) ? { ...server, url: maskUrlCredentials(server.url) } : server;
  if (!values) return shown;
  return { ...shown, [secretFieldOf(server)]: Object.fromEntries(Object.keys(values).map((name) => [name, MASKED_VALUE])) } as McpServerConfig;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The list a front end sent, with masked values put back from the server of the same name (a
 * masked value with nothing behind it is dropped). Not yet validated; secrets not yet stored.
 */
export function restoreMaskedMcpValues(value: unknown, current: readonly McpServerConfig[]): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((sent: unknown) => {
    if (!isRecord(sent)) return sent;
    const field: SecretField = 'url' in sent ? 'headers' : 'env';
    const previous = current.find((server) => server.name === sent.name);
    // Issue 10: the URL the window saw without its password, saved back unchanged, keeps the real one.
    const keepsUrl = previous !== undefined && isMcpHttpServer(previous) && sent.url !== previous.url && sent.url === maskUrlCredentials(previous.url);
    const entry: Record<string, unknown> = keepsUrl ? { ...sent, url: previous.url } : sent;
    const values = entry[field];
    if (!isRecord(values)) return entry;
    const before = previous !== undefined && secretFieldOf(previous) === field ? (secretsOf(previous) ?? {}) : {};
    const restored = Object.entries(values).flatMap(([name, v]) =>
      v === MASKED_VALUE ? (before[name] === undefined ? [] : [[name, before[name]]]) : [[name, v]],
    );
    return { ...entry, [field]: Object.fromEntries(restored) };
  });
}

/**
 * Stores every clear env/header value of a validated list in the SecretStore and returns the list
 * with references in their place. A value from a front end is always taken as a secret, even if it
 * looks like a reference: a window must not be able to point a server at another secret (a
 * provider's key). Each stored value gets a fresh reference, so a changed secret is a changed
 * config and the server restarts with it.
 */
export async function storeMcpSecrets(servers: readonly McpServerConfig[], current: readonly McpServerConfig[], secrets: SecretStore): Promise<McpServerConfig[]> {
  return Promise.all(
    servers.map(async (server) => {
      const values = secretsOf(server);
      if (!values) return server;
      const field = secretFieldOf(server);
      const previous = current.find((candidate) => candidate.name === server.name);
      const before = previous !== undefined && secretFieldOf(previous) === field ? (secretsOf(previous) ?? {}) : {};
      const stored: Record<string, string> = {};
      for (const [name, value] of Object.entries(values)) {
        // What this server already had under this name (restored from a masked value) stays as it is.
        if (before[name] === value) {
          stored[name] = value;
          continue;
        }
        const ref = `mcp:${server.name}:${field === 'env' ? 'env' : 'header'}:${name}:${randomUUID().slice(0, 8)}`;
        await secrets.set(ref, value);
        stored[name] = `${SECRET_REF_PREFIX}${ref}`;
      }
      return { ...server, [field]: stored } as McpServerConfig;
    }),
  );
}

/** References the old list had and the new one no longer uses: to delete from the SecretStore. */
export function unusedMcpSecretRefs(before: readonly McpServerConfig[], after: readonly McpServerConfig[]): string[] {
  const refs = (servers: readonly McpServerConfig[]): string[] =>
    servers.flatMap((server) => Object.values(secretsOf(server) ?? {}).flatMap((value) => secretRefOf(value) ?? []));
  const used = new Set(refs(after));
  return [...new Set(refs(before))].filter((ref) => !used.has(ref) && ref.startsWith('mcp:'));
}

/** `https://user:secret@host/` → `https://user:••••••••@host/`: the one shared masking function (shared/url-credentials.ts). */
export const maskUrlPassword = maskUrlCredentials;
