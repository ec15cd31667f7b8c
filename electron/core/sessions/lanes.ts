/**
 * Lanes and their sessions (SPEC §1, §2, L5, L6, L24, L25): which session a lane points at, its
 * title, suspension and token totals. The resume mark columns of the same rows belong to
 * ResumeMarks; a session switch asks it for the clean slate in the same transaction.
 */
import { newId } from './ids.ts';
import { laneFromRow, type LaneRecord } from './lane-record.ts';
import type { ResumeMarks } from './resume-marks.ts';
import { StoreAggregate } from './store-aggregate.ts';
import type { StoreConnection } from './store-connection.ts';

export interface SessionRecord {
  sessionId: string;
  laneKey: string;
  createdAt: number;
  endedAt: number | null;
  title: string;
  autoResetReason: string | null;
  previousSessionId: string | null;
}

export interface SessionAccess {
  session: SessionRecord;
  /** True when this call started a new session. */
  created: boolean;
  /** Why the lane got a fresh session without being asked ("suspended"), else null. */
  autoResetReason: string | null;
}

/** The conversation list, or the trash (issue 11). */
export type LaneListView = 'active' | 'trash' | 'archived';

/** L34: the provider and model a conversation uses, as stored on its lane. */
export interface LaneModel {
  provider: string;
  model: string;
}

/** L34: the conversation's own instructions and workspace; undefined leaves one as it is, null drops the override. */
export interface LaneOverrides {
  instructions?: string | null;
  workspaceDir?: string | null;
}

/** A lane with the number of inputs waiting in it: what a conversation list shows. */
export interface LaneSummary {
  lane: LaneRecord;
  queuedInputs: number;
}

function sessionFromRow(row: Record<string, unknown>): SessionRecord {
  return {
    sessionId: row.session_id as string,
    laneKey: row.lane_key as string,
    createdAt: Number(row.created_at),
    endedAt: row.ended_at == null ? null : Number(row.ended_at),
    title: (row.title as string | null) ?? '',
    autoResetReason: (row.auto_reset_reason as string | null) ?? null,
    previousSessionId: (row.previous_session_id as string | null) ?? null,
  };
}

export class Lanes extends StoreAggregate {
  private readonly marks: ResumeMarks;

  constructor(db: StoreConnection, now: () => number, marks: ResumeMarks) {
    super(db, now);
    this.marks = marks;
  }

  get(laneKey: string): LaneRecord | null {
    const row = this.db.prepare('SELECT * FROM lanes WHERE lane_key = ?').get(laneKey) as Record<string, unknown> | undefined;
    return row ? laneFromRow(row) : null;
  }

  /** Most recently active first; in the trash too (the store's own bookkeeping sees every lane). */
  list(): LaneRecord[] {
    const rows = this.db.prepare('SELECT * FROM lanes ORDER BY updated_at DESC, lane_key').all() as Array<Record<string, unknown>>;
    return rows.map(laneFromRow);
  }

  /** Lanes whose turn journal names a running turn (crash recovery, L15), in `list()` order. */
  withActiveTurn(): LaneRecord[] {
    return this.where('active_turn_id IS NOT NULL').filter((lane) => lane.activeTurn !== null);
  }

  /** Resume-pending lanes that are not suspended (startup, L20, L21), in `list()` order. */
  /** A conversation in the trash keeps its mark for when it is restored, but nothing resumes it there. */
  resumePending(): LaneRecord[] {
    return this.where('resume_pending != 0 AND suspended = 0 AND deleted_at IS NULL').filter((lane) => lane.resumePending && !lane.suspended && lane.deletedAt === null);
  }

  /**
   * Every lane with its queued-input count in one statement (a conversation list used to cost one
   * lane read and one count per lane); same order as `list()`. The count uses the queue's index.
   */
  summaries(view: LaneListView = 'active'): LaneSummary[] {
    // Issue 11: pinned conversations first; the trash lists the most recently deleted first.
    // Archived conversations (issue 11) leave the main list for their own view, most recently archived first.
    const [where, order] =
      view === 'trash'
        ? ['l.deleted_at IS NOT NULL', 'l.deleted_at DESC']
        : view === 'archived'
          ? ['l.deleted_at IS NULL AND l.archived_at IS NOT NULL', 'l.archived_at DESC']
          : ['l.deleted_at IS NULL AND l.archived_at IS NULL', 'l.pinned DESC, l.updated_at DESC'];
    const rows = this.db
      .prepare(
        `SELECT l.*, (SELECT count(*) FROM queued_inputs q WHERE q.lane_key = l.lane_key) AS queued_input_count
           FROM lanes l WHERE ${where} ORDER BY ${order}, l.lane_key`,
      )
      .all() as Array<Record<string, unknown>>;
    return rows.map((row) => ({ lane: laneFromRow(row), queuedInputs: Number(row.queued_input_count) }));
  }

  /** Issue 11: archives (out of the main list, still searchable) or brings back; false when there is no such lane. */
  setArchived(laneKey: string, archived: boolean): boolean {
    return this.db.prepare('UPDATE lanes SET archived_at = ? WHERE lane_key = ?').run(archived ? this.now() : null, laneKey).changes === 1;
  }

