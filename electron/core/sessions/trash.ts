/**
 * The trash (issue 11, L35): deleting a conversation only marks it; its sessions, events and
 * queued input stay, and a restore clears the mark. Only the purge, TRASH_DAYS after the delete,
 * removes a conversation's rows, all in one transaction, so nothing is lost by one keystroke.
 */
import { TRASH_DAYS } from '../../../shared/gateway-events.ts';
import { StoreAggregate } from './store-aggregate.ts';

export { TRASH_DAYS };

/** A purged `tool_output` row whose whole output was in a file (gateway/tool-output-files.ts names it). */
export interface FullOutputRef {
  seq: number;
  sessionId: string;
  callId: string;
}

export interface PurgedTrash {
  laneKeys: string[];
  fullOutputs: FullOutputRef[];
}
const DAY_MS = 24 * 60 * 60 * 1000;

export class Trash extends StoreAggregate {
  /** Marks the lane deleted; false when there is no such lane or it is in the trash already. */
  moveToTrash(laneKey: string): boolean {
    return this.db.prepare('UPDATE lanes SET deleted_at = ? WHERE lane_key = ? AND deleted_at IS NULL').run(this.now(), laneKey).changes === 1;
  }

  /** Takes the lane out of the trash; false when it was not in it. */
  restore(laneKey: string): boolean {
    return this.db.prepare('UPDATE lanes SET deleted_at = NULL WHERE lane_key = ? AND deleted_at IS NOT NULL').run(laneKey).changes === 1;
  }

  /**
   * Removes every conversation deleted more than TRASH_DAYS ago, with all it holds; returns their
   * keys, and the tool outputs among their rows that had a full-output file (the caller removes
   * those files: the store does not know the data directory's other contents). A lane whose
   * journal still names a turn is left for a later purge.
   */
  purgeExpired(): PurgedTrash {
    const cutoff = this.now() - TRASH_DAYS * DAY_MS;
    return this.db.transaction(() => {
      const expired = this.db
        .prepare('SELECT lane_key FROM lanes WHERE deleted_at IS NOT NULL AND deleted_at <= ? AND active_turn_id IS NULL ORDER BY lane_key')
        .all(cutoff) as Array<{ lane_key: string }>;
      const keys = expired.map((row) => row.lane_key);
      const outputs = this.db.prepare(
        `SELECT e.seq, e.session_id, json_extract(e.payload, '$.callId') AS call_id FROM events e JOIN sessions s ON s.session_id = e.session_id
         WHERE s.lane_key = ? AND e.kind = 'tool_output' AND json_valid(e.payload) AND json_extract(e.payload, '$.fullOutput') = 1`,
      );
      const fullOutputs: FullOutputRef[] = [];
      for (const key of keys) {
        for (const row of outputs.all(key) as Array<{ seq: number; session_id: string; call_id: string }>) fullOutputs.push({ seq: row.seq, sessionId: row.session_id, callId: row.call_id });
      }
      const statements = [
        'DELETE FROM events WHERE session_id IN (SELECT session_id FROM sessions WHERE lane_key = ?)',
        'DELETE FROM turns WHERE lane_key = ?',
        'DELETE FROM queued_inputs WHERE lane_key = ?',
        'DELETE FROM client_messages WHERE lane_key = ?',
        'DELETE FROM sessions WHERE lane_key = ?',
        'DELETE FROM lanes WHERE lane_key = ?',
        'DELETE FROM attachment_blobs WHERE lane_key = ?',
      ].map((sql) => this.db.prepare(sql));
      for (const key of keys) for (const statement of statements) statement.run(key);
      return { laneKeys: keys, fullOutputs };
    })();
  }
}
