/**
 * How an MCP server is configured in settings: the config and its schema are settings vocabulary,
 * declared once in shared/settings.ts; the manager adds what "enabled" and "the same" mean.
 */
import { isMcpHttpServer, secretRefOf } from '../../../../shared/settings.ts';
import type { McpServerConfig } from '../../../../shared/settings.ts';

export {
  isMcpHttpServer,
  mcpServerConfigSchema,
  mcpServerConfigsSchema,
  type McpHttpServerConfig,
  type McpServerConfig,
  type McpStdioServerConfig,
} from '../../../../shared/settings.ts';

export function isMcpServerEnabled(config: McpServerConfig): boolean {
  return config.enabled !== false;
}

/** Key order and `enabled: true` vs. absent do not make a different server. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

/** Whether applying `next` over `previous` needs the server restarted (anything but a no-op). */
export function sameMcpServerConfig(previous: McpServerConfig, next: McpServerConfig): boolean {
  const normal = (config: McpServerConfig): string => JSON.stringify(canonical({ ...config, enabled: isMcpServerEnabled(config) }));
  return normal(previous) === normal(next);
}

/** Env and header values as the server gets them: references looked up in the SecretStore (R4). */
export async function resolveMcpSecrets(
  config: McpServerConfig,
  lookup: (ref: string) => Promise<string | null>,
): Promise<McpServerConfig> {
  const resolve = async (record: Record<string, string> | undefined, what: string): Promise<Record<string, string> | undefined> => {
    if (record === undefined) return undefined;
    const entries = await Promise.all(
      Object.entries(record).map(async ([key, value]) => {
        const ref = secretRefOf(value);
        if (ref === undefined) return [key, value] as const;
        const secret = await lookup(ref);
        if (secret === null) throw new Error(`the value of ${what} "${key}" is no longer in the secret store; enter it again in Settings`);
        return [key, secret] as const;
      }),
    );
    return Object.fromEntries(entries);
  };
  if (isMcpHttpServer(config)) {
    const headers = await resolve(config.headers, 'header');
    return headers === undefined ? config : { ...config, headers };
  }
  const env = await resolve(config.env, 'environment variable');
  return env === undefined ? config : { ...config, env };
}
