/**
 * One streamed transcript row (L26): the text of a message as it arrives, saved at least every
 * 250 ms into one stored row that grows, and sent to front ends once (issue 9 item 9) — the first
 * piece as the row (`transcript`), later pieces as `text-delta`s naming the row and their offset,
 * each save as a `text-checkpoint`, and the row whole once more when the message ends.
 *
 * Shared by the answer (`assistant_text`) and the thinking (`reasoning`, issue 10): both are
 * `{ text, final, … }` rows, so front ends apply deltas to either the same way. The turn recorder
 * owns one of each; `extras` are what a kind adds to its payload when it ends (a signature).
 */
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import type { EventPayload, StoredEvent, TurnEvent } from '../../../shared/transcript.ts';
import type { SessionStore } from '../sessions/store.ts';

export const TEXT_FLUSH_INTERVAL_MS = 250;

export type StreamedKind = 'assistant_text' | 'reasoning';
type Extras = Omit<EventPayload<'reasoning'>, 'text' | 'final'>;

export interface StreamedRowOptions {
  kind: StreamedKind;
  store: SessionStore;
  sessionId: string;
  turnId: string;
  laneKey: () => string;
  emit: (event: GatewayEvent) => void;
  log: (message: string) => void;
  /** True once the turn is closed: nothing more is written or sent. */
  closed: () => boolean;
  /** Fields every write of the row carries (L34: the answer's provider and model). */
  fixed?: Readonly<Record<string, string>>;
}

export class StreamedRow {
  private readonly options: StreamedRowOptions;
  /** The text of the message being streamed, all of it (what was sent, saved or not). */
  private buffer = '';
  /** Its row once written; null before the first piece is saved. */
  private row: StoredEvent | null = null;
  /** How much of `buffer` the row holds. */
  private saved = 0;
  /** How much of `buffer` front ends were sent (the row's first piece, then deltas). */
  private sent = 0;
  private sending: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(options: StreamedRowOptions) {
    this.options = options;
  }

  /** True while a message is open (some text arrived and it has not ended). */
  get open(): boolean {
    return this.row !== null || this.buffer !== '';
  }

  add(delta: string): void {
    if (this.options.closed() || delta === '') return;
    this.buffer += delta;
    if (this.row !== null) {
      this.sending ??= setImmediate(() => this.sendText());
      this.timer ??= setTimeout(() => this.saveSoon(), TEXT_FLUSH_INTERVAL_MS);
      return;
    }
    // The first piece creates the row at once, so every later piece can name it. While a write
    // that failed waits for its retry (the timer), pieces only gather: the row carries them all.
    if (this.timer === null) this.saveSoon();
  }

  /**
   * Writes buffered text. `final` ends the message; a turn that ends interrupted or failed leaves
   * its last message partial (final: false) for repair to flag (L18). `whole` sends the row itself
   * rather than a checkpoint: when it is first written and when its message ends, so every front
   * end ends with the exact text. `extras` (a thinking block's signature) go with a final write,
   * and write a row even without text (a redacted thinking block has none).
   */
  flush(final: boolean, whole: boolean = final, extras?: Extras): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.options.closed()) return;
    const hasExtras = extras !== undefined && Object.keys(extras).length > 0;
    if (this.row === null && this.buffer === '' && !hasExtras) return;
    const { store, sessionId, turnId, emit } = this.options;
    // Pieces not sent yet go before the checkpoint that counts them; the whole row carries them itself.
    if (!whole) this.sendText();
    const event = { kind: this.options.kind, payload: { text: this.buffer, final, ...this.options.fixed, ...(hasExtras ? extras : {}) } } as TurnEvent;
    const laneKey = this.options.laneKey();
    if (this.row === null) {
      this.row = store.appendEvent(sessionId, turnId, event);
      this.saved = this.sent = this.buffer.length;
      emit({ type: 'transcript', laneKey, event: this.row });
    } else if (this.saved < this.buffer.length || final || whole) {
      store.updateEventPayload(this.row.seq, event);
      this.saved = this.buffer.length;
      if (whole) {
        this.sent = this.buffer.length;
        emit({ type: 'transcript', laneKey, event: { ...this.row, ...event } as StoredEvent });
      } else {
        emit({ type: 'text-checkpoint', laneKey, turnId, seq: this.row.seq, length: this.saved });
      }
    }
    if (final) {
      this.row = null;
      this.buffer = '';
      this.saved = this.sent = 0;
    }
  }

  /** Sends the pieces gathered since the last delta as one delta, at their offset in the row's text. */
  sendText(): void {
    if (this.sending) {
      clearImmediate(this.sending);
      this.sending = null;
    }
    if (this.options.closed() || this.row === null || this.sent >= this.buffer.length) return;
    const offset = this.sent;
    this.sent = this.buffer.length;
    this.options.emit({ type: 'text-delta', laneKey: this.options.laneKey(), turnId: this.options.turnId, seq: this.row.seq, offset, delta: this.buffer.slice(offset) });
  }

  /** Stops the pending delta; the recorder calls it when the turn closes. */
  stopSending(): void {
    if (this.sending) clearImmediate(this.sending);
    this.sending = null;
  }

  /** A flush nobody awaits (the timer, a transcript read): a failure is reported and tried again a flush interval later. */
  saveSoon(): void {
    try {
      this.flush(false);
    } catch (error) {
      this.options.log(`Could not save streamed text: ${(error as Error).message}`);
      this.timer ??= setTimeout(() => this.saveSoon(), TEXT_FLUSH_INTERVAL_MS);
    }
  }
}
