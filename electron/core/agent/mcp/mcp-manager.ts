/**
 * Runs the stdio MCP servers configured in settings and offers their tools to the model as Baton
 * tools. Servers start in parallel, each with its own startup budget; one that fails to start or
 * dies later is reported (status, listeners, readable errors) and its tools answer with errors,
 * while every other server and the turn itself carry on (R3).
 *
 * The MCP SDK (behind mcp-server-connection.ts) takes about 150 ms to load, so it is imported only
 * when a server is configured, not at every start (issue 13).
 */
import type { ToolEffect } from '../../../../shared/transcript.ts';
import { defaultApprovalFor } from '../tools/tool.ts';
import type { Tool, ToolOutcome, ToolRunContext } from '../tools/tool.ts';
import { isMcpServerEnabled } from './mcp-config.ts';
import type { McpServerConfig } from './mcp-config.ts';
import type { McpServerConnection } from './mcp-server-connection.ts';
import type * as ConnectionModule from './mcp-server-connection.ts';
import type { McpConnectionOptions, McpServerStatus, McpToolDefinition } from './mcp-server-connection.ts';
import { DEFAULT_MAX_OUTPUT_CHARS } from './mcp-tool-result.ts';
import { uniqueMcpToolName } from './mcp-tool-name.ts';

export type { McpServerState, McpServerStatus } from './mcp-server-connection.ts';

export interface McpManagerOptions {
  /** Per server: spawn, handshake and tool listing must finish within it. */
  startupTimeoutMs?: number;
  /** Per tool call. An interrupted turn cancels sooner through its abort signal. */
  callTimeoutMs?: number;
  /** How long stopping waits to see a server process gone after it was closed or killed. */
  exitTimeoutMs?: number;
  /** Cap on the text one tool call returns to the model; the middle is dropped beyond it. */
  maxOutputChars?: number;
  /** How Baton introduces itself in the MCP handshake. */
  clientInfo?: { name: string; version: string };
  /** Failures and oddities worth a line in the app log. */
  log?: (message: string) => void;
}

export const MCP_DEFAULTS = {
  startupTimeoutMs: 30_000,
  callTimeoutMs: 5 * 60_000,
  exitTimeoutMs: 2_000,
  maxOutputChars: DEFAULT_MAX_OUTPUT_CHARS,
} as const;

export interface McpStartReport {
  servers: McpServerStatus[];
  /** One readable sentence per problem, e.g. `MCP server "x" failed to start: <reason>`. */
  errors: string[];
}

let connectionModule: Promise<typeof ConnectionModule> | null = null;
function loadConnections(): Promise<typeof ConnectionModule> {
  connectionModule ??= import('./mcp-server-connection.ts');
  return connectionModule;
}

export type McpStatusListener = (status: McpServerStatus) => void;

function toParameters(inputSchema: McpToolDefinition['inputSchema']): Record<string, unknown> {
  // `$schema` names a dialect the providers do not ask for (and some reject); defineTool drops it too.
  const { $schema: _dialect, ...schema } = inputSchema as Record<string, unknown>;
  // Some providers refuse an object schema without `properties`, which MCP allows for no-argument tools.
  return { ...schema, type: 'object', properties: schema.properties ?? {} };
}

function effectOf(tool: McpToolDefinition): ToolEffect {
  // Annotations are the server's own claims; only an explicit read-only claim lets a call skip approval.
  return tool.annotations?.readOnlyHint === true ? 'read-only' : 'side-effecting';
}

function isArgumentObject(args: unknown): args is Record<string, unknown> {
  return typeof args === 'object' && args !== null && !Array.isArray(args);
}

export class McpManager {
  readonly #options: McpConnectionOptions;
  readonly #listeners = new Set<McpStatusListener>();
  #servers: McpServerConnection[] = [];
  /** Counts stop() calls, so a start() can tell that one arrived while the SDK was loading. */
  #stops = 0;

