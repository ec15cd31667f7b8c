/**
 * The gateway Transport over Electron's MessagePortMain (ENGINEERING.md §2): one port per window,
 * handed over by the connect handshake (./connect-handshake.ts). Frames are structured-cloned
 * plain objects; the ProtocolServer validates every one (R1).
 *
 * Closing sends a small sentinel first, because a renderer's MessagePort is not reliably told that
 * the other end closed; the preload turns the sentinel into the Transport's close.
 */
import { DisposableStore } from '../../../shared/disposables.ts';
import type { Log } from '../../../shared/log.ts';
import { TransportListeners, type Transport } from '../../../shared/protocol/transport.ts';
import { CLOSE_SENTINEL, isCloseSentinel } from '../../preload/channels.ts';

export { CLOSE_SENTINEL, isCloseSentinel };

/** The parts of MessagePortMain used here. */
export interface MainPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

export function messagePortTransport(port: MainPort, log: Log = () => {}): Transport {
  const listeners = new TransportListeners(log);
  // The port's listeners go with the transport: a closed window's port must not keep the gateway's closures.
  const subscriptions = new DisposableStore();
  const onMessage = (event: { data: unknown }) => {
    if (isCloseSentinel(event.data)) {
      listeners.close();
      port.close();
      return;
    }
    listeners.deliver(event.data);
  };
  // The renderer reloaded or its window went away: the port is garbage and says so.
  const onPortClose = () => listeners.close();
  port.on('message', onMessage);
  subscriptions.add(() => port.off('message', onMessage));
  port.on('close', onPortClose);
  subscriptions.add(() => port.off('close', onPortClose));
  listeners.onClose(() => subscriptions.dispose());
  port.start();
  return {
    send(frame) {
      if (listeners.closed) return;
      port.postMessage(frame);
    },
    onFrame: (listener) => listeners.onFrame(listener),
    onClose: (listener) => listeners.onClose(listener),
    close() {
      if (listeners.closed) return;
      try {
        port.postMessage(CLOSE_SENTINEL);
      } catch {
        // Already gone; closing is all that is left.
      }
      listeners.close();
      port.close();
    },
  };
}
