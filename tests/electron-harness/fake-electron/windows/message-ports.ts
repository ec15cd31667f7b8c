/**
 * MessageChannelMain / MessagePortMain (docs/api/message-channel-main.md, message-port-main.md;
 * shell/browser/api/message_port.cc). A pair of entangled ports in the main process: messages are
 * structured-cloned, queued until `start()`, delivered asynchronously as `'message'` events
 * `{ data, ports }`, and `'close'` is emitted when the other end closes or its page goes away.
 *
 * A port sent to a window with webContents.postMessage becomes *remote*: its page end is a real
 * Chromium MessagePort (created in the preload's isolated world by ./page-scripts.ts) and messages
 * cross CDP both ways, so the renderer sees exactly what a real MessagePort gives it.
 */
import { EventEmitter } from 'node:events';

/** The page side of a transferred port (implemented by WebContents). */
export interface RemotePortEnd {
  post(data: unknown): void;
  close(): void;
}

export class MessagePortMain extends EventEmitter {
  private peer: MessagePortMain | null = null;
  private started = false;
  private closed = false;
  private readonly queue: unknown[] = [];
  private remote: RemotePortEnd | null = null;
  private transferred = false;

  static entangle(a: MessagePortMain, b: MessagePortMain): void {
    a.peer = b;
    b.peer = a;
  }

  postMessage(message: unknown, transfer: MessagePortMain[] = []): void {
    if (this.transferred) throw new Error('The port was transferred and can no longer be used here.');
    if (transfer.length > 0) throw new Error('Transferring ports through a MessagePortMain is not modelled by the harness.');
    if (this.closed) return;
    // Structured clone at the sender, like Blink's SerializedScriptValue: later mutation is not seen.
    const data = structuredClone(message);
    this.peer?.deliver(data);
  }

  start(): void {
    if (this.started || this.transferred) return;
    this.started = true;
    this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    const peer = this.peer;
    this.peer = null;
    setImmediate(() => this.emit('close'));
    peer?.peerClosed();
  }

  /** The harness moved this end into a page; everything queued for it goes there now. */
  transferTo(remote: RemotePortEnd): void {
    if (this.transferred) throw new Error('A MessagePortMain can be transferred only once.');
    if (this.closed) throw new Error('A closed MessagePortMain cannot be transferred.');
    this.transferred = true;
    this.remote = remote;
    for (const data of this.queue.splice(0)) remote.post(data);
  }

  /** A message from the page end of this (transferred) port, for its peer in main. */
  fromRemote(data: unknown): void {
    if (!this.closed) this.peer?.deliver(data);
  }

  /** The page end closed or its document went away. */
  remoteClosed(): void {
    if (this.closed) return;
    this.closed = true;
    const peer = this.peer;
    this.peer = null;
    peer?.peerClosed();
  }

  private deliver(data: unknown): void {
    if (this.closed) return;
    if (this.remote) {
      this.remote.post(data);
      return;
    }
    this.queue.push(data);
    if (this.started) setImmediate(() => this.flush());
  }

  private peerClosed(): void {
    if (this.remote) {
      this.remote.close();
      this.closed = true;
      return;
    }
    if (this.closed) return;
    this.closed = true;
    // Already-queued messages still arrive before 'close', as with a real entangled pair.
    setImmediate(() => {
      this.flush();
      this.emit('close');
    });
  }

  private flush(): void {
    if (!this.started) return;
    for (const data of this.queue.splice(0)) this.emit('message', { data, ports: [] });
  }
}

export class MessageChannelMain {
  readonly port1 = new MessagePortMain();
  readonly port2 = new MessagePortMain();

  constructor() {
    MessagePortMain.entangle(this.port1, this.port2);
  }
}
