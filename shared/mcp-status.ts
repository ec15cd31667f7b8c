/**
 * What a front end is told about the MCP servers (`mcp.status` and the `mcp` push event): each
 * server's live state, why it failed, the tail of its stderr and its tools with their read-only hint
 * and approval mode. Environment-neutral.
 */
import * as z from './zod.ts';
import { TOOL_APPROVAL_MODES } from './settings.ts';

/** `running` is what the window calls "ready". */
export const MCP_SERVER_STATES = ['starting', 'running', 'failed', 'stopped'] as const;

export const mcpToolViewSchema = z.object({
  /** The name the model and the approval settings use: `<server>__<tool>`. */
  name: z.string(),
  /** The name the server gave it. */
  serverTool: z.string(),
  description: z.optional(z.string()),
  /** The server's own readOnlyHint; only an explicit claim lets a call skip approval by default. */
  readOnly: z.boolean(),
  approval: z.enum(TOOL_APPROVAL_MODES),
});
export type McpToolView = z.infer<typeof mcpToolViewSchema>;

export const mcpServerViewSchema = z.object({
  name: z.string(),
  transport: z.enum(['stdio', 'http']),
  enabled: z.boolean(),
  state: z.enum(MCP_SERVER_STATES),
  /** A full sentence for the user, e.g. `MCP server "x" failed to start: command not found: "y"`. */
  error: z.optional(z.string()),
  /** The last lines the server wrote to stderr (stdio only). */
  stderrTail: z.optional(z.string()),
  pid: z.optional(z.number().check(z.int())),
  tools: z.array(mcpToolViewSchema),
});
export type McpServerView = z.infer<typeof mcpServerViewSchema>;
