/**
 * Issue 10, R4: credentials written into an address (`https://user:secret@host/`, a provider base
 * URL or an MCP HTTP server URL) are never shown in clear — not in the window, not in the logs.
 * The one masking function for both; environment-neutral so the core, the shell and the renderer
 * share it.
 */

/** What a front end is shown instead of a secret value (R4). */
export const MASKED_VALUE = '••••••••';

// scheme://user:password@ — the password ends at the first '@' before any path, query or space.
const CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#@]*@/gi;

/**
 * `https://me:hunter2@llm.example/v1` → `https://me:••••••••@llm.example/v1`, for an address or
 * for any text that contains addresses (a log line, an error message). The user name stays, so
 * the person still recognises the address; text without credentials comes back unchanged.
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(CREDENTIALS, `$1:${MASKED_VALUE}@`);
}

/** A log that never writes an address's password (the runtime wraps the one it is given). */
export function maskingLog(log: (message: string) => void): (message: string) => void {
  return (message) => log(maskUrlCredentials(message));
}