  /** Issue 11: pins or unpins; the conversation's place in time (updated_at) is left alone. */
  setPinned(laneKey: string, pinned: boolean): boolean {
    return this.db.prepare('UPDATE lanes SET pinned = ? WHERE lane_key = ?').run(pinned ? 1 : 0, laneKey).changes === 1;
  }

  /** Creates the lane with its first session when it does not exist yet. */
  ensure(laneKey: string, init: { title?: string; platform?: string; model?: LaneModel | null; profile?: string | null } = {}): LaneRecord {
    const existing = this.get(laneKey);
    if (existing) return existing;
    const now = this.now();
    const sessionId = newId('ses');
    this.db.transaction(() => {
      this.insertSession(sessionId, laneKey, now, init.title ?? '', null, null);
      this.db
        .prepare('INSERT INTO lanes (lane_key, session_id, created_at, updated_at, origin_platform, title) VALUES (?, ?, ?, ?, ?, ?)')
        .run(laneKey, sessionId, now, now, init.platform ?? 'desktop', init.title ?? '');
      // L34: written only when given, so the store still opens (and migration tests still run) on older schemas.
      if (init.model) this.setModel(laneKey, init.model);
      if (init.profile) this.setProfile(laneKey, init.profile);
    })();
    return this.get(laneKey)!;
  }

  /**
   * L5: suspended always wins (fresh session, the old one ended but kept, both flags dropped);
   * a resume-pending lane keeps its session and its flag; otherwise normal access.
   */
  getOrCreateSession(laneKey: string): SessionAccess {
    const lane = this.get(laneKey);
    if (!lane) {
      const created = this.ensure(laneKey);
      return { session: this.session(created.sessionId)!, created: true, autoResetReason: null };
    }
    if (lane.suspended) {
      const session = this.replaceSession(lane, 'suspended');
      return { session, created: true, autoResetReason: 'suspended' };
    }
    return { session: this.session(lane.sessionId)!, created: false, autoResetReason: null };
  }

  /** Ends the lane's current session (kept, never deleted) and points the lane at a new one. */
  startNewSession(laneKey: string, reason: 'user' | 'suspended'): SessionRecord {
    const lane = this.get(laneKey);
    if (!lane) throw new Error(`Unknown conversation ${laneKey}`);
    return this.replaceSession(lane, reason);
  }

  /** Points the lane back at one of its earlier sessions (L24 /resume, L25 restore). */
  restoreSession(laneKey: string, sessionId: string): boolean {
    const lane = this.get(laneKey);
    const session = this.session(sessionId);
    if (!lane || !session || session.laneKey !== laneKey) return false;
    if (lane.sessionId === sessionId) return true;
    const now = this.now();
    this.db.transaction(() => {
      this.db.prepare('UPDATE sessions SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL').run(now, lane.sessionId);
      this.db.prepare('UPDATE sessions SET ended_at = NULL WHERE session_id = ?').run(sessionId);
      this.db
        .prepare('UPDATE lanes SET session_id = ?, updated_at = ?, title = ?, suspended = 0 WHERE lane_key = ?')
        .run(sessionId, now, session.title || lane.title, laneKey);
      this.marks.sessionSwitch(laneKey);
    })();
    return true;
  }

