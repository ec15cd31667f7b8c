/**
 * Names and small shapes shared by the preload and the main process. No imports: the preload is
 * a sandboxed CommonJS bundle and must not pull Node modules in.
 */
export const CONNECT_CHANNEL = 'baton:connect';
export const PORT_CHANNEL = 'baton:port';
export const REFUSED_CHANNEL = 'baton:connect-refused';
export const HANDSHAKE_VERSION = 1;

/** The sentinel a closing end of the gateway port sends; never a valid protocol frame (no `type`). */
export const CLOSE_SENTINEL: Readonly<{ $transport: 'close' }> = Object.freeze({ $transport: 'close' });

export function isCloseSentinel(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { $transport?: unknown }).$transport === 'close';
}

/** The nonce a reply carries, when it carries a well-formed one. */
export function replyNonce(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return null;
  const nonce = (message as { nonce?: unknown }).nonce;
  return typeof nonce === 'string' ? nonce : null;
}
