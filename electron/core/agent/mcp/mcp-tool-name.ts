/**
 * Names MCP tools for the model. Providers accept tool names matching ^[a-zA-Z0-9_-]{1,64}$, while
 * MCP servers may use dots, slashes or any length, and two servers may offer tools with one name.
 * The server name as prefix keeps tools of different servers apart and tells the model (and the
 * user approving a call) where a tool comes from.
 */
import { createHash } from 'node:crypto';

export const MAX_TOOL_NAME_LENGTH = 64;
const SEPARATOR = '__';
const HASH_LENGTH = 8;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/** `<server>__<tool>` in the provider-safe charset, cut to 64 characters. */
export function mcpToolName(server: string, tool: string): string {
  const safe = `${server}${SEPARATOR}${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  return safe.slice(0, MAX_TOOL_NAME_LENGTH);
}

/**
 * Sanitizing and cutting can map two different tools to one name ("a.b" and "a_b"; two long names
 * with a common start). The later one gets a hash of its original identity instead of silently
 * shadowing the first; the hash is stable, so the name is the same every time the tools are listed.
 */
export function uniqueMcpToolName(server: string, tool: string, taken: ReadonlySet<string>): string {
  const name = mcpToolName(server, tool);
  if (!taken.has(name)) return name;
  const hashed = `${name.slice(0, MAX_TOOL_NAME_LENGTH - HASH_LENGTH - 1)}_${shortHash(`${server}\u0000${tool}`)}`;
  if (!taken.has(hashed)) return hashed;
  // Only reachable when a server offers the same tool name twice; a counter still keeps names unique.
  for (let counter = 2; ; counter += 1) {
    const suffix = `_${counter}`;
    const candidate = `${hashed.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
