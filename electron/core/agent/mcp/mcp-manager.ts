/**
 * Runs the MCP servers configured in settings (stdio and HTTP) and offers their tools to the model
 * as Baton tools. Servers start in parallel, each with its own startup budget; one that fails to
 * start or dies later is reported (status, listeners, readable errors) and its tools answer with
 * errors, while every other server and the turn itself carry on (R3).
 *
 * A changed server list is applied live (`apply`): new servers start, removed or disabled ones
 * stop, edited ones restart, unchanged ones are left alone. A call in flight on a server that is
 * stopped ends at once with a tool error saying why, so a turn never hangs on a settings change.
 *
 * The MCP SDK (behind mcp-server-connection.ts) takes about 150 ms to load, so it is imported only
 * when a server is configured, not at every start (issue 13).
 */
import type { ToolEffect } from '../../../../shared/transcript.ts';
import { defaultApprovalFor } from '../tools/tool.ts';
import type { Tool, ToolOutcome, ToolRunContext } from '../tools/tool.ts';
import { isMcpHttpServer, isMcpServerEnabled, sameMcpServerConfig } from './mcp-config.ts';
import type { McpServerConfig } from './mcp-config.ts';
import type { McpServerConnection } from './mcp-server-connection.ts';
import type * as ConnectionModule from './mcp-server-connection.ts';
import type { McpConnectionOptions, McpServerStatus, McpToolDefinition } from './mcp-server-connection.ts';
import { DEFAULT_MAX_OUTPUT_CHARS } from './mcp-tool-result.ts';
import { uniqueMcpToolName } from './mcp-tool-name.ts';
import { defaultLog, type Log } from '../../../../shared/log.ts';
import { describeError } from '../../../../shared/errors.ts';
import type { McpServerView } from '../../../../shared/mcp-status.ts';

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
  log?: Log;
  /** Where env and header values stored by reference are looked up (the SecretStore, R4). */
  resolveSecret?: (ref: string) => Promise<string | null>;
}

/** A server as the settings view shows it, before the approval modes (a settings matter) are added. */
export type McpServerSnapshot = Omit<McpServerView, 'tools'> & { tools: Array<Omit<McpServerView['tools'][number], 'approval'>> };

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

export type McpStatusListener = (status: McpServerStatus) => void;

