/**
 * How a stdio MCP server is configured in settings: the config and its schema are settings
 * vocabulary, declared once in shared/settings.ts; the manager adds what "enabled" means.
 */
import type { McpServerConfig } from '../../../../shared/settings.ts';

export { mcpServerConfigSchema, mcpServerConfigsSchema, type McpServerConfig } from '../../../../shared/settings.ts';

export function isMcpServerEnabled(config: McpServerConfig): boolean {
  return config.enabled !== false;
}
