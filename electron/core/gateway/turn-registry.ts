/**
 * The live registry of turns (SPEC §1, L11, L23): a lane is *starting* from the instant its message
 * is accepted until its agent exists, then *running* until the turn ends. Either state blocks a
 * second turn on the lane. The drain reads this registry, never a snapshot, at its deadline.
 */
import type { ApprovalAnswer, InterruptionCause } from '../../../shared/transcript.ts';
import type { TurnOutcome } from '../sessions/store.ts';

export interface TurnEnd {
  laneKey: string;
  turnId: string | null;
  outcome: TurnOutcome | 'not-started';
}

/** A question waiting for a person: the tool it is about, and how to answer it. */
export interface PendingApproval {
  readonly toolName: string;
  readonly answer: (answer: ApprovalAnswer) => void;
}

export class LiveTurn {
  readonly laneKey: string;
  state: 'starting' | 'running' = 'starting';
  turnId: string | null = null;
  /** Set by the first interrupt; tells the runner why the turn stopped. */
  interruptCause: InterruptionCause | null = null;
  interruptReason: string | null = null;
  readonly hardAbort = new AbortController();
  /** Approval questions the user has not answered yet, by tool call id. */
  readonly approvals = new Map<string, PendingApproval>();
  /** Issue 10 (activity view): when the turn was accepted, ms since the epoch; set by the gateway at claim. */
  startedAt: number | null = null;
  /** Issue 10: tool calls this turn has recorded so far (its steps), and the tool being approved or run now. */
  steps = 0;
  currentTool: string | null = null;
  /** Saves the streamed text sent so far (set by the turn's recorder), so a transcript read next holds all of it. */
  saveStreamedText: () => void = () => {};
  private stopListeners = new Set<() => void>();
  private stopped = false;

  constructor(laneKey: string) {
    this.laneKey = laneKey;
  }

  get stopRequested(): boolean {
    return this.stopped;
  }

  onStopRequested(listener: () => void): () => void {
    if (this.stopped) queueMicrotask(listener);
    else this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /** Soft interrupt: the agent stops at its next safe point. */
  requestStop(cause: InterruptionCause, reason: string | null = null): void {
    if (!this.interruptCause) {
      this.interruptCause = cause;
      this.interruptReason = reason;
    }
    if (this.stopped) return;
    this.stopped = true;
    for (const listener of this.stopListeners) listener();
    this.stopListeners.clear();
  }

  /** Hard interrupt (drain deadline): streams aborted and tools killed now. Overrides a soft cause. */
  abortNow(cause: InterruptionCause, reason: string | null): void {
    this.interruptCause = cause;
    this.interruptReason = reason;
    this.requestStop(cause, reason);
    this.hardAbort.abort(new Error(`Interrupted: ${cause}`));
  }
}

export class TurnRegistry {
  private readonly turns = new Map<string, LiveTurn>();
  private readonly endListeners = new Set<(end: TurnEnd) => void>();

  get(laneKey: string): LiveTurn | undefined {
    return this.turns.get(laneKey);
  }

  isBusy(laneKey: string): boolean {
    return this.turns.has(laneKey);
  }

  /** Claims the lane; returns null when it is already starting or running (L23). */
  claim(laneKey: string): LiveTurn | null {
    if (this.turns.has(laneKey)) return null;
    const turn = new LiveTurn(laneKey);
    this.turns.set(laneKey, turn);
    return turn;
  }

  release(turn: LiveTurn, end: TurnEnd): void {
    if (this.turns.get(turn.laneKey) !== turn) return;
    this.turns.delete(turn.laneKey);
    for (const listener of [...this.endListeners]) listener(end);
  }

  lanesIn(state: 'starting' | 'running'): string[] {
    return [...this.turns.values()].filter((t) => t.state === state).map((t) => t.laneKey);
  }

  /** Lanes with a live turn, starting or running. */
  activeLanes(): string[] {
    return [...this.turns.keys()];
  }

  get size(): number {
    return this.turns.size;
  }

  onTurnEnded(listener: (end: TurnEnd) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }
}
