/**
 * The TurnContext an agent writes through (L26). Tool calls and results are committed before the
 * call returns; streamed text grows one assistant_text row that is flushed at least every 250 ms,
 * so a crash loses at most that much partial text and never a completed message.
 */
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import type { StoredEvent, TurnEvent } from '../../../shared/transcript.ts';
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
  private buffer = '';
  private row: StoredEvent | null = null;
  private dirty = false;
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
  }) {
    this.store = options.store;
    this.live = options.live;
    this.sessionId = options.sessionId;
    this.turnId = options.turnId;
    this.emit = options.emit;
    this.log = options.log;
    this.approvalsChanged = options.approvalsChanged ?? (() => {});
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
    this.dirty = true;
    this.emit({ type: 'text-delta', laneKey: this.live.laneKey, turnId: this.turnId, delta });
    this.timer ??= setTimeout(() => {
      this.timer = null;
      try {
        this.flush(false);
      } catch (error) {
        // Nobody awaits a timer: report it, and let the next write or the turn's end surface it.
        this.log(`Could not save streamed text: ${(error as Error).message}`);
      }
    }, TEXT_FLUSH_INTERVAL_MS);
  }

  endAssistantMessage(): void {
    this.flush(true);
  }

  toolCall(call: ToolCallRecord): void {
    this.flush(true);
    this.append({ kind: 'tool_call', payload: { callId: call.callId, name: call.name, args: call.args ?? null, effect: call.effect } });
  }

  toolDispatched(callId: string): void {
    this.append({ kind: 'tool_dispatch', payload: { callId } });
  }

  /**
   * The question is stored as an event, so the UI shows it after a reconnect and a restart finds
   * it unanswered (the resumed turn asks again). A stop or an abort ends the wait.
   */
  requestApproval(call: ToolCallRecord): Promise<ApprovalDecision> {
    this.flush(true);
    this.append({ kind: 'approval_request', payload: { callId: call.callId, name: call.name, args: call.args ?? null } });
    return new Promise((resolve) => {
      const settle = (decision: ApprovalDecision) => {
        if (!this.live.approvals.delete(call.callId)) return;
        this.live.hardAbort.signal.removeEventListener('abort', onAbort);
        offStop();
        if (decision !== 'interrupted') {
          try {
            this.append({ kind: 'approval_decision', payload: { callId: call.callId, approved: decision === 'approved' } });
          } catch (error) {
            // Unrecorded, the call simply stays undispatched: a restart asks again.
            this.log(`Could not record the approval of ${call.callId}: ${(error as Error).message}`);
          }
        }
        resolve(decision);
        this.approvalsChanged();
      };
      const onAbort = () => settle('interrupted');
      const offStop = this.live.onStopRequested(() => settle('interrupted'));
      this.live.hardAbort.signal.addEventListener('abort', onAbort, { once: true });
      this.live.approvals.set(call.callId, (approved) => settle(approved ? 'approved' : 'denied'));
      this.approvalsChanged();
    });
  }

  toolResult(result: ToolResultRecord): void {
    this.flush(true);
    this.append({ kind: 'tool_result', payload: { callId: result.callId, output: result.output, isError: result.isError } });
  }

  usage(usage: Usage): void {
    if (!this.closed) this.store.addUsage(this.live.laneKey, usage, this.turnId);
  }

  /**
   * Writes buffered text. `final` closes the current assistant message; a turn that ends
   * interrupted or failed leaves its last message partial (final: false) for repair to flag (L18).
   */
  flush(final: boolean): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.closed) return;
    if (this.row === null && this.buffer === '') return;
    const event: TurnEvent = { kind: 'assistant_text', payload: { text: this.buffer, final } };
    if (this.row === null) {
      this.row = this.store.appendEvent(this.sessionId, this.turnId, event);
      this.emit({ type: 'transcript', laneKey: this.live.laneKey, event: this.row });
    } else if (this.dirty || final) {
      this.store.updateEventPayload(this.row.seq, event);
      this.emit({ type: 'transcript', laneKey: this.live.laneKey, event: { ...this.row, ...event } as StoredEvent });
    }
    this.dirty = false;
    if (final) {
      this.row = null;
      this.buffer = '';
    }
  }

  /** Flushes what is left and refuses further writes (a late agent cannot touch a closed turn). */
  close(final: boolean): void {
    this.flush(final);
    this.closed = true;
  }

  private append(event: TurnEvent): void {
    if (this.closed) return;
    const stored = this.store.appendEvent(this.sessionId, this.turnId, event);
    this.emit({ type: 'transcript', laneKey: this.live.laneKey, event: stored });
  }
}