let connectionModule: Promise<typeof ConnectionModule> | null = null;
function loadConnections(): Promise<typeof ConnectionModule> {
  connectionModule ??= import('./mcp-server-connection.ts');
  return connectionModule;
}

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
  /** After `stop()` the manager is done: a late settings change must not bring servers back. */
  #closed = false;
  /** The SDK-backed connection module, once a server was configured (loaded on first use). */
  #module: typeof ConnectionModule | null = null;

  constructor(options: McpManagerOptions = {}) {
    const log = options.log ?? defaultLog;
    this.#options = {
      startupTimeoutMs: options.startupTimeoutMs ?? MCP_DEFAULTS.startupTimeoutMs,
      callTimeoutMs: options.callTimeoutMs ?? MCP_DEFAULTS.callTimeoutMs,
      exitTimeoutMs: options.exitTimeoutMs ?? MCP_DEFAULTS.exitTimeoutMs,
      maxOutputChars: options.maxOutputChars ?? MCP_DEFAULTS.maxOutputChars,
      clientInfo: options.clientInfo ?? { name: 'baton', version: '0.0.0' },
      log,
      ...(options.resolveSecret ? { resolveSecret: options.resolveSecret } : {}),
    };
  }

  /**
   * Starts every enabled server in parallel and resolves when each is running or has failed. Never
   * rejects over a server: failures are in the report. A second call applies the new list.
   */
  start(configs: readonly McpServerConfig[]): Promise<McpStartReport> {
    return this.apply(configs);
  }

  /**
   * Makes the running servers match `configs` without touching the unchanged ones: new servers
   * start, removed or disabled ones stop, edited ones restart. Resolves when every server started
   * here is running or has failed; never rejects over a server.
   */
  async apply(configs: readonly McpServerConfig[]): Promise<McpStartReport> {
    if (this.#closed) return { servers: this.status(), errors: [] };
    // No server configured (the usual case): the SDK is not loaded at all.
    if (configs.length > 0) this.#module ??= await loadConnections();
    // A stop() that arrived while the SDK was loading wins: nothing is spawned.
    if (this.#closed) return { servers: this.status(), errors: [] };
    const errors: string[] = [];
    const current = new Map(this.#servers.map((server) => [server.name, server]));
    const next: McpServerConnection[] = [];
    const starting: Array<{ server: McpServerConnection; after: Promise<void> }> = [];
    const stopping: Promise<void>[] = [];
    for (const config of configs) {
      if (next.some((server) => server.name === config.name)) {
        const error = `MCP server "${config.name}" is configured more than once; only the first entry is used`;
        errors.push(error);
        this.#options.log(error);
        continue;
      }
      const existing = current.get(config.name);
      current.delete(config.name);
      if (existing !== undefined && sameMcpServerConfig(existing.config, config)) {
        next.push(existing);
        continue;
      }
      const server = this.#connection(config);
      next.push(server);
      // The old process goes first: the new one may need its port, lock file or session.
      const after = existing === undefined ? Promise.resolve() : existing.stop(isMcpServerEnabled(config) ? 'had its settings changed' : 'was disabled');
      stopping.push(after);
      if (isMcpServerEnabled(config)) starting.push({ server, after });
    }
    for (const removed of current.values()) stopping.push(removed.stop('was removed from the settings'));
    // Swapped in before anything is awaited, so a stop() arriving meanwhile reaches the new servers.
    this.#servers = next;
    await Promise.all([
      ...stopping,
      ...starting.map(async ({ server, after }) => {
        await after;
        await server.start();
      }),
    ]);
    for (const server of next) {
      const { error } = server.status();
      if (error !== undefined) errors.push(error);
    }
    return { servers: this.status(), errors };
  }

  /**
   * Stops the server and starts it again with the same settings (a disabled one stays stopped).
   * Resolves with its status once it is running or has failed.
   */
  async restart(name: string): Promise<McpServerStatus> {
    const old = this.#servers.find((server) => server.name === name);
    if (old === undefined) throw new Error(`No MCP server is named "${name}".`);
    const server = this.#connection(old.config);
    this.#servers = this.#servers.map((candidate) => (candidate === old ? server : candidate));
    await old.stop('was restarted');
    if (!this.#closed && isMcpServerEnabled(server.config)) await server.start();
    return server.status();
  }

  /** Every configured server with its state, stderr tail and tools, for the settings view. */
  snapshot(): McpServerSnapshot[] {
    const named = this.#namedTools();
    return this.#servers.map((server) => {
      const status = server.status();
      const tail = server.stderrTail;
      return {
        name: server.name,
        transport: isMcpHttpServer(server.config) ? 'http' : 'stdio',
        enabled: isMcpServerEnabled(server.config),
        state: status.state,
        ...(status.error !== undefined ? { error: status.error } : {}),
        ...(tail.length > 0 ? { stderrTail: tail } : {}),
        ...(status.pid !== undefined ? { pid: status.pid } : {}),
        tools: named
          .filter((entry) => entry.server === server)
          .map(({ definition, name }) => ({
            name,
            serverTool: definition.name,
            ...(definition.description !== undefined ? { description: definition.description } : {}),
            readOnly: effectOf(definition) === 'read-only',
          })),
      };
    });
  }

  /**
   * The tools of the servers running now, as Baton tools named `<server>__<tool>`. Ask again per
   * turn: servers die and tool lists change.
   */
  tools(): Tool[] {
    return this.#namedTools().map(({ server, definition, name }) => this.#wrap(server, definition, name));
  }

  #namedTools(): Array<{ server: McpServerConnection; definition: McpToolDefinition; name: string }> {
    const taken = new Set<string>();
    const named: Array<{ server: McpServerConnection; definition: McpToolDefinition; name: string }> = [];
    for (const server of this.#servers) {
      for (const definition of server.tools) {
        const name = uniqueMcpToolName(server.name, definition.name, taken);
        taken.add(name);
        named.push({ server, definition, name });
      }
    }
    return named;
  }

  #connection(config: McpServerConfig): McpServerConnection {
    // Only reached with servers configured, so apply() has loaded the module.
    if (!this.#module) throw new Error('The MCP client is not loaded.');
    return new this.#module.McpServerConnection(config, this.#options, (status) => this.#emit(status));
  }

  status(): McpServerStatus[] {
    return this.#servers.map((server) => server.status());
  }

  /** Called with a server's status whenever it changes; returns the unsubscribe function. */
  onStatusChange(listener: McpStatusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Closes every client; resolves once their server processes are gone. Final: `apply` does nothing after it. */
  async stop(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#servers.map((server) => server.stop()));
  }

  #wrap(server: McpServerConnection, definition: McpToolDefinition, name: string): Tool {
    const effect = effectOf(definition);
    const servers = (): McpServerConnection[] => this.#servers;
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
        // A turn keeps the tool list it started with; after a restart the call goes to the new
        // connection of that name, after a removal to the old one, which says it was removed.
        const current = servers().find((candidate) => candidate.name === server.name) ?? server;
        return current.callTool(definition.name, callArgs, context.signal);
      },
    };
  }

  #emit(status: McpServerStatus): void {
    for (const listener of this.#listeners) {
      try {
        listener(status);
      } catch (error) {
        // A broken listener (say, a closed window) must not stop a server's state from changing.
        this.#options.log(`MCP status listener failed: ${describeError(error)}`);
      }
    }
  }
}
