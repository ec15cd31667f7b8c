/**
 * The client end of the headless host's transport: a WebSocket carrying one JSON text message per
 * frame. Uses the environment's own WebSocket (browsers; Node 22+ has one globally). A message
 * that is not JSON is delivered as the raw string, so the client's schema check rejects it (R1)
 * instead of this layer throwing.
 */
import { TransportListeners, type Transport } from './transport.ts';
import { defaultLog } from '../log.ts';

/** The subset of the WHATWG WebSocket this transport uses; declared here because shared/ has no DOM types. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;

export interface ConnectWebSocketOptions {
  /** Defaults to globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
}

export class WebSocketTransport implements Transport {
  private readonly socket: WebSocketLike;
  private readonly listeners = new TransportListeners(defaultLog);

  constructor(socket: WebSocketLike) {
    this.socket = socket;
    socket.addEventListener('message', (event) => this.listeners.deliver(decodeFrame(event.data)));
    socket.addEventListener('close', () => this.listeners.close());
  }

  send(frame: unknown): void {
    if (this.listeners.closed || this.socket.readyState !== OPEN) return;
    this.socket.send(JSON.stringify(frame));
  }

  onFrame(listener: (frame: unknown) => void): () => void {
    return this.listeners.onFrame(listener);
  }

  onClose(listener: () => void): () => void {
    return this.listeners.onClose(listener);
  }

  close(): void {
    try {
      this.socket.close(1000, 'client closed');
    } catch {
      // Already closing: the close event still comes.
    }
    // Callers (a reconnecting client) must not wait for the network to confirm.
    this.listeners.close();
  }
}

/** JSON text → value; anything else (bad JSON, binary) → the raw data, which validation rejects. */
export function decodeFrame(data: unknown): unknown {
  if (typeof data !== 'string') return typeof data === 'object' && data !== null ? '[binary frame]' : data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

/** Opens a WebSocket and resolves once it is open; rejects if it closes or fails first. */
export function connectWebSocket(url: string, options: ConnectWebSocketOptions = {}): Promise<Transport> {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Ctor) return Promise.reject(new Error('This environment has no WebSocket.'));
  return new Promise((resolve, reject) => {
    let socket: WebSocketLike;
    try {
      socket = new Ctor(url);
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    let settled = false;
    // The transport subscribes before `open` can fire, so no early message is lost.
    const transport = new WebSocketTransport(socket);
    socket.addEventListener('open', () => {
      if (settled) return;
      settled = true;
      resolve(transport);
    });
    const fail = () => {
      if (settled) return;
      settled = true;
      transport.close();
      reject(new Error(`Could not connect to ${redactToken(url)}.`));
    };
    socket.addEventListener('error', fail);
    socket.addEventListener('close', fail);
  });
}

/**
 * The host's WebSocket URL for a page it served: `http://h:p/?token=T` → `ws://h:p/ws?token=T`
 * (https → wss). The renderer calls this with `location.href`.
 */
export function hostWebSocketUrl(pageUrl: string): string {
  // String parsing, not URL: shared/ compiles without DOM or Node types.
  const origin = /^(https?):\/\/([^/?#]+)/i.exec(pageUrl);
  if (!origin) throw new Error('The page was not served over http(s).');
  const scheme = origin[1]!.toLowerCase() === 'https' ? 'wss' : 'ws';
  const token = /[?&]token=([^&#]*)/.exec(pageUrl)?.[1];
  return `${scheme}://${origin[2]!}/ws${token !== undefined ? `?token=${token}` : ''}`;
}

/** Error messages must not carry the access token. */
export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1…');
}
