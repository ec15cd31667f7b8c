/**
 * The TurnContext an agent writes through (L26). Tool calls and results are committed before the
 * call returns; streamed text grows one assistant_text row that is flushed at least every 250 ms,
 * so a crash loses at most that much partial text and never a completed message.
 *
 * Text goes to front ends once (issue 9 item 9): the first piece of a message creates its row
 * (a `transcript` event), every later piece is a `text-delta` naming the row and its offset, each
 * flush is a `text-checkpoint` with the saved length only, and the row goes out whole once more
 * when the message ends. Bytes per answer grow with its length, not with its length squared.
 * Pieces that arrive in one turn of the event loop (a burst of chunks in one network read) go out
 * as one delta at its end: a fast stream costs a frame per read, not one per chunk, and no piece
 * waits longer than that turn.
 */
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import type { ApprovalAnswer, StoredEvent, TurnEvent } from '../../../shared/transcript.ts';
import type { ApprovalDecision, ToolCallRecord, ToolResultRecord, TurnContext, Usage } from '../agent/agent.ts';
import type { SessionStore } from '../sessions/store.ts';
import type { LiveTurn } from './turn-registry.ts';

export const TEXT_FLUSH_INTERVAL_MS = 250;

export class TurnRecorder implements TurnContext {
  private readonly store: SessionStore;
  private readonly live: LiveTurn;
  private readonly sessionId: string;
  private readonly turnId: string;
  private readonly emit: (event: GatewayEvent) => void;
  private readonly log: (message: string) => void;
  private readonly approvalsChanged: () => void;
  /** The turn's steps or current tool changed (the activity view shows them from the lane summary). */
  private readonly activityChanged: () => void;
  /** Tool names by call id: a dispatch names only the call. */
  private readonly toolNames = new Map<string, string>();
  /** Tools the person allowed for this conversation (issue 10): their calls run without asking. */
  private readonly allowedTools: Set<string>;
  /** The text of the message being streamed, all of it (what was sent, saved or not). */
  private buffer = '';
  /** Its assistant_text row once written; null before the first piece is saved. */
  private row: StoredEvent | null = null;
  /** How much of `buffer` the row holds. */
  private saved = 0;
  /** How much of `buffer` front ends were sent (the row's first piece, then deltas). */
  private sent = 0;
  private sending: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(options: {
    store: SessionStore;
    live: LiveTurn;
    sessionId: string;
    turnId: string;
    emit: (event: GatewayEvent) => void;
    log: (message: string) => void;
    /** A question began or stopped waiting for its answer (L31). */
    approvalsChanged?: () => void;
    /** Tools already allowed in this conversation (read back from its approval decisions). */
    allowedTools?: Iterable<string>;
    /** The step count or the current tool changed (issue 10, activity view). */
    activityChanged?: () => void;
  }) {
    this.allowedTools = new Set(options.allowedTools ?? []);
    this.store = options.store;
    this.live = options.live;
    this.sessionId = options.sessionId;
    this.turnId = options.turnId;
    this.emit = options.emit;
    this.log = options.log;
    this.approvalsChanged = options.approvalsChanged ?? (() => {});
    this.activityChanged = options.activityChanged ?? (() => {});
    // A front end that reads the transcript now must find every piece it was sent (transcript.get).
    this.live.saveStreamedText = () => this.saveSoon();
  }

  get signal(): AbortSignal {
    return this.live.hardAbort.signal;
  }

  get stopRequested(): boolean {
    return this.live.stopRequested;
  }

  onStopRequested(listener: () => void): () => void {
    return this.live.onStopRequested(listener);
  }