  session(sessionId: string): SessionRecord | null {
    const row = this.db.prepare('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as Record<string, unknown> | undefined;
    return row ? sessionFromRow(row) : null;
  }

  /** Newest first. */
  sessions(laneKey: string): SessionRecord[] {
    const rows = this.db.prepare('SELECT * FROM sessions WHERE lane_key = ? ORDER BY created_at DESC, session_id DESC').all(laneKey);
    return (rows as Array<Record<string, unknown>>).map(sessionFromRow);
  }

  setTitle(laneKey: string, title: string): boolean {
    const lane = this.get(laneKey);
    if (!lane) return false;
    this.db.transaction(() => {
      this.db.prepare('UPDATE lanes SET title = ?, updated_at = ? WHERE lane_key = ?').run(title, this.now(), laneKey);
      this.db.prepare('UPDATE sessions SET title = ? WHERE session_id = ?').run(title, lane.sessionId);
    })();
    return true;
  }

  /** L6: the lane's next access starts a fresh session. */
  suspend(laneKey: string): boolean {
    return this.db.prepare('UPDATE lanes SET suspended = 1, updated_at = ? WHERE lane_key = ?').run(this.now(), laneKey).changes === 1;
  }

  /** L16: suspends every lane whose failure streak reached the threshold; returns them. */
  suspendStuck(threshold: number): string[] {
    const stuck = this.db
      // `> 0` (implied by threshold ≥ 1) lets SQLite use the partial index lanes_restart_failures.
      .prepare('SELECT lane_key FROM lanes WHERE restart_failure_count > 0 AND restart_failure_count >= ? AND suspended = 0 ORDER BY lane_key')
      .all(threshold) as Array<{ lane_key: string }>;
    const now = this.now();
    const suspend = this.db.prepare('UPDATE lanes SET suspended = 1, updated_at = ? WHERE lane_key = ?');
    this.db.transaction(() => stuck.forEach((row) => suspend.run(now, row.lane_key)))();
    return stuck.map((row) => row.lane_key);
  }

  // ── the conversation's agent (L34) ───────────────────────────────────────────────────────

  /** Points the conversation at a provider and model; its next turn uses them (a running one keeps its own). */
  setModel(laneKey: string, choice: LaneModel): boolean {
    return this.db.prepare('UPDATE lanes SET provider = ?, model = ? WHERE lane_key = ?').run(choice.provider, choice.model, laneKey).changes === 1;
  }

  /**
   * Gives the default to every lane that has no model yet (lanes written before v9, or made while
   * no provider existed), in one transaction; lanes with a model are never touched. Returns them.
   */
  assignDefaultModel(choice: LaneModel): string[] {
    const unassigned = this.db.prepare('SELECT lane_key FROM lanes WHERE provider IS NULL OR provider = \'\' ORDER BY lane_key').all() as Array<{ lane_key: string }>;
    const set = this.db.prepare('UPDATE lanes SET provider = ?, model = ? WHERE lane_key = ?');
    this.db.transaction(() => unassigned.forEach((row) => set.run(choice.provider, choice.model, row.lane_key)))();
    return unassigned.map((row) => row.lane_key);
  }

  /** A provider renamed in Settings keeps its conversations (they follow the name). */
  renameProvider(from: string, to: string): number {
    return this.db.prepare('UPDATE lanes SET provider = ? WHERE provider = ?').run(to, from).changes;
  }

  /** The agent profile by name; null is the Default profile. */
  setProfile(laneKey: string, profile: string | null): boolean {
    return this.db.prepare('UPDATE lanes SET profile = ? WHERE lane_key = ?').run(profile, laneKey).changes === 1;
  }

  setOverrides(laneKey: string, overrides: LaneOverrides): boolean {
    const lane = this.get(laneKey);
    if (!lane) return false;
    const instructions = overrides.instructions === undefined ? lane.instructions : overrides.instructions;
    const workspaceDir = overrides.workspaceDir === undefined ? lane.workspaceDir : overrides.workspaceDir;
    return this.db.prepare('UPDATE lanes SET instructions = ?, workspace_dir = ? WHERE lane_key = ?').run(instructions, workspaceDir, laneKey).changes === 1;
  }

  /** Adds token usage to the lane's totals. */
  addUsage(laneKey: string, input: number, output: number): void {
    this.db.prepare('UPDATE lanes SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ? WHERE lane_key = ?').run(input, output, laneKey);
  }

  /** Points the lane's journal at a turn (L15), or clears it when the turn it names ended. */
  setActiveTurn(laneKey: string, turnId: string, startedAt: number): void {
    this.db.prepare('UPDATE lanes SET active_turn_id = ?, active_turn_started_at = ?, updated_at = ? WHERE lane_key = ?').run(turnId, startedAt, startedAt, laneKey);
  }

  clearActiveTurn(laneKey: string, turnId: string, now: number): void {
    this.db
      .prepare('UPDATE lanes SET active_turn_id = NULL, active_turn_started_at = NULL, updated_at = ? WHERE lane_key = ? AND active_turn_id = ?')
      .run(now, laneKey, turnId);
  }

  /** Crash recovery closes a journal entry without making the lane look recently active. */
  dropActiveTurn(laneKey: string): void {
    this.db.prepare('UPDATE lanes SET active_turn_id = NULL, active_turn_started_at = NULL WHERE lane_key = ?').run(laneKey);
  }

  /**
   * Lanes a SQL condition selects, most recently active first. The condition only narrows the read
   * (a startup reads the few lanes it needs, not all of them); callers filter the records again,
   * so rows an older build wrote oddly are judged by the tolerant reading (L1), not by SQL.
   */
  private where(condition: string): LaneRecord[] {
    const rows = this.db.prepare(`SELECT * FROM lanes WHERE ${condition} ORDER BY updated_at DESC, lane_key`).all() as Array<Record<string, unknown>>;
    return rows.map(laneFromRow);
  }

  private insertSession(sessionId: string, laneKey: string, now: number, title: string, autoResetReason: string | null, previous: string | null): void {
    this.db
      .prepare('INSERT INTO sessions (session_id, lane_key, created_at, title, auto_reset_reason, previous_session_id) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sessionId, laneKey, now, title, autoResetReason, previous);
  }

  private replaceSession(lane: LaneRecord, reason: 'user' | 'suspended'): SessionRecord {
    const now = this.now();
    const sessionId = newId('ses');
    this.db.transaction(() => {
      this.db.prepare('UPDATE sessions SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL').run(now, lane.sessionId);
      this.insertSession(sessionId, lane.laneKey, now, '', reason, lane.sessionId);
      // A fresh start is a clean slate: no suspension, no resume mark, no failure streak (L16, L25).
      this.db.prepare('UPDATE lanes SET session_id = ?, updated_at = ?, suspended = 0 WHERE lane_key = ?').run(sessionId, now, lane.laneKey);
      this.marks.sessionSwitch(lane.laneKey);
    })();
    return this.session(sessionId)!;
  }
}
