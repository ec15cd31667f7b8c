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
 * waits longer than that turn. The mechanism is StreamedRow's (streamed-row.ts); a turn has two,
 * the answer and the model's thinking before it (issue 10), and at most one of them is open.
 * A running tool's output (issue 10) streams the same way into one `tool_output` row per call
 * (tool-output-stream.ts), saved at the same 250 ms cadence.
 */
import path from 'node:path';
import type { GatewayEvent } from '../../../shared/gateway-events.ts';
import type { ApprovalAnswer, StoredEvent, TurnEvent } from '../../../shared/transcript.ts';
import type { ApprovalDecision, ReasoningEnd, ToolCallRecord, ToolResultRecord, TurnContext, Usage } from '../agent/agent.ts';
import type { SessionStore } from '../sessions/store.ts';
import type { ToolOutputChannel } from '../agent/tools/tool.ts';
import { StreamedRow, TEXT_FLUSH_INTERVAL_MS, type StreamedKind } from './streamed-row.ts';
import { fullOutputPath } from './tool-output-files.ts';
import { ToolOutputStream, type ToolOutputSink } from './tool-output-stream.ts';
import type { LiveTurn } from './turn-registry.ts';

export { TEXT_FLUSH_INTERVAL_MS } from './streamed-row.ts';

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
  /** The answer being streamed (assistant_text) and the thinking before it (reasoning, issue 10). */
  private readonly answer: StreamedRow;
  private readonly thinking: StreamedRow;
  /** Issue 10: the output of each tool call running now, one streamed `tool_output` row per call. */
  private readonly toolOutputs = new Map<string, ToolOutputStream>();
  private readonly outputSink: ToolOutputSink;
  /** Calls dispatched and not answered yet: only they may stream output (a late piece is dropped). */
  private readonly runningTools = new Set<string>();
  private outputSending: NodeJS.Immediate | null = null;
  private outputTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** L34: stored on each answer so it shows which model produced it. */
  private readonly answerModel: { provider?: string; model?: string };

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
    /** L34: the provider and model answering this turn. */
    model?: { provider: string; model: string } | undefined;
    /** The step count or the current tool changed (issue 10, activity view). */
    activityChanged?: () => void;
  }) {
    this.answerModel = options.model ? { provider: options.model.provider, model: options.model.model } : {};
    this.allowedTools = new Set(options.allowedTools ?? []);
    this.store = options.store;
    this.live = options.live;
    this.sessionId = options.sessionId;
    this.turnId = options.turnId;
    this.emit = options.emit;
    this.log = options.log;
    this.approvalsChanged = options.approvalsChanged ?? (() => {});
    const row = (kind: StreamedKind, fixed?: Readonly<Record<string, string>>) =>
      new StreamedRow({
        kind,
        ...(fixed ? { fixed } : {}),
        store: this.store,
        sessionId: this.sessionId,
        turnId: this.turnId,
        laneKey: () => this.live.laneKey,
        emit: this.emit,
        log: this.log,
        closed: () => this.closed,
      });
    this.answer = row('assistant_text', this.answerModel);
    this.thinking = row('reasoning');
    this.activityChanged = options.activityChanged ?? (() => {});
    // A front end that reads the transcript now must find every piece it was sent (transcript.get).
    this.live.saveStreamedText = () => {
      this.thinking.saveSoon();
      this.answer.saveSoon();
      this.saveOutputsSoon();
    };
    const dataDir = path.dirname(this.store.file);
    this.outputSink = {
      append: (event) => this.store.appendEvent(this.sessionId, this.turnId, event),
      update: (seq, event) => this.store.updateEventPayload(seq, event),
      emitRow: (row) => this.emit({ type: 'transcript', laneKey: this.live.laneKey, event: row }),
      emitDelta: (seq, callId, offset, delta) => this.emit({ type: 'tool-output-delta', laneKey: this.live.laneKey, turnId: this.turnId, seq, callId, offset, delta }),
      fullOutputFile: (row) => fullOutputPath(dataDir, { seq: row.seq, sessionId: row.sessionId, callId: (row.payload as { callId: string }).callId }),
      log: this.log,
    };
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
    // The answer begins: thinking the provider did not end explicitly is over (issue 10).
    if (this.thinking.open) this.thinking.flush(true);
    this.answer.add(delta);
  }

  reasoning(delta: string): void {
    this.thinking.add(delta);
  }

  endReasoning(end: ReasoningEnd): void {
    this.thinking.flush(true, true, end);
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
    this.runningTools.add(callId);
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

  /**
   * Issue 10: like text — the call's first piece creates its row at once, later pieces go out as
   * deltas at the end of the event-loop turn and into the row at the next 250 ms save (L26).
   * stdout and stderr share the row in arrival order, as a terminal shows them (and as the model
   * reads them); the channel stays in the API for a later per-stream view.
   */
  toolOutput(callId: string, _channel: ToolOutputChannel, chunk: string): void {
    if (this.closed || chunk === '' || !this.runningTools.has(callId)) return;
    let part = this.toolOutputs.get(callId);
    if (!part) this.toolOutputs.set(callId, (part = new ToolOutputStream(callId, this.outputSink)));
    part.push(chunk);
    if (part.hasRow) {
      this.outputSending ??= setImmediate(() => this.sendOutputs());
      this.outputTimer ??= setTimeout(() => this.saveOutputsSoon(), TEXT_FLUSH_INTERVAL_MS);
    } else if (this.outputTimer === null) this.saveOutputsSoon();
  }

  toolResult(result: ToolResultRecord): void {
    this.flush(true);
    this.endToolOutput(result.callId);
    const details = result.details ? { details: result.details } : {};
    this.append({ kind: 'tool_result', payload: { callId: result.callId, output: result.output, isError: result.isError, ...details } });
    this.setCurrentTool(null);
  }

  usage(usage: Usage): void {
    if (this.closed) return;
    const cacheRead = usage.cacheRead ?? 0;
    const cacheWrite = usage.cacheWrite ?? 0;
    // The lane's totals count every input token the requests carried, cached or not.
    this.store.addUsage(this.live.laneKey, { inputTokens: usage.inputTokens + cacheRead + cacheWrite, outputTokens: usage.outputTokens }, this.turnId);
    // Issue 10: each model call is an event too, so the view can show tokens and cost per turn.
    if (usage.model === undefined) return;
    this.append({
      kind: 'usage',
      payload: {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        ...(cacheRead > 0 ? { cacheRead } : {}),
        ...(cacheWrite > 0 ? { cacheWrite } : {}),
        model: usage.model,
        provider: usage.provider ?? '',
      },
    });
  }

  /** Writes what both streamed rows hold; `final` ends their messages (see StreamedRow.flush). */
  flush(final: boolean, whole: boolean = final): void {
    this.thinking.flush(final, whole);
    this.answer.flush(final, whole);
  }

  /** Flushes what is left, the rows whole, and refuses further writes (a late agent cannot touch a closed turn). */
  close(final: boolean): void {
    // A call its turn's end cut short (a hard interrupt records no result) keeps what it printed.
    for (const callId of [...this.toolOutputs.keys()]) {
      try {
        this.endToolOutput(callId);
      } catch (error) {
        this.log(`Could not save the output of ${callId}: ${(error as Error).message}`);
      }
    }
    this.flush(final, true);
    this.closed = true;
    this.thinking.stopSending();
    this.answer.stopSending();
    if (this.outputSending) clearImmediate(this.outputSending);
    if (this.outputTimer) clearTimeout(this.outputTimer);
    this.outputSending = this.outputTimer = null;
  }

  /** The call's output row is written whole and final: nothing more will stream into it. */
  private endToolOutput(callId: string): void {
    this.runningTools.delete(callId);
    const part = this.toolOutputs.get(callId);
    if (!part) return;
    this.toolOutputs.delete(callId);
    part.save(true);
  }

  /** Sends the output pieces gathered since the last delta, one delta per call. */
  private sendOutputs(): void {
    if (this.outputSending) clearImmediate(this.outputSending);
    this.outputSending = null;
    if (this.closed) return;
    for (const part of this.toolOutputs.values()) part.send();
  }

  /** The 250 ms save of every running call's output; a failure is reported and tried again a save interval later. */
  private saveOutputsSoon(): void {
    if (this.outputTimer) clearTimeout(this.outputTimer);
    this.outputTimer = null;
    if (this.closed) return;
    try {
      for (const part of this.toolOutputs.values()) part.save(false);
    } catch (error) {
      this.log(`Could not save tool output: ${(error as Error).message}`);
      this.outputTimer ??= setTimeout(() => this.saveOutputsSoon(), TEXT_FLUSH_INTERVAL_MS);
    }
  }

  private append(event: TurnEvent): void {
    if (this.closed) return;
    // The text before a tool call is told before the call.
    this.thinking.sendText();
    this.answer.sendText();
    this.sendOutputs();
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
