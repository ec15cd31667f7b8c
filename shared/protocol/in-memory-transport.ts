/**
 * Two connected Transports in one process, for tests. Frames cross asynchronously and, by default,
 * through JSON, so a test sees exactly what a real wire would carry (no shared object identity, no
 * `undefined` fields, no functions).
 */
import { TransportListeners, type Transport } from './transport.ts';
import { defaultLog } from '../log.ts';

export interface InMemoryTransportOptions {
  /** Round-trip every frame through JSON like a real wire (default true). */
  serialize?: boolean;
}

class InMemoryEnd implements Transport {
  readonly listeners = new TransportListeners(defaultLog);
  peer: InMemoryEnd | null = null;
  private readonly serialize: boolean;
  /** Frames are handed over in order through one promise chain, after the sender's call returns. */
  private queue: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(serialize: boolean) {
    this.serialize = serialize;
  }

  send(frame: unknown): void {
    const peer = this.peer;
    if (this.closing || this.listeners.closed || !peer) return;
    let copy: unknown = frame;
    if (this.serialize) {
      const text = JSON.stringify(frame);
      copy = text === undefined ? undefined : JSON.parse(text);
    }
    this.queue = this.queue.then(() => peer.listeners.deliver(copy));
  }

  onFrame(listener: (frame: unknown) => void): () => void {
    return this.listeners.onFrame(listener);
  }

  onClose(listener: () => void): () => void {
    return this.listeners.onClose(listener);
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    const peer = this.peer;
    // Frames already sent still arrive before the close is seen, as on a socket.
    this.queue = this.queue.then(() => {
      this.listeners.close();
      peer?.listeners.close();
    });
  }
}

/** Returns `[client, server]`; closing either end closes both. */
export function createInMemoryTransportPair(options: InMemoryTransportOptions = {}): [Transport, Transport] {
  const serialize = options.serialize ?? true;
  const a = new InMemoryEnd(serialize);
  const b = new InMemoryEnd(serialize);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
