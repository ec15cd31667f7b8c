/**
 * Turns and the write-ahead turn journal (L15, L16, L22): a turn begins and ends in one transaction
 * each, and the lane's `activeTurn` names a turn exactly while it runs, so a crash leaves evidence.
 */
import type { AttachmentRef } from '../../../shared/attachments.ts';
import type { InterruptionCause, StoredEvent, TurnOutcome } from '../../../shared/transcript.ts';
import type { InputQueue } from './input-queue.ts';
import type { Lanes } from './lanes.ts';
import type { ResumeMarks } from './resume-marks.ts';
import { StoreAggregate } from './store-aggregate.ts';
import type { StoreConnection } from './store-connection.ts';
import type { Transcript } from './transcript.ts';

/**
 * `retry` (issue 11): a failed turn run again on its message, which it does not append again.
 * `edit`, `regenerate`, `continue` (issue 11, L35): message actions that start a new version or
 * continue a stopped answer (shared/message-path.ts).
 */
export type TurnTrigger = 'message' | 'resume' | 'retry' | 'edit' | 'regenerate' | 'continue';
export type { TurnOutcome };

export interface TurnRecord {
  turnId: string;
  laneKey: string;
  sessionId: string;
  trigger: TurnTrigger;
  startedAt: number;
  endedAt: number | null;
  outcome: TurnOutcome | null;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
}

export interface BeginTurn {
  laneKey: string;
  turnId: string;
  trigger: TurnTrigger;
  userText?: string;
  queuedInputId?: number;
  clientId?: string | null;
  /** An edit (L35): the user message this one is a new version of. */
  replaces?: number;
  /** A regeneration (L35): the user message whose answer starts again; a `branch` event opens the turn. */
  branchFrom?: number;
  /** Issue 11: the message's attachments (files already in the workspace, images in the store). */
  attachments?: AttachmentRef[] | null;
}

export interface EndTurn {
  laneKey: string;
  turnId: string;
  outcome: TurnOutcome;
  /** For `interrupted`: who stopped it; for `failed`: the readable error. */
  cause?: InterruptionCause;
  reason?: string | null;
  error?: string;
  /** L16: an exit or crash interrupted this turn, so it counts towards the stuck-loop threshold. */
  countsAsRestartFailure?: boolean;
}

export interface RecoveredLane {
  laneKey: string;
  turnId: string;
  reason: string;
  restartFailureCount: number;
}

function turnFromRow(row: Record<string, unknown>): TurnRecord {
  return {
    turnId: row.turn_id as string,
    laneKey: row.lane_key as string,
    sessionId: row.session_id as string,
    trigger: row.trigger as TurnTrigger,
    startedAt: Number(row.started_at),
    endedAt: row.ended_at == null ? null : Number(row.ended_at),
    outcome: (row.outcome as TurnOutcome | null) ?? null,
    error: (row.error as string | null) ?? null,
    inputTokens: Number(row.input_tokens ?? 0),
    outputTokens: Number(row.output_tokens ?? 0),
  };
}

export interface TurnJournalParts {
  lanes: Lanes;
  transcript: Transcript;
  inputs: InputQueue;
  marks: ResumeMarks;
}

export class TurnJournal extends StoreAggregate {
  private readonly parts: TurnJournalParts;

  constructor(db: StoreConnection, now: () => number, parts: TurnJournalParts) {
    super(db, now);
    this.parts = parts;
  }