  text(delta: string): void {
    if (this.closed || delta === '') return;
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

  endAssistantMessage(): void {
    this.flush(true);
  }

  toolCall(call: ToolCallRecord): void {
    this.flush(true);
    this.append({ kind: 'tool_call', payload: { callId: call.callId, name: call.name, args: call.args ?? null, effect: call.effect } });
    if (this.closed) return;
    this.toolNames.set(call.callId, call.name);
    this.live.steps += 1;
    this.activityChanged();
  }

  toolDispatched(callId: string): void {
    this.append({ kind: 'tool_dispatch', payload: { callId } });
    this.setCurrentTool(this.toolNames.get(callId) ?? null);
  }

  /** Issue 10: the tool being approved or run now, told with the lane summary when it changes. */
  private setCurrentTool(name: string | null): void {
    if (this.closed || this.live.currentTool === name) return;
    this.live.currentTool = name;
    this.activityChanged();
  }

  /**
   * The question is stored as an event, so the UI shows it after a reconnect and a restart finds
   * it unanswered (the resumed turn asks again). A stop or an abort ends the wait.
   */
  requestApproval(call: ToolCallRecord): Promise<ApprovalDecision> {
    // A call the interrupted turn recorded is asked again without a new tool_call: it is a step of this turn too.
    if (!this.toolNames.has(call.callId)) {
      this.toolNames.set(call.callId, call.name);
      this.live.steps += 1;
    }
    // Issue 10: allowed for this conversation (or always, earlier in this turn): no question.
    if (this.allowedTools.has(call.name)) return Promise.resolve('approved');
    this.live.currentTool = call.name;
    this.flush(true);
    this.append({ kind: 'approval_request', payload: { callId: call.callId, name: call.name, args: call.args ?? null } });
    return new Promise((resolve) => {
      const settle = (answer: ApprovalAnswer | 'interrupted') => {
        if (!this.live.approvals.delete(call.callId)) return;
        this.live.hardAbort.signal.removeEventListener('abort', onAbort);
        offStop();
        if (answer !== 'interrupted') {
          const approved = answer.decision !== 'deny';
          const reason = approved ? null : (answer.reason?.trim() ?? '') || null;
          if (answer.decision === 'conversation' || answer.decision === 'always') this.allowedTools.add(call.name);
          try {
            this.append({ kind: 'approval_decision', payload: { callId: call.callId, approved, decision: answer.decision, reason, name: call.name } });
          } catch (error) {
            // Unrecorded, the call simply stays undispatched: a restart asks again.
            this.log(`Could not record the approval of ${call.callId}: ${(error as Error).message}`);
          }
          resolve(approved ? 'approved' : reason === null ? 'denied' : { deniedWithReason: reason });
        } else resolve('interrupted');
        this.approvalsChanged();
      };
      const onAbort = () => settle('interrupted');
      const offStop = this.live.onStopRequested(() => settle('interrupted'));
      this.live.hardAbort.signal.addEventListener('abort', onAbort, { once: true });
      this.live.approvals.set(call.callId, { toolName: call.name, answer: settle });
      this.approvalsChanged();
    });
  }

  toolResult(result: ToolResultRecord): void {
    this.flush(true);
    this.append({ kind: 'tool_result', payload: { callId: result.callId, output: result.output, isError: result.isError } });
    this.setCurrentTool(null);
  }

  usage(usage: Usage): void {
    if (!this.closed) this.store.addUsage(this.live.laneKey, usage, this.turnId);
  }

  /**
   * Writes buffered text. `final` closes the current assistant message; a turn that ends
   * interrupted or failed leaves its last message partial (final: false) for repair to flag (L18).
   * `whole` sends the row itself rather than a checkpoint: when it is first written and when its
   * message ends, so every front end ends with the exact text.
   */
  flush(final: boolean, whole: boolean = final): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.closed) return;
    if (this.row === null && this.buffer === '') return;
    // Pieces not sent yet go before the checkpoint that counts them; the whole row carries them itself.
    if (!whole) this.sendText();
    const event: TurnEvent = { kind: 'assistant_text', payload: { text: this.buffer, final } };
    const laneKey = this.live.laneKey;
    if (this.row === null) {
      this.row = this.store.appendEvent(this.sessionId, this.turnId, event);
      this.saved = this.sent = this.buffer.length;
      this.emit({ type: 'transcript', laneKey, event: this.row });
    } else if (this.saved < this.buffer.length || final || whole) {
      this.store.updateEventPayload(this.row.seq, event);
      this.saved = this.buffer.length;
      if (whole) {
        this.sent = this.buffer.length;
        this.emit({ type: 'transcript', laneKey, event: { ...this.row, ...event } as StoredEvent });
      } else {
        this.emit({ type: 'text-checkpoint', laneKey, turnId: this.turnId, seq: this.row.seq, length: this.saved });
      }
    }
    if (final) {
      this.row = null;
      this.buffer = '';
      this.saved = this.sent = 0;
    }
  }

  /** Sends the pieces gathered since the last delta as one delta, at their offset in the row's text. */
  private sendText(): void {
    if (this.sending) {
      clearImmediate(this.sending);
      this.sending = null;
    }
    if (this.closed || this.row === null || this.sent >= this.buffer.length) return;
    const offset = this.sent;
    this.sent = this.buffer.length;
    this.emit({ type: 'text-delta', laneKey: this.live.laneKey, turnId: this.turnId, seq: this.row.seq, offset, delta: this.buffer.slice(offset) });
  }

  /** Flushes what is left, the row whole, and refuses further writes (a late agent cannot touch a closed turn). */
  close(final: boolean): void {
    this.flush(final, true);
    this.closed = true;
    if (this.sending) clearImmediate(this.sending);
    this.sending = null;
  }

  /** A flush nobody awaits (the timer, a transcript read): a failure is reported and tried again a flush interval later. */
  private saveSoon(): void {
    try {
      this.flush(false);
    } catch (error) {
      this.log(`Could not save streamed text: ${(error as Error).message}`);
      this.timer ??= setTimeout(() => this.saveSoon(), TEXT_FLUSH_INTERVAL_MS);
    }
  }

  private append(event: TurnEvent): void {
    if (this.closed) return;
    this.sendText(); // the text before a tool call is told before the call
    const stored = this.store.appendEvent(this.sessionId, this.turnId, event);
    this.emit({ type: 'transcript', laneKey: this.live.laneKey, event: stored });
  }
}

/**
 * Issue 10: the tools a person allowed "for this conversation", read back from the session's
 * approval decisions. Durable without a migration: the decision events are the record.
 */
export function conversationAllowances(events: readonly StoredEvent[]): Set<string> {
  const allowed = new Set<string>();
  for (const event of events) {
    if (event.kind === 'approval_decision' && event.payload.decision === 'conversation' && event.payload.name) allowed.add(event.payload.name);
  }
  return allowed;
}
