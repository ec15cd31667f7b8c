/**
 * The one IPC request the preload makes: "give this window a gateway port" (R1). The sender is
 * checked (a top-level frame of one of Baton's own windows, showing an app:// page) and the payload
 * is validated with a schema; a refusal is a typed error sent back, never a crash or a silent drop.
 */
import { z } from 'zod';
import { CONNECT_CHANNEL, HANDSHAKE_VERSION, PORT_CHANNEL, REFUSED_CHANNEL } from '../../preload/channels.ts';
import { isAppUrl } from '../window/web-policy.ts';

export { CONNECT_CHANNEL, HANDSHAKE_VERSION, PORT_CHANNEL, REFUSED_CHANNEL };

export const connectRequestSchema = z.object({ version: z.literal(HANDSHAKE_VERSION), nonce: z.string().min(8).max(64) }).strict();
export type ConnectRequest = z.infer<typeof connectRequestSchema>;

export interface HandshakeSender {
  /** The URL of the frame that sent the request (null when the frame is gone). */
  frameUrl: string | null;
  /** The request came from the window's top-level frame, not an iframe. */
  isMainFrame: boolean;
  /** The webContents belongs to a window Baton created. */
  isKnownWindow: boolean;
}

export type HandshakeVerdict =
  | { ok: true; request: ConnectRequest }
  | { ok: false; error: { code: 'FORBIDDEN_SENDER' | 'INVALID_PARAMS'; message: string; nonce: string | null } };

function salvageNonce(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const nonce = (payload as { nonce?: unknown }).nonce;
  return typeof nonce === 'string' && nonce.length <= 64 ? nonce : null;
}

export function checkConnectRequest(sender: HandshakeSender, payload: unknown): HandshakeVerdict {
  if (!sender.isKnownWindow || !sender.isMainFrame || sender.frameUrl === null || !isAppUrl(sender.frameUrl)) {
    return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'Only a Baton window may connect to the gateway.', nonce: salvageNonce(payload) } };
  }
  const parsed = connectRequestSchema.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, error: { code: 'INVALID_PARAMS', message: `Bad connect request: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, nonce: salvageNonce(payload) } };
  }
  return { ok: true, request: parsed.data };
}
