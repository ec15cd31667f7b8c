/**
 * What the GatewayClient and the server-side connection handler talk over (ENGINEERING.md §2):
 * a MessagePort in Electron, a WebSocket in the headless host, an in-memory pair in tests. Frames
 * are `unknown` on purpose: whatever arrives is validated with the contract's schemas (R1).
 */
import { describeError } from '../errors.ts';
import type { Log } from '../log.ts';

export interface Transport {
  /** Sends one frame; a closed transport drops it silently (the close listeners have been told). */
  send(frame: unknown): void;
  /** Called with every frame that arrives, in order. Returns the unsubscribe function. */
  onFrame(listener: (frame: unknown) => void): () => void;
  /** Called once when the transport closes, from either side. Returns the unsubscribe function. */
  onClose(listener: () => void): () => void;
  close(): void;
  /**
   * Flow control, where the carrier has it (a socket): stop taking frames off the wire until
   * `resumeReading`, so a peer that sends faster than it is answered is slowed down by the network
   * instead of queueing in memory. A few frames already read may still arrive after the pause.
   */
  pauseReading?(): void;
  resumeReading?(): void;
}

/** Listener bookkeeping every transport needs; a throwing listener never stops the others. */
export class TransportListeners {
  private readonly frameListeners = new Set<(frame: unknown) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closedFlag = false;
  private readonly report: Log;

  constructor(report: Log) {
    this.report = report;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  onFrame(listener: (frame: unknown) => void): () => void {
    const entry = (frame: unknown) => listener(frame);
    this.frameListeners.add(entry);
    return () => void this.frameListeners.delete(entry);
  }

  onClose(listener: () => void): () => void {
    const entry = () => listener();
    this.closeListeners.add(entry);
    return () => void this.closeListeners.delete(entry);
  }

  deliver(frame: unknown): void {
    if (this.closedFlag) return;
    for (const listener of [...this.frameListeners]) {
      try {
        listener(frame);
      } catch (error) {
        this.report(`A frame listener failed: ${describeError(error)}`);
      }
    }
  }

  /** Marks the transport closed and tells the close listeners, once. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    this.frameListeners.clear();
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        this.report(`A close listener failed: ${describeError(error)}`);
      }
    }
  }
}

