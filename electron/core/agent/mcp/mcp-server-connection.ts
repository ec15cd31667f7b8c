/**
 * One MCP server: its client connection (and for stdio its process), from start to stop, through
 * the SDK's `Client` and the transports of mcp-transport.ts.
 *
 * Nothing here throws at its callers. A server that cannot start, dies, or answers badly becomes a
 * `failed` state with a readable error and tool calls that come back as error outcomes, because a
 * broken add-on must never break the user's turn (R3).
 */
import { existsSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import type { ToolOutcome } from '../tools/tool.ts';
import { isMcpHttpServer, resolveMcpSecrets } from './mcp-config.ts';
import type { McpServerConfig } from './mcp-config.ts';
import { describeHttpFailure, shouldFallBackToSse, sseTransport, stdioTransport, streamableHttpTransport } from './mcp-transport.ts';
import type { Transport } from './mcp-transport.ts';
import { formatMcpResult } from './mcp-tool-result.ts';
import { describeError } from '../../../../shared/errors.ts';

export type { McpToolDefinition };

/** `starting` is only seen while `start()` runs, so a settings view can show progress. */
export type McpServerState = 'starting' | 'running' | 'failed' | 'stopped';

export interface McpServerStatus {
  name: string;
  state: McpServerState;
  /** A full sentence for the user, e.g. `MCP server "x" failed to start: command not found: "y"`. */
  error?: string;
  toolCount: number;
  /** The server process while it is believed to be alive. */
  pid?: number;
}

export interface McpConnectionOptions {
  startupTimeoutMs: number;
  callTimeoutMs: number;
  /** How long `stop()` waits for the process to be gone after the SDK has closed (and if need be killed) it. */
  exitTimeoutMs: number;
  maxOutputChars: number;
  clientInfo: { name: string; version: string };
  log: (message: string) => void;
  /** Looks up an env or header value stored by reference (R4); without it references stay unresolved. */
  resolveSecret?: (ref: string) => Promise<string | null>;
}

const STDERR_TAIL_CHARS = 4096;
const STDERR_SUMMARY_CHARS = 300;
const TOOL_LIST_DEBOUNCE_MS = 100;
const MAX_TOOL_LIST_PAGES = 100;

class StartupTimeout extends Error {}

/**
 * Aborts the calls in flight when the server is stopped, restarted or changed under a turn, or its
 * HTTP connection breaks; the message completes "did not finish: …".
 */
class CallCutOff extends Error {}

const STDERR_VIEW_LINES = 20;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The last lines a server wrote to stderr: usually the one place it says why it gave up. */
class StderrTail {
  readonly #decoder = new StringDecoder('utf8');
  #text = '';

  push(chunk: Buffer | string): void {
    this.#text += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    if (this.#text.length > STDERR_TAIL_CHARS) this.#text = this.#text.slice(-STDERR_TAIL_CHARS);
  }

  /** ` (stderr: "…")`, or nothing when the server said nothing. */
  suffix(): string {
    const lines = this.#text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
    let summary = lines.slice(-3).join(' | ');
    if (summary.length === 0) return '';
    if (summary.length > STDERR_SUMMARY_CHARS) summary = `…${summary.slice(-STDERR_SUMMARY_CHARS)}`;
    return ` (stderr: "${summary}")`;
  }

  /** The last lines, for the settings view. */
  lines(): string {
    return this.#text.split(/\r?\n/).filter((line) => line.trim().length > 0).slice(-STDERR_VIEW_LINES).join('\n');
  }
}

export class McpServerConnection {
  readonly config: McpServerConfig;
  readonly #options: McpConnectionOptions;
  readonly #onChange: (status: McpServerStatus) => void;
  readonly #stderr = new StderrTail();

  #state: McpServerState = 'stopped';
  #error: string | undefined;
  /** Why the server is not usable, phrased to follow "is not running: ". */
  #reason: string | undefined;
  #tools: McpToolDefinition[] = [];
  #client: Client | undefined;
  #pid: number | undefined;
  #lastTransportError: string | undefined;
  #startup: AbortController | undefined;
  readonly #calls = new Set<AbortController>();
  #stopRequested = false;
  #stopping: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #markExited: () => void = () => {};
  /** Settles when the SDK reports the process closed (it listens to the child's 'close' event). */
  readonly #exited: Promise<void>;

  constructor(config: McpServerConfig, options: McpConnectionOptions, onChange: (status: McpServerStatus) => void) {
    this.config = config;
    this.#options = options;
    this.#onChange = onChange;
    this.#exited = new Promise((resolve) => {
      this.#markExited = resolve;
    });
  }

  get name(): string {
    return this.config.name;
  }

  get state(): McpServerState {
    return this.#state;
  }

  get tools(): readonly McpToolDefinition[] {
    return this.#state === 'running' ? this.#tools : [];
  }

  /** What the server last wrote to stderr (stdio only), for the settings view. */
  get stderrTail(): string {
    return this.#stderr.lines();
  }

  status(): McpServerStatus {
    const status: McpServerStatus = { name: this.name, state: this.#state, toolCount: this.tools.length };
    if (this.#error !== undefined) status.error = this.#error;
    if (this.#pid !== undefined && (this.#state === 'starting' || this.#state === 'running')) status.pid = this.#pid;
    return status;
  }

  /** Resolves once the server is running, has failed, or was stopped meanwhile; never rejects. */
  async start(): Promise<void> {
    // Stopped before it got going (an exit during startup): spawning now would leak the process.
    if (this.#stopRequested || this.#client !== undefined) return;
    const startup = new AbortController();
    this.#startup = startup;
    const timer = setTimeout(() => startup.abort(new StartupTimeout()), this.#options.startupTimeoutMs);
    // The SDK's own request timeout (60 s by default) would otherwise cut a longer startup budget.
    const requestOptions = { signal: startup.signal, timeout: this.#options.startupTimeoutMs };
    try {
      const { resolveSecret } = this.#options;
      const config = resolveSecret ? await resolveMcpSecrets(this.config, resolveSecret) : this.config;
      if (this.#stopRequested) return await this.#stopping;
      if (isMcpHttpServer(config)) {
        this.#setState('starting');
        try {
          await this.#connect(streamableHttpTransport(config), requestOptions);
        } catch (error) {
          if (this.#stopRequested || !shouldFallBackToSse(error)) throw error;
          // An HTTP+SSE server (the transport before Streamable HTTP) refuses the POST; try its way.
          const refused = this.#client as Client | undefined;
          this.#client = undefined;
          await refused?.close().catch(() => undefined);
          await this.#connect(sseTransport(config), requestOptions);
        }
      } else {
        const transport = stdioTransport(config);
        // Always drained: an unread pipe fills up and blocks a chatty server on its next write.
        transport.stderr?.on('data', (chunk: Buffer | string) => this.#stderr.push(chunk));
        // `connect` spawns synchronously, so the pid is known before the handshake is awaited.
        const connecting = this.#connect(transport, requestOptions);
        this.#pid = transport.pid ?? undefined;
        this.#setState('starting');
        await connecting;
      }
      const tools = await this.#listTools(requestOptions);
      // Stopped meanwhile: resolve only once stopping is done, so the caller sees the final state.
      if (this.#stopRequested) return await this.#stopping;
      this.#tools = tools;
      this.#setState('running');
    } catch (error) {
      if (this.#stopRequested) return await this.#stopping;
      const reason = this.#startupFailure(error, startup.signal);
      this.#fail(`MCP server "${this.name}" failed to start: ${reason}`, reason);
      // Not awaited: the report should not wait for a hung server's SIGTERM/SIGKILL; `stop()` does.
      void this.#close();
    } finally {
      clearTimeout(timer);
      this.#startup = undefined;
    }
  }

  #connect(transport: Transport, requestOptions: { signal: AbortSignal; timeout: number }): Promise<void> {
    const client = new Client(this.#options.clientInfo, {
      capabilities: {},
      listChanged: {
        tools: { autoRefresh: false, debounceMs: TOOL_LIST_DEBOUNCE_MS, onChanged: () => void this.#refreshTools() },
      },
    });
    // A client given up for another transport (the SSE fallback) must not mark this server closed.
    client.onclose = () => {
      if (client === this.#client) this.#onClosed();
    };
    client.onerror = (error) => {
      this.#lastTransportError = describeError(error);
      // Over HTTP there is no process whose exit would end the calls: a response stream cut by a
      // dying server or a broken network is only reported here, and the calls would wait forever.
      if (isMcpHttpServer(this.config) && this.#state === 'running') this.#cutOffCalls(`the connection to the server broke (${this.#lastTransportError})`);
    };
    this.#client = client;
    return client.connect(transport, requestOptions);
  }

  async callTool(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
    const label = `MCP tool "${tool}" of server "${this.name}"`;
    const client = this.#client;
    if (this.#state !== 'running' || client === undefined) return this.#notRunning();
    if (signal.aborted) return { isError: true, output: `${label} was not run: the turn was interrupted` };
    // The SDK adds an abort listener to the signal it is given and never removes it; a turn's signal
    // outlives many calls, so each call gets its own controller, linked for the call's duration.
    const call = new AbortController();
    const forward = (): void => call.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    this.#calls.add(call);
    try {
      const result = await client.callTool({ name: tool, arguments: args }, undefined, {
        signal: call.signal,
        timeout: this.#options.callTimeoutMs,
      });
      return { isError: result.isError === true, output: formatMcpResult(result, this.#options.maxOutputChars) };
    } catch (error) {
      // The SDK reports an abort as a RequestTimeout error, so the signal is the only reliable witness.
      if (signal.aborted) return { isError: true, output: `${label} was cancelled: the turn was interrupted` };
      // Stopped, restarted or changed in the settings while the call ran: said so, never left hanging.
      if (call.signal.reason instanceof CallCutOff) return { isError: true, output: `${label} did not finish: ${call.signal.reason.message}` };
      // A call cut off by the server's death: the close handler has already recorded why.
      if (this.#state !== 'running') return this.#notRunning();
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        return { isError: true, output: `${label} timed out after ${seconds(this.#options.callTimeoutMs)}` };
      }
      return { isError: true, output: `${label} failed: ${describeError(error)}` };
    } finally {
      signal.removeEventListener('abort', forward);
      this.#calls.delete(call);
    }
  }

  /**
   * Closes the connection; resolves once the server process is gone (or could not be confirmed
   * gone). `why` completes "the server …" in what a call cut short or made later is told.
   */
  stop(why = 'was stopped'): Promise<void> {
    this.#stopping ??= this.#stopOnce(why);
    return this.#stopping;
  }

  async #stopOnce(why: string): Promise<void> {
    this.#stopRequested = true;
    if (this.#state !== 'failed') this.#reason = `it ${why}`;
    this.#startup?.abort(new Error('stopped'));
    // Ended at once rather than when the process is gone: a turn waits for its call, not for SIGKILL.
    this.#cutOffCalls(`the server ${why}`);
    await this.#close();
    if (this.#state !== 'failed') this.#setState('stopped');
  }

  #cutOffCalls(why: string): void {
    for (const call of this.#calls) call.abort(new CallCutOff(why));
  }

  #close(): Promise<void> {
    this.#closing ??= this.#closeOnce();
    return this.#closing;
  }

  async #closeOnce(): Promise<void> {
    const client = this.#client;
    if (client === undefined) {
      this.#markExited();
      return;
    }
    try {
      // The SDK ends stdin, then SIGTERMs and SIGKILLs after 2 s each, as the MCP spec asks.
      await client.close();
    } catch (error) {
      this.#options.log(`MCP server "${this.name}": closing failed: ${describeError(error)}`);
    }
    // After its SIGKILL the SDK returns without waiting for the death; the close event confirms it.
    let timer: NodeJS.Timeout | undefined;
    const confirmed = await Promise.race([
      this.#exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.#options.exitTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!confirmed) {
      // Either stuck in uninterruptible I/O or a descendant still holds its stdio open.
      this.#options.log(`MCP server "${this.name}" (pid ${this.#pid ?? '?'}): could not confirm that its process exited`);
    }
  }

  #onClosed(): void {
    this.#markExited();
    // A failure during startup is reported by start(), with the startup context.
    if (this.#stopRequested || this.#state !== 'running') return;
    // The SDK also reports harmless noise (a stray non-JSON line on stdout) as errors, so the last
    // one is offered as a clue, not named as the cause.
    const clue = this.#lastTransportError ? `; last connection error: ${this.#lastTransportError}` : '';
    const reason = `it exited unexpectedly${this.#stderr.suffix()}${clue}`;
    this.#fail(`MCP server "${this.name}" failed: ${reason}`, reason);
    void this.#close();
  }

  async #listTools(options: { signal?: AbortSignal; timeout: number }): Promise<McpToolDefinition[]> {
    const client = this.#client;
    if (client === undefined) return [];
    const tools: McpToolDefinition[] = [];
    let cursor: string | undefined;
    // Bounded: a server that hands out cursors forever must not hold startup or a refresh hostage.
    for (let page = 0; page < MAX_TOOL_LIST_PAGES; page += 1) {
      const result = await client.listTools(cursor === undefined ? undefined : { cursor }, options);
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return tools;
  }

  async #refreshTools(): Promise<void> {
    if (this.#state !== 'running') return;
    try {
      const tools = await this.#listTools({ timeout: this.#options.startupTimeoutMs });
      if (this.#state !== 'running') return;
      this.#tools = tools;
      this.#onChange(this.status());
    } catch (error) {
      // The previous list stays usable; a dead server is reported by the close handler instead.
      if (this.#state === 'running') this.#options.log(`MCP server "${this.name}": could not refresh its tools: ${describeError(error)}`);
    }
  }

  #startupFailure(error: unknown, startupSignal: AbortSignal): string {
    if (startupSignal.reason instanceof StartupTimeout) {
      return `it did not answer within ${seconds(this.#options.startupTimeoutMs)}${this.#stderr.suffix()}`;
    }
    const code = errorCode(error);
    const config = this.config;
    if (isMcpHttpServer(config)) return describeHttpFailure(error);
    // Node reports a missing working folder as ENOENT of the command, which would send the user
    // looking for the wrong thing.
    if (code === 'ENOENT' && config.cwd && !existsSync(config.cwd)) return `working folder not found: "${config.cwd}"`;
    if (code === 'ENOENT') return `command not found: "${config.command}"`;
    if (code === 'EACCES') return `permission denied running "${config.command}"`;
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
      return `it exited during startup${this.#stderr.suffix()}`;
    }
    return `${describeError(error)}${this.#stderr.suffix()}`;
  }

  #notRunning(): ToolOutcome {
    const idle = this.config.enabled === false ? 'it is disabled in Settings' : 'it was stopped';
    const reason = this.#reason ?? (this.#state === 'starting' ? 'it is still starting' : idle);
    return { isError: true, output: `MCP server "${this.name}" is not running: ${reason}` };
  }

  #fail(error: string, reason: string): void {
    this.#error = error;
    this.#reason = reason;
    this.#tools = [];
    this.#options.log(error);
    this.#setState('failed');
  }

  #setState(state: McpServerState): void {
    if (state === this.#state && state !== 'failed') return;
    this.#state = state;
    this.#onChange(this.status());
  }
}
