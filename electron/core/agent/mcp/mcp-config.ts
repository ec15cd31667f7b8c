/**
 * How a stdio MCP server is configured in settings. The settings file is hand-edited, so the
 * schema is what turns a JSON entry into a config the manager can trust.
 */
import { z } from 'zod';

export interface McpServerConfig {
  /** Shown to the user and used as the prefix of the server's tool names. Unique per settings file. */
  name: string;
  /** The executable, looked up on PATH; no shell is involved, so no quoting or expansion happens. */
  command: string;
  args?: string[];
  /**
   * Added to the small environment the MCP SDK passes on (HOME, LOGNAME, PATH, SHELL, TERM, USER);
   * the rest of Baton's environment (API keys included) is deliberately not inherited.
   */
  env?: Record<string, string>;
  cwd?: string;
  /** Missing means enabled: listing a server is the usual way to ask for it. */
  enabled?: boolean;
}

export const mcpServerConfigSchema = z.object({
  name: z.string().refine((name) => name.trim().length > 0, 'A server needs a name'),
  command: z.string().refine((command) => command.trim().length > 0, 'A server needs a command'),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
  enabled: z.boolean().optional(),
}) satisfies z.ZodType<McpServerConfig>;

/** A list of servers; two with one name would make their tool names ambiguous. */
export const mcpServerConfigsSchema = z.array(mcpServerConfigSchema).superRefine((servers, context) => {
  const seen = new Set<string>();
  servers.forEach((server, index) => {
    if (seen.has(server.name)) {
      context.addIssue({ code: 'custom', path: [index, 'name'], message: `Another MCP server is already named "${server.name}"` });
    }
    seen.add(server.name);
  });
});

export function isMcpServerEnabled(config: McpServerConfig): boolean {
  return config.enabled !== false;
}