  constructor(options: McpManagerOptions = {}) {
    const log = options.log ?? ((message: string) => console.warn(message));
    this.#options = {
      startupTimeoutMs: options.startupTimeoutMs ?? MCP_DEFAULTS.startupTimeoutMs,
      callTimeoutMs: options.callTimeoutMs ?? MCP_DEFAULTS.callTimeoutMs,
      exitTimeoutMs: options.exitTimeoutMs ?? MCP_DEFAULTS.exitTimeoutMs,
      maxOutputChars: options.maxOutputChars ?? MCP_DEFAULTS.maxOutputChars,
      clientInfo: options.clientInfo ?? { name: 'baton', version: '0.0.0' },
      log,
    };
  }

  /**
   * Starts every enabled server in parallel and resolves when each is running or has failed. Never
   * rejects over a server: failures are in the report. A second call replaces the first set.
   */
  async start(configs: readonly McpServerConfig[]): Promise<McpStartReport> {
    const errors: string[] = [];
    const servers: McpServerConnection[] = [];
    const names = new Set<string>();
    const stopsBefore = this.#stops;
    // No server configured (the usual case): the SDK is not loaded at all.
    const connections = configs.length > 0 ? await loadConnections() : null;
    for (const config of configs) {
      if (names.has(config.name)) {
        const error = `MCP server "${config.name}" is configured more than once; only the first entry is used`;
        errors.push(error);
        this.#options.log(error);
        continue;
      }
      names.add(config.name);
      // Loaded above: there is at least one config.
      servers.push(new connections!.McpServerConnection(config, this.#options, (status) => this.#emit(status)));
    }
    // Swapped in before anything is awaited, so a stop() arriving meanwhile reaches the new servers.
    const previous = this.#servers;
    this.#servers = servers;
    await Promise.all(previous.map((server) => server.stop()));
    // A stop() that arrived while the SDK was loading found only the previous servers: it wins.
    if (this.#stops !== stopsBefore) return { servers: this.status(), errors };
    await Promise.all(servers.filter((server) => isMcpServerEnabled(server.config)).map((server) => server.start()));
    for (const server of servers) {
      const { error } = server.status();
      if (error !== undefined) errors.push(error);
    }
    return { servers: this.status(), errors };
  }

  /**
   * The tools of the servers running now, as Baton tools named `<server>__<tool>`. Ask again per
   * turn: servers die and tool lists change.
   */
  tools(): Tool[] {
    const taken = new Set<string>();
    const tools: Tool[] = [];
    for (const server of this.#servers) {
      for (const definition of server.tools) {
        const name = uniqueMcpToolName(server.name, definition.name, taken);
        taken.add(name);
        tools.push(this.#wrap(server, definition, name));
      }
    }
    return tools;
  }

  status(): McpServerStatus[] {
    return this.#servers.map((server) => server.status());
  }

  /** Called with a server's status whenever it changes; returns the unsubscribe function. */
  onStatusChange(listener: McpStatusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Closes every client; resolves once their server processes are gone. */
  async stop(): Promise<void> {
    this.#stops++;
    await Promise.all(this.#servers.map((server) => server.stop()));
  }

  #wrap(server: McpServerConnection, definition: McpToolDefinition, name: string): Tool {
    const effect = effectOf(definition);
    return {
      name,
      description: definition.description ?? definition.title ?? `Tool "${definition.name}" of MCP server "${server.name}".`,
      parameters: toParameters(definition.inputSchema),
      effect,
      defaultApproval: defaultApprovalFor(effect),
      async run(args: unknown, context: ToolRunContext): Promise<ToolOutcome> {
        // Models send nothing at all for tools without parameters.
        const callArgs = args === undefined || args === null ? {} : args;
        if (!isArgumentObject(callArgs)) {
          return { isError: true, output: `Invalid arguments for ${name}: expected a JSON object` };
        }
        return server.callTool(definition.name, callArgs, context.signal);
      },
    };
  }

  #emit(status: McpServerStatus): void {
    for (const listener of this.#listeners) {
      try {
        listener(status);
      } catch (error) {
        // A broken listener (say, a closed window) must not stop a server's state from changing.
        this.#options.log(`MCP status listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
