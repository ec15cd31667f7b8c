/**
 * The preload: one CommonJS bundle (electron-vite builds it to out/preload/index.cjs), run in the
 * window's isolated world with the sandbox on. It exposes exactly one thing to the page:
 *
 *   window.baton = { connect(): Promise<Transport> }
 *
 * `connect` asks the main process for a gateway port (a MessageChannelMain per window; the main
 * process checks the sender and validates the request), then wraps the port as a Transport. The
 * page never sees ipcRenderer, the port object or anything of Node (R4).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { DisposableStore } from '../../shared/disposables.ts';
import { defaultLog } from '../../shared/log.ts';
import { TransportListeners, type Transport } from '../../shared/protocol/transport.ts';
import { CLOSE_SENTINEL, CONNECT_CHANNEL, HANDSHAKE_VERSION, isCloseSentinel, PORT_CHANNEL, REFUSED_CHANNEL, replyNonce } from './channels.ts';

const CONNECT_TIMEOUT_MS = 10_000;

function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function portTransport(port: MessagePort): Transport {
  const listeners = new TransportListeners(defaultLog);
  // The port's listeners go with the transport: a closed port must not keep this page's closures.
  const subscriptions = new DisposableStore();
  const listen = (type: 'message' | 'close', listener: (event: Event) => void) => {
    port.addEventListener(type, listener);
    subscriptions.add(() => port.removeEventListener(type, listener));
  };
  listeners.onClose(() => {
    subscriptions.dispose();
    port.close();
  });
  listen('message', (event) => {
    const data: unknown = (event as MessageEvent).data;
    if (isCloseSentinel(data)) listeners.close();
    else listeners.deliver(data);
  });
  // Chromium tells a port when its peer is gone; the sentinel covers the main process closing it.
  listen('close', () => listeners.close());
  port.start();
  return {
    send(frame: unknown) {
      if (!listeners.closed) port.postMessage(frame);
    },
    onFrame: (listener: (frame: unknown) => void) => listeners.onFrame(listener),
    onClose: (listener: () => void) => listeners.onClose(listener),
    close() {
      if (listeners.closed) return;
      port.postMessage(CLOSE_SENTINEL);
      listeners.close();
    },
  };
}

function connect(): Promise<Transport> {
  const nonce = newNonce();
  return new Promise<Transport>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      ipcRenderer.removeListener(PORT_CHANNEL, onPort);
      ipcRenderer.removeListener(REFUSED_CHANNEL, onRefused);
    };
    const onPort = (event: IpcRendererEvent, message: unknown) => {
      if (replyNonce(message) !== nonce) return;
      cleanup();
      const port = event.ports[0];
      if (!port) reject(new Error('The gateway sent no port.'));
      else resolve(portTransport(port));
    };
    const onRefused = (_event: IpcRendererEvent, message: unknown) => {
      if (replyNonce(message) !== nonce) return;
      cleanup();
      const text = typeof (message as { message?: unknown }).message === 'string' ? (message as { message: string }).message : 'refused';
      reject(new Error(`The gateway refused the connection: ${text}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('The gateway did not answer.'));
    }, CONNECT_TIMEOUT_MS);
    ipcRenderer.on(PORT_CHANNEL, onPort);
    ipcRenderer.on(REFUSED_CHANNEL, onRefused);
    ipcRenderer.send(CONNECT_CHANNEL, { version: HANDSHAKE_VERSION, nonce });
  });
}

contextBridge.exposeInMainWorld('baton', { connect });
