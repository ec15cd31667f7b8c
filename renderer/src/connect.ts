/**
 * How this window reaches the gateway: through the Electron preload's MessagePort when it is
 * there (`window.baton`), else over the headless host's WebSocket on the origin that served the
 * page, with the page's `?token=`.
 */
import type { Transport } from '../../shared/protocol/transport.ts';
import { connectWebSocket, hostWebSocketUrl } from '../../shared/protocol/websocket-transport.ts';

/** What the preload exposes (a small typed API over contextBridge). */
export interface BatonBridge {
  connect(): Promise<Transport>;
}

declare global {
  interface Window {
    baton?: BatonBridge;
  }
}

export function connectTransport(): Promise<Transport> {
  const bridge = window.baton;
  if (bridge && typeof bridge.connect === 'function') return bridge.connect();
  return connectWebSocket(hostWebSocketUrl(window.location.href));
}
