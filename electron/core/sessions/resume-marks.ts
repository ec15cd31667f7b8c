/**
 * The resume mark of a lane, one state machine with named transitions (SPEC §2–§6; issue 9 item 3).
 *
 * A lane's mark is five columns: `resume_pending`, `resume_reason`, `last_resume_marked_at`, the
 * stuck-loop counter `restart_failure_count` (L16) and the record of the one automatic attempt
 * `auto_resumed_turn_id` (L20). This module holds the only SQL that writes them; the drain, startup
 * recovery, the turn journal and the session switches call a transition instead of writing SQL.
 * A test reads the sources to keep it that way. docs/resume-marks.md has the table of transitions.
 *
 * Transitions that are part of a larger change (a turn's end, a session switch, crash recovery)
 * run inside the caller's transaction: the connection makes a nested transaction a savepoint.
 */
import type { ResumeReason } from '../../../shared/lifecycle.ts';
import { laneFromRow, type ActiveTurn, type LaneRecord } from './lane-record.ts';
import { StoreAggregate } from './store-aggregate.ts';

/** What a drain's write-ahead overwrote, so a turn that ends for another reason gets it back (L10). */
export type MarkState = Pick<LaneRecord, 'resumePending' | 'resumeReason' | 'lastResumeMarkedAt'>;

export interface WriteAhead {
  /** The lanes marked (unknown and suspended lanes are skipped, L3). */
  marked: string[];
  /** Each marked lane's mark as it was just before. */
  previous: ReadonlyMap<string, MarkState>;
}

const MARK = `UPDATE lanes SET resume_pending = 1, resume_reason = ?, last_resume_marked_at = ?, updated_at = ?
  WHERE lane_key = ? AND suspended = 0`;

/** Clears the mark and the record of the automatic attempt; the interruption is over. */
const CLEAR_MARK = 'resume_pending = 0, resume_reason = NULL, last_resume_marked_at = NULL, auto_resumed_turn_id = NULL';

export class ResumeMarks extends StoreAggregate {
  /**
   * L9 (and L3): before the drain waits, every lane with a running turn is marked with the exit's
   * reason, all in one transaction, so a hard kill during the wait loses nothing. Re-marking
   * refreshes reason and time.
   */
  markAhead(laneKeys: readonly string[], reason: ResumeReason): WriteAhead {
    return this.db.transaction(() => {
      const previous = new Map<string, MarkState>();
      for (const laneKey of new Set(laneKeys)) {
        const state = this.state(laneKey);
        if (state) previous.set(laneKey, state);
      }
      const marked = this.mark(laneKeys, reason);
      for (const laneKey of previous.keys()) if (!marked.includes(laneKey)) previous.delete(laneKey);
      return { marked, previous };
    })();
  }

  /**
   * L11: lanes still running at the deadline keep their mark with the time refreshed; an `update`
   * joining after the deadline re-marks them with its reason (L9, L13). One transaction.
   */
  markAtDeadline(laneKeys: readonly string[], reason: ResumeReason): string[] {
    return this.db.transaction(() => this.mark(laneKeys, reason))();
  }

  /** L10: a turn that failed or was stopped during the wait was not interrupted by the exit; its earlier mark comes back. */
  restoreAfterNonExitEnd(laneKey: string, previous: MarkState): void {
    this.db
      .prepare('UPDATE lanes SET resume_pending = ?, resume_reason = ?, last_resume_marked_at = ? WHERE lane_key = ?')
      .run(previous.resumePending ? 1 : 0, previous.resumeReason, previous.lastResumeMarkedAt, laneKey);
  }

  /** L16/L22: a completed turn ends the interruption: mark, failure streak and auto-resume record are cleared. */
  clearOnCompletion(laneKey: string): void {
    this.cleanSlate(laneKey);
  }

  /** L16: an exit (drain) or a crash interrupted a turn of this lane: one more on its failure streak. */
  countInterruption(laneKey: string): void {
    this.db.prepare('UPDATE lanes SET restart_failure_count = restart_failure_count + 1 WHERE lane_key = ?').run(laneKey);
  }

  /**
   * L15/L16 crash recovery of a lane whose journal still names `turn`. Only a mark written while
   * that turn ran (a drain's write-ahead) explains its end and is kept; otherwise the lane is
   * marked `crash` at `lastSignOfLife`, the last evidence the turn was alive (not this launch), so
   * the note's "N minutes ago" and the freshness limit stay true after a long downtime (L19, L21).
   * A suspended lane is never marked (L3). Either way the crash counts on the failure streak.
   * Returns the reason the lane's interruption now carries.
   */
  markCrash(lane: LaneRecord, turn: ActiveTurn, lastSignOfLife: () => number): string {
    const markedDuringTurn = lane.lastResumeMarkedAt !== null && lane.lastResumeMarkedAt >= turn.startedAt;
    const keepsDrainMark = lane.resumePending && lane.resumeReason !== null && markedDuringTurn;
    if (!keepsDrainMark && !lane.suspended) {
      this.db.prepare("UPDATE lanes SET resume_pending = 1, resume_reason = 'crash', last_resume_marked_at = ? WHERE lane_key = ?").run(lastSignOfLife(), lane.laneKey);
    }
    this.countInterruption(lane.laneKey);
    return keepsDrainMark ? lane.resumeReason! : 'crash';
  }

  /** L4, L20/L21 "Discard": false without writing when the lane is unknown or not pending. */
  discard(laneKey: string): boolean {
    return this.db.prepare(`UPDATE lanes SET ${CLEAR_MARK} WHERE lane_key = ? AND resume_pending = 1`).run(laneKey).changes === 1;
  }

  /** L5, L24, L25: a new or restored session is a clean slate: no mark, no failure streak, no auto-resume record. */
  sessionSwitch(laneKey: string): void {
    this.cleanSlate(laneKey);
  }

  /** L20: the interrupted turn that startup resumes automatically, so it is never resumed automatically again. */
  recordAutoResume(laneKey: string, interruptedTurnId: string): void {
    this.db.prepare('UPDATE lanes SET auto_resumed_turn_id = ? WHERE lane_key = ?').run(interruptedTurnId, laneKey);
  }

  /** Whether the lane is marked now (false for an unknown lane). */
  isPending(laneKey: string): boolean {
    return this.state(laneKey)?.resumePending ?? false;
  }

  private state(laneKey: string): MarkState | null {
    const row = this.db.prepare('SELECT resume_pending, resume_reason, last_resume_marked_at FROM lanes WHERE lane_key = ?').get(laneKey) as
      | Record<string, unknown>
      | undefined;
    if (!row) return null;
    // The tolerant reading of older rows applies here too (L1: a malformed time becomes null).
    const { resumePending, resumeReason, lastResumeMarkedAt } = laneFromRow(row);
    return { resumePending, resumeReason, lastResumeMarkedAt };
  }

  private cleanSlate(laneKey: string): void {
    this.db.prepare(`UPDATE lanes SET ${CLEAR_MARK}, restart_failure_count = 0 WHERE lane_key = ?`).run(laneKey);
  }

  private mark(laneKeys: readonly string[], reason: ResumeReason): string[] {
    const now = this.now();
    const mark = this.db.prepare(MARK);
    return [...new Set(laneKeys)].filter((key) => mark.run(reason, now, now, key).changes === 1);
  }
}
