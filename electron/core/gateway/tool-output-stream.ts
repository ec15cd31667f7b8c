/**
 * Issue 10: one running tool call's output as a streamed row, the way the turn recorder streams
 * assistant text (L26): the first piece creates the `tool_output` row at once (so every later
 * piece can name it), later pieces go to front ends as `tool-output-delta`s at their offset, and
 * the recorder's own 250 ms flush saves the row — no second cadence. The row keeps the head and
 * tail (shared/tool-output.ts); the whole output goes to a file once it outgrows them.
 *
 * Deltas are cut from what the row keeps, not from everything printed: a command that floods its
 * output sends the window at most a head and a tail per event-loop turn, never the dropped middle.
 */
import { appendOutput, EMPTY_OUTPUT, isTruncated, type KeptOutput } from '../../../shared/tool-output.ts';
import type { EventPayload, StoredEvent, TurnEvent } from '../../../shared/transcript.ts';
import { FullOutputFile } from './tool-output-files.ts';

export interface ToolOutputSink {
  /** Writes a new row (durably) and tells front ends; returns it. */
  append(event: TurnEvent): StoredEvent;
  update(seq: number, event: TurnEvent): void;
  /** Sends the row whole to front ends. */
  emitRow(row: StoredEvent): void;
  emitDelta(seq: number, callId: string, offset: number, delta: string): void;
  /** Where the full output of the row `seq` goes once the row is truncated. */
  fullOutputFile(row: StoredEvent): string;
  log(message: string): void;
}

export class ToolOutputStream {
  private kept: KeptOutput = EMPTY_OUTPUT;
  private totalBytes = 0;
  private row: StoredEvent | null = null;
  /** How much of the output the row holds, and how much front ends were sent. */
  private saved = 0;
  private sent = 0;
  private file: FullOutputFile | null = null;
  /** Everything printed, until the file starts (then it is in the file); null afterwards. */
  private unfiled: string[] | null = [];
  private finished = false;

  readonly callId: string;
  private readonly sink: ToolOutputSink;

  constructor(callId: string, sink: ToolOutputSink) {
    this.callId = callId;
    this.sink = sink;
  }

  get hasRow(): boolean {
    return this.row !== null;
  }

  push(chunk: string): void {
    if (this.finished || chunk === '') return;
    this.kept = appendOutput(this.kept, chunk);
    this.totalBytes += Buffer.byteLength(chunk, 'utf8');
    if (this.file) this.file.write(chunk);
    else if (this.unfiled) {
      this.unfiled.push(chunk);
      if (this.row !== null && isTruncated(this.kept)) this.startFile(this.row);
    }
  }

  /** Sends front ends what they were not sent yet, as at most two deltas (the head's rest, the tail). */
  send(): void {
    if (this.row === null) return;
    const { head, tail, length } = this.kept;
    const seq = this.row.seq;
    if (this.sent < head.length) {
      this.sink.emitDelta(seq, this.callId, this.sent, head.slice(this.sent));
      this.sent = head.length;
    }
    if (this.sent < length) {
      // Past a dropped middle, the whole tail goes (front ends then skip to it, shared/tool-output.ts).
      const tailStart = length - tail.length;
      const from = Math.max(this.sent, tailStart);
      this.sink.emitDelta(seq, this.callId, from, tail.slice(from - tailStart));
      this.sent = length;
    }
  }

  /**
   * Writes the row: created on the first save (and sent whole), then updated in place. `final`
   * (the call's result is recorded, or its turn ended) sends it whole again and ends the file.
   */
  save(final: boolean): void {
    if (this.finished) return;
    if (this.row === null && this.kept.length === 0 && !final) return;
    const event = this.event(final);
    if (this.row === null) {
      this.row = this.sink.append(event);
      this.saved = this.sent = this.kept.length;
      if (isTruncated(this.kept)) this.startFile(this.row);
      if (!final) this.sink.emitRow(this.row);
    } else if (final || this.saved < this.kept.length) {
      if (!final) this.send();
      this.sink.update(this.row.seq, event);
      this.saved = this.kept.length;
    }
    if (final) {
      this.finished = true;
      this.sent = this.kept.length;
      this.sink.emitRow({ ...this.row, ...event } as StoredEvent);
      void this.file?.end();
    }
  }

  private event(final: boolean): Extract<TurnEvent, { kind: 'tool_output' }> {
    const payload: EventPayload<'tool_output'> = {
      callId: this.callId,
      head: this.kept.head,
      tail: this.kept.tail,
      length: this.kept.length,
      totalBytes: this.totalBytes,
      fullOutput: this.file?.ok ?? false,
      final,
    };
    return { kind: 'tool_output', payload };
  }

  private startFile(row: StoredEvent): void {
    const pieces = this.unfiled ?? [];
    this.unfiled = null;
    try {
      this.file = new FullOutputFile(this.sink.fullOutputFile(row), (error) => this.sink.log(`Could not save the full output of ${this.callId}: ${error.message}`));
      for (const piece of pieces) this.file.write(piece);
    } catch (error) {
      this.sink.log(`Could not save the full output of ${this.callId}: ${(error as Error).message}`);
    }
  }
}
