/**
 * The SDK transports Baton speaks MCP over: stdio for local commands, Streamable HTTP for remote
 * servers, and the older HTTP+SSE transport for servers that predate it. Kept apart from the
 * manager so the SDK is only loaded with the connection (the manager imports it lazily).
 */
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpHttpServerConfig, McpStdioServerConfig } from './mcp-config.ts';
import { describeError } from '../../../../shared/errors.ts';

export type { Transport };

export function stdioTransport(config: McpStdioServerConfig): StdioClientTransport {
  return new StdioClientTransport({
    command: config.command,
    args: config.args ?? [],
    ...(config.env ? { env: config.env } : {}),
    ...(config.cwd ? { cwd: config.cwd } : {}),
    // Piped, not inherited: the tail explains failures, and a desktop app has no terminal to show it in.
    stderr: 'pipe',
  });
}

function requestInit(config: McpHttpServerConfig): RequestInit {
  return config.headers ? { headers: config.headers } : {};
}

export function streamableHttpTransport(config: McpHttpServerConfig): Transport {
  // No reconnection: a stream cut by a dying server must end its calls, not retry them quietly.
  return new StreamableHTTPClientTransport(new URL(config.url), {
    requestInit: requestInit(config),
    reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1_000, maxReconnectionDelay: 1_000, reconnectionDelayGrowFactor: 1 },
  });
}

export function sseTransport(config: McpHttpServerConfig): Transport {
  const init = requestInit(config);
  // The SSE stream is opened with EventSource semantics; the headers must reach that request too.
  return new SSEClientTransport(new URL(config.url), {
    requestInit: init,
    eventSourceInit: { fetch: (url, options) => fetch(url, { ...options, headers: { ...(options?.headers as Record<string, string>), ...(config.headers ?? {}) } }) },
  });
}

/**
 * What the MCP spec's backwards-compatibility section says a client should take for "this is an
 * HTTP+SSE server": the initialize POST refused with 4xx (typically 404 or 405).
 */
export function shouldFallBackToSse(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code !== undefined && error.code >= 400 && error.code < 500 && error.code !== 401 && error.code !== 403;
}

/** Why an HTTP server could not be reached, with the status code or the network reason fetch hides in its cause. */
export function describeHttpFailure(error: unknown): string {
  const status = error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0 ? ` (HTTP ${error.code})` : '';
  const cause = error instanceof Error && error.cause !== undefined ? `: ${describeError(error.cause)}` : '';
  return `${describeError(error)}${cause}${status}`;
}