  /**
   * Starts a turn in one transaction: the queued input it consumes leaves the queue, the user's
   * message enters the transcript and the lane's journal points at the turn.
   */
  begin(input: BeginTurn): { sessionId: string; userEvent: StoredEvent | null; branchEvent?: StoredEvent } {
    const { lanes, transcript, inputs } = this.parts;
    const now = this.now();
    return this.db.transaction(() => {
      const lane = lanes.get(input.laneKey);
      if (!lane) throw new Error(`Unknown conversation ${input.laneKey}`);
      if (lane.activeTurn) throw new Error(`Conversation ${input.laneKey} already has a running turn`);
      if (input.queuedInputId !== undefined) inputs.remove(input.queuedInputId);
      const userEvent =
        input.userText !== undefined
          ? transcript.append(lane.sessionId, input.turnId, {
              kind: 'user_message',
              // The window that sent it recognises its own message by this id (L32).
              payload: {
                text: input.userText,
                ...(input.clientId ? { clientId: input.clientId } : {}),
                ...(input.replaces !== undefined ? { replaces: input.replaces } : {}),
                ...(input.attachments?.length ? { attachments: input.attachments } : {}),
              },
            })
          : null;
      // In the same transaction as the turn: a crash right after leaves the new version on the path (L18).
      const branchEvent = input.branchFrom !== undefined ? transcript.append(lane.sessionId, input.turnId, { kind: 'branch', payload: { fromSeq: input.branchFrom } }) : undefined;
      this.db
        .prepare('INSERT INTO turns (turn_id, lane_key, session_id, trigger, started_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.turnId, input.laneKey, lane.sessionId, input.trigger, now);
      lanes.setActiveTurn(input.laneKey, input.turnId, now);
      return { sessionId: lane.sessionId, userEvent, ...(branchEvent ? { branchEvent } : {}) };
    })();
  }

  /**
   * Ends a turn in one transaction with its closing event. Only a completed turn clears the resume
   * mark and the failure streak (L22); an exit-interrupted one adds to the streak (L16).
   */
  end(end: EndTurn): StoredEvent | null {
    const { lanes, transcript, marks } = this.parts;
    const now = this.now();
    return this.db.transaction(() => {
      const turn = this.get(end.turnId);
      if (!turn || turn.endedAt !== null) return null;
      const laneKey = turn.laneKey;
      let closing: StoredEvent | null = null;
      if (end.outcome === 'interrupted') {
        closing = transcript.append(turn.sessionId, end.turnId, {
          kind: 'interruption',
          payload: { cause: end.cause ?? 'stop', reason: end.reason ?? null },
        });
      } else if (end.outcome === 'failed') {
        closing = transcript.append(turn.sessionId, end.turnId, { kind: 'error', payload: { message: end.error ?? 'The turn failed.' } });
      }
      // The turn's messages enter the search index in one batch, a cut-short answer too (issue 13).
      transcript.indexTurn(end.turnId);
      this.db.prepare('UPDATE turns SET ended_at = ?, outcome = ?, error = ? WHERE turn_id = ?').run(now, end.outcome, end.error ?? null, end.turnId);
      lanes.clearActiveTurn(laneKey, end.turnId, now);
      if (end.outcome === 'completed') marks.clearOnCompletion(laneKey);
      else if (end.countsAsRestartFailure) marks.countInterruption(laneKey);
      return closing;
    })();
  }

  get(turnId: string): TurnRecord | null {
    const row = this.db.prepare('SELECT * FROM turns WHERE turn_id = ?').get(turnId) as Record<string, unknown> | undefined;
    return row ? turnFromRow(row) : null;
  }

  /** A session's turns, oldest first. */
  list(sessionId: string): TurnRecord[] {
    const rows = this.db.prepare('SELECT * FROM turns WHERE session_id = ? ORDER BY started_at, turn_id').all(sessionId) as Array<Record<string, unknown>>;
    return rows.map(turnFromRow);
  }

  /** The newest turn of a session, finished or not. */
  last(sessionId: string): TurnRecord | null {
    const row = this.db
      .prepare('SELECT * FROM turns WHERE session_id = ? ORDER BY started_at DESC, turn_id DESC LIMIT 1')
      .get(sessionId) as Record<string, unknown> | undefined;
    return row ? turnFromRow(row) : null;
  }

  /** Adds a model call's token usage to the lane's totals and, when given, to its turn. */
  addUsage(laneKey: string, usage: { inputTokens: number; outputTokens: number }, turnId?: string): void {
    const input = Math.max(0, Math.trunc(usage.inputTokens) || 0);
    const output = Math.max(0, Math.trunc(usage.outputTokens) || 0);
    this.db.transaction(() => {
      this.parts.lanes.addUsage(laneKey, input, output);
      if (turnId) this.db.prepare('UPDATE turns SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ? WHERE turn_id = ?').run(input, output, turnId);
    })();
  }

  /**
   * L15/L16 crash recovery: every lane whose journal still names a running turn lost that turn to
   * a crash or kill. The resume mark decides the reason (ResumeMarks.markCrash); the turn is
   * closed as interrupted and the journal entry dropped. One transaction.
   */
  recoverOpenTurns(): RecoveredLane[] {
    const { lanes, transcript, marks } = this.parts;
    const now = this.now();
    return this.db.transaction(() => {
      const recovered: RecoveredLane[] = [];
      for (const lane of lanes.withActiveTurn()) {
        const active = lane.activeTurn!;
        const reason = marks.markCrash(lane, active, () => transcript.lastSignOfLife(active.turnId, active.startedAt, now));
        const turn = this.get(active.turnId);
        if (turn && turn.endedAt === null) {
          transcript.append(turn.sessionId, active.turnId, { kind: 'interruption', payload: { cause: 'crash', reason } });
          this.db.prepare("UPDATE turns SET ended_at = ?, outcome = 'interrupted' WHERE turn_id = ?").run(now, active.turnId);
          transcript.indexTurn(active.turnId);
        }
        lanes.dropActiveTurn(lane.laneKey);
        recovered.push({ laneKey: lane.laneKey, turnId: active.turnId, reason, restartFailureCount: lane.restartFailureCount + 1 });
      }
      return recovered;
    })();
  }
}
