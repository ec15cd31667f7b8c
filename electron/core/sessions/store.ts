/**
 * The durable session store (SPEC §2–§3): one SQLite file in the data directory, WAL mode,
 * synchronous=FULL so every change is on disk before the call that made it returns (L2).
 *
 * The connection uses EXCLUSIVE locking: the OS lock it holds is the single-writer lock for the
 * data directory, and the kernel releases it when the process dies, even by SIGKILL, so a crash
 * never leaves a stale lock behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import type { ResumeReason } from '../../../shared/lifecycle.ts';
import { eventPayloadSchemas, isTurnEventKind, type InterruptionCause, type StoredEvent, type TurnEvent } from '../../../shared/transcript.ts';
import { BackupManager } from './backups.ts';
import { refuseEmptyStoreWithBackups } from './empty-store-check.ts';
import { newId } from './ids.ts';
import { laneFromRow, type LaneRecord } from './lane-record.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { isBusy, isCorruption, StoreConnection } from './store-connection.ts';
import { DataDirInUseError, StoreCorruptError, StoreTooNewError } from './store-errors.ts';

export const STORE_FILE = 'baton.db';

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

export type TurnTrigger = 'message' | 'resume';
export type TurnOutcome = 'completed' | 'interrupted' | 'failed';

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

export interface QueuedInput {
  id: number;
  laneKey: string;
  text: string;
  createdAt: number;
  duringDrain: boolean;
  /** The id the sending window gave the message (L32), or null. */
  clientId: string | null;
}

/** What a window was told when the gateway took a message; answered again for a resend (L32). */
export interface ClientMessageRecord {
  clientId: string;
  laneKey: string;
  status: string;
  message: string;
  receivedAt: number;
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

export interface LaneSearchHit {
  laneKey: string;
  title: string;
  /** Plain text around the first match (no markup), or the title when only the title matched. */
  snippet: string;
}

/** Words of a search query as FTS5 prefix terms ("dep roll" finds "deploy rollback"); null when it has none. */
export function ftsQuery(query: string): string | null {
  const words = query.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words.slice(0, 16).map((word) => `"${word}"*`).join(' ');
}

export interface OpenStoreOptions {
  dataDir: string;
  now?: () => number;
  /**
   * Run a full quick_check before use (after an unclean exit); 'before-migration' only when a
   * migration is due (the rest is left to background-integrity.ts, issue 13).
   */
  verifyIntegrity?: boolean | 'before-migration';
  backupsToKeep?: number;
  /** Migrations to apply; tests pass a prefix to build an older schema. */
  migrations?: readonly Migration[];
}

function queuedInputFromRow(row: Record<string, unknown>): QueuedInput {
  return {
    id: Number(row.id),
    laneKey: String(row.lane_key),
    text: String(row.text),
    createdAt: Number(row.created_at),
    duringDrain: Number(row.during_drain) !== 0,
    clientId: typeof row.client_id === 'string' ? row.client_id : null,
  };
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

function eventFromRow(row: Record<string, unknown>): StoredEvent | null {
  const kind = String(row.kind);
  if (!isTurnEventKind(kind)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(String(row.payload));
  } catch {
    return null;
  }
  const parsed = eventPayloadSchemas[kind].safeParse(payload);
  if (!parsed.success) return null;
  return {
    seq: Number(row.seq),
    sessionId: String(row.session_id),
    turnId: (row.turn_id as string | null) ?? null,
    createdAt: Number(row.created_at),
    kind,
    payload: parsed.data,
  } as StoredEvent;
}

export class SessionStore {
  readonly file: string;
  readonly backups: BackupManager;
  private readonly db: StoreConnection;
  private readonly now: () => number;

  private constructor(db: StoreConnection, file: string, backups: BackupManager, now: () => number) {
    this.db = db;
    this.file = file;
    this.backups = backups;
    this.now = now;
  }

  static async open(options: OpenStoreOptions): Promise<SessionStore> {
    const file = path.join(options.dataDir, STORE_FILE);
    const backups = new BackupManager(path.join(options.dataDir, 'backups'), { keep: options.backupsToKeep });
    const migrations = options.migrations ?? MIGRATIONS;
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    fs.mkdirSync(options.dataDir, { recursive: true });
    refuseEmptyStoreWithBackups(file, () => backups.newest());

    const db = new Database(file, { timeout: 100 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      let version: number;
      try {
        version = Number(db.pragma('user_version', { simple: true }));
      } catch (error) {
        if (isBusy(error)) throw new DataDirInUseError(options.dataDir);
        if (isCorruption(error)) throw new StoreCorruptError(file, (error as Error).message, backups.newest());
        throw error;
      }
      if (version > latest) throw new StoreTooNewError(file, version, latest);
      if ((options.verifyIntegrity === true || (options.verifyIntegrity === 'before-migration' && version < latest)) && version > 0) {
        const problems = SessionStore.quickCheck(db);
        if (problems) throw new StoreCorruptError(file, problems, backups.newest());
      }
      try {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        // Taking the write lock now makes a second Baton fail here, before it reads anything stale.
        db.exec('BEGIN EXCLUSIVE; COMMIT');
      } catch (error) {
        if (isBusy(error)) throw new DataDirInUseError(options.dataDir);
        if (isCorruption(error)) throw new StoreCorruptError(file, (error as Error).message, backups.newest());
        throw error;
      }
      const store = new SessionStore(new StoreConnection(db, file, () => backups.newest()), file, backups, options.now ?? Date.now);
      // Named after the first migration it precedes: the backup is the store as version `version` left it.
      if (version > 0 && version < latest) await backups.take(db, `pre-migration-v${version + 1}`, store.now());
      store.migrate(version, migrations);
      return store;
    } catch (error) {
      db.close();
      if (isCorruption(error)) throw new StoreCorruptError(file, (error as Error).message, backups.newest());
      throw error;
    }
  }

  private static quickCheck(db: Db): string | null {
    try {
      const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
      const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
      return problems.length === 0 ? null : problems.slice(0, 3).join('; ');
    } catch (error) {
      if (isCorruption(error)) return (error as Error).message;
      throw error;
    }
  }

  private migrate(from: number, migrations: readonly Migration[]): void {
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db.pragma(`user_version = ${migration.version}`);
      })();
    }
  }

  /** This store's random identity, made once by the schema (L32: a window's outbox is kept per store). */
  get storeId(): string {
    return String((this.db.prepare("SELECT value FROM meta WHERE key = 'store_id'").get() as { value: string }).value);
  }

  /**
   * L29: the Baton version that last opened this store, and records the one opening it now.
   * "Updated to vX" comes from here: the clean-exit marker cannot carry it, since an update whose
   * drain had to interrupt a turn writes no marker (L12).
   */
  swapLastRunVersion(version: string): string | null {
    return this.db.transaction(() => {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'last_run_version'").get() as { value: string } | undefined;
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('last_run_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(version);
      return row ? row.value : null;
    })();
  }

  get schemaVersion(): number {
    return Number(this.db.pragma('user_version', { simple: true }));
  }

  /** Returns null when the database is sound, else a description of the damage. */
  integrityProblems(): string | null {
    return this.db.guard((db) => SessionStore.quickCheck(db));
  }

  /** The background integrity check's hook (background-integrity.ts): the raw connection under the store's fault rules. */
  withConnection<T>(work: (db: Db) => T): T {
    return this.db.guard(work);
  }

  /** R2: damage found outside a statement (the background integrity check) stops every write, as a statement's would. */
  reportDamage(detail: string): StoreCorruptError {
    return this.db.reportDamage(detail);
  }

  /** R2: the damage found at a read or write since open, or null; a damaged store is never written again. */
  get damaged(): StoreCorruptError | null {
    return this.db.damaged;
  }

  onDamaged(listener: (error: StoreCorruptError) => void): () => void {
    return this.db.onDamaged(listener);
  }

  /** A damaged store is never copied over the good backups. */
  async backupNow(label: string): Promise<string> {
    return this.db.guardAsync((db) => this.backups.take(db, label, this.now()));
  }

  async backupIfDue(): Promise<string | null> {
    return this.db.guardAsync((db) => this.backups.takeIfDue(db, this.now()));
  }

  close(): void {
    this.db.close();
  }

  // ── lanes ──────────────────────────────────────────────────────────────────────────────────

  getLane(laneKey: string): LaneRecord | null {
    const row = this.db.prepare('SELECT * FROM lanes WHERE lane_key = ?').get(laneKey) as Record<string, unknown> | undefined;
    return row ? laneFromRow(row) : null;
  }

  /** Most recently active first. */
  listLanes(): LaneRecord[] {
    const rows = this.db.prepare('SELECT * FROM lanes ORDER BY updated_at DESC, lane_key').all() as Array<Record<string, unknown>>;
    return rows.map(laneFromRow);
  }

  /** Creates the lane with its first session when it does not exist yet. */
  ensureLane(laneKey: string, init: { title?: string; platform?: string } = {}): LaneRecord {
    const existing = this.getLane(laneKey);
    if (existing) return existing;
    const now = this.now();
    const sessionId = newId('ses');
    this.db.transaction(() => {
      this.insertSession(sessionId, laneKey, now, init.title ?? '', null, null);
      this.db
        .prepare('INSERT INTO lanes (lane_key, session_id, created_at, updated_at, origin_platform, title) VALUES (?, ?, ?, ?, ?, ?)')
        .run(laneKey, sessionId, now, now, init.platform ?? 'desktop', init.title ?? '');
    })();
    return this.getLane(laneKey)!;
  }

  private insertSession(sessionId: string, laneKey: string, now: number, title: string, autoResetReason: string | null, previous: string | null): void {
    this.db
      .prepare('INSERT INTO sessions (session_id, lane_key, created_at, title, auto_reset_reason, previous_session_id) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sessionId, laneKey, now, title, autoResetReason, previous);
  }

  /**
   * L5: suspended always wins (fresh session, the old one ended but kept, both flags dropped);
   * a resume-pending lane keeps its session and its flag; otherwise normal access.
   */
  getOrCreateSession(laneKey: string): SessionAccess {
    const lane = this.getLane(laneKey);
    if (!lane) {
      const created = this.ensureLane(laneKey);
      return { session: this.getSession(created.sessionId)!, created: true, autoResetReason: null };
    }
    if (lane.suspended) {
      const session = this.replaceSession(lane, 'suspended');
      return { session, created: true, autoResetReason: 'suspended' };
    }
    return { session: this.getSession(lane.sessionId)!, created: false, autoResetReason: null };
  }

  /** Ends the lane's current session (kept, never deleted) and points the lane at a new one. */
  startNewSession(laneKey: string, reason: 'user' | 'suspended'): SessionRecord {
    const lane = this.getLane(laneKey);
    if (!lane) throw new Error(`Unknown conversation ${laneKey}`);
    return this.replaceSession(lane, reason);
  }

  private replaceSession(lane: LaneRecord, reason: 'user' | 'suspended'): SessionRecord {
    const now = this.now();
    const sessionId = newId('ses');
    this.db.transaction(() => {
      this.db.prepare('UPDATE sessions SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL').run(now, lane.sessionId);
      this.insertSession(sessionId, lane.laneKey, now, '', reason, lane.sessionId);
      // A fresh start is a clean slate: no suspension, no resume mark, no failure streak (L16, L25).
      this.db
        .prepare(
          `UPDATE lanes SET session_id = ?, updated_at = ?, suspended = 0, resume_pending = 0, resume_reason = NULL,
             last_resume_marked_at = NULL, restart_failure_count = 0, auto_resumed_turn_id = NULL WHERE lane_key = ?`,
        )
        .run(sessionId, now, lane.laneKey);
    })();
    return this.getSession(sessionId)!;
  }

  /** Points the lane back at one of its earlier sessions (L24 /resume, L25 restore). */
  restoreSession(laneKey: string, sessionId: string): boolean {
    const lane = this.getLane(laneKey);
    const session = this.getSession(sessionId);
    if (!lane || !session || session.laneKey !== laneKey) return false;
    if (lane.sessionId === sessionId) return true;
    const now = this.now();
    this.db.transaction(() => {
      this.db.prepare('UPDATE sessions SET ended_at = ? WHERE session_id = ? AND ended_at IS NULL').run(now, lane.sessionId);
      this.db.prepare('UPDATE sessions SET ended_at = NULL WHERE session_id = ?').run(sessionId);
      this.db
        .prepare(
          `UPDATE lanes SET session_id = ?, updated_at = ?, title = ?, suspended = 0, resume_pending = 0, resume_reason = NULL,
             last_resume_marked_at = NULL, restart_failure_count = 0, auto_resumed_turn_id = NULL WHERE lane_key = ?`,
        )
        .run(sessionId, now, session.title || lane.title, laneKey);
    })();
    return true;
  }

  /**
   * Lanes whose title or any message (user or assistant, any session of the lane) matches every
   * word of the query, best first: title matches before message matches, then by relevance.
   */
  searchLanes(query: string, limit = 50): LaneSearchHit[] {
    const match = ftsQuery(query);
    if (match === null) return [];
    const titleHits = this.db
      .prepare('SELECT lane_key, title FROM lane_title_fts WHERE lane_title_fts MATCH ? ORDER BY rank LIMIT ?')
      .all(match, limit) as Array<{ lane_key: string; title: string }>;
    // Many messages of one lane may match; read enough rows to fill `limit` distinct lanes in most cases.
    const messageHits = this.db
      .prepare("SELECT lane_key, snippet(message_fts, 2, '', '', '…', 16) AS snip FROM message_fts WHERE message_fts MATCH ? ORDER BY rank LIMIT ?")
      .all(match, limit * 10) as Array<{ lane_key: string; snip: string }>;
    const hits = new Map<string, LaneSearchHit>();
    for (const hit of titleHits) hits.set(hit.lane_key, { laneKey: hit.lane_key, title: hit.title, snippet: hit.title });
    for (const hit of messageHits) {
      const known = hits.get(hit.lane_key);
      if (known) {
        if (known.snippet === known.title) known.snippet = hit.snip;
        continue;
      }
      if (hits.size >= limit) continue;
      const lane = this.getLane(hit.lane_key);
      if (lane) hits.set(hit.lane_key, { laneKey: hit.lane_key, title: lane.title, snippet: hit.snip });
    }
    return [...hits.values()].slice(0, limit);
  }

  getSession(sessionId: string): SessionRecord | null {
    const row = this.db.prepare('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as Record<string, unknown> | undefined;
    return row ? sessionFromRow(row) : null;
  }

  /** Newest first. */
  listSessions(laneKey: string): SessionRecord[] {
    const rows = this.db.prepare('SELECT * FROM sessions WHERE lane_key = ? ORDER BY created_at DESC, session_id DESC').all(laneKey);
    return (rows as Array<Record<string, unknown>>).map(sessionFromRow);
  }

  setTitle(laneKey: string, title: string): boolean {
    const lane = this.getLane(laneKey);
    if (!lane) return false;
    this.db.transaction(() => {
      this.db.prepare('UPDATE lanes SET title = ?, updated_at = ? WHERE lane_key = ?').run(title, this.now(), laneKey);
      this.db.prepare('UPDATE sessions SET title = ? WHERE session_id = ?').run(title, lane.sessionId);
    })();
    return true;
  }

  // ── resume marks (L3, L4, L6) ────────────────────────────────────────────────────────────

  /** L3: unknown or suspended lane → false and unchanged; otherwise marks (or refreshes) it. */
  markResumePending(laneKey: string, reason: ResumeReason = 'restart_timeout'): boolean {
    return this.markManyResumePending([laneKey], reason).length === 1;
  }

  /** L3/L9: marks every eligible lane in one transaction; returns the lanes it marked. */
  markManyResumePending(laneKeys: readonly string[], reason: ResumeReason): string[] {
    const now = this.now();
    const mark = this.db.prepare(
      `UPDATE lanes SET resume_pending = 1, resume_reason = ?, last_resume_marked_at = ?, updated_at = ?
        WHERE lane_key = ? AND suspended = 0`,
    );
    const unique = [...new Set(laneKeys)];
    return this.db.transaction(() => unique.filter((key) => mark.run(reason, now, now, key).changes === 1))();
  }

  /** L4: false without writing when the lane is unknown or not pending. */
  clearResumePending(laneKey: string): boolean {
    const result = this.db
      .prepare(
        `UPDATE lanes SET resume_pending = 0, resume_reason = NULL, last_resume_marked_at = NULL, auto_resumed_turn_id = NULL
          WHERE lane_key = ? AND resume_pending = 1`,
      )
      .run(laneKey);
    return result.changes === 1;
  }

  /** Puts back the mark state a lane had before a drain's write-ahead (a turn that failed during the wait). */
  restoreMark(laneKey: string, previous: Pick<LaneRecord, 'resumePending' | 'resumeReason' | 'lastResumeMarkedAt'>): void {
    this.db
      .prepare('UPDATE lanes SET resume_pending = ?, resume_reason = ?, last_resume_marked_at = ? WHERE lane_key = ?')
      .run(previous.resumePending ? 1 : 0, previous.resumeReason, previous.lastResumeMarkedAt, laneKey);
  }

  /** L6: the lane's next access starts a fresh session. */
  suspend(laneKey: string): boolean {
    return this.db.prepare('UPDATE lanes SET suspended = 1, updated_at = ? WHERE lane_key = ?').run(this.now(), laneKey).changes === 1;
  }

  /** L16: suspends every lane whose failure streak reached the threshold; returns them. */
  suspendStuckLanes(threshold: number): string[] {
    const stuck = this.db
      .prepare('SELECT lane_key FROM lanes WHERE restart_failure_count >= ? AND suspended = 0 ORDER BY lane_key')
      .all(threshold) as Array<{ lane_key: string }>;
    const now = this.now();
    const suspend = this.db.prepare('UPDATE lanes SET suspended = 1, updated_at = ? WHERE lane_key = ?');
    this.db.transaction(() => stuck.forEach((row) => suspend.run(now, row.lane_key)))();
    return stuck.map((row) => row.lane_key);
  }

  noteAutoResumed(laneKey: string, interruptedTurnId: string): void {
    this.db.prepare('UPDATE lanes SET auto_resumed_turn_id = ? WHERE lane_key = ?').run(interruptedTurnId, laneKey);
  }

  /** Adds a model call's token usage to the lane's totals and, when given, to its turn. */
  addUsage(laneKey: string, usage: { inputTokens: number; outputTokens: number }, turnId?: string): void {
    const input = Math.max(0, Math.trunc(usage.inputTokens) || 0);
    const output = Math.max(0, Math.trunc(usage.outputTokens) || 0);
    this.db.transaction(() => {
      this.db.prepare('UPDATE lanes SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ? WHERE lane_key = ?').run(input, output, laneKey);
      if (turnId) this.db.prepare('UPDATE turns SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ? WHERE turn_id = ?').run(input, output, turnId);
    })();
  }

  // ── events (L26) ─────────────────────────────────────────────────────────────────────────

  appendEvent(sessionId: string, turnId: string | null, event: TurnEvent): StoredEvent {
    const createdAt = this.now();
    const seq = this.db.insert(
      'INSERT INTO events (session_id, turn_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)',
      sessionId,
      turnId,
      event.kind,
      JSON.stringify(event.payload),
      createdAt,
    );
    return { ...event, seq, sessionId, turnId, createdAt } as StoredEvent;
  }

  /** Streaming text grows one row in place; the log stays one event per assistant message. */
  updateEventPayload(seq: number, event: TurnEvent): void {
    this.db.prepare('UPDATE events SET payload = ?, updated_at = ? WHERE seq = ? AND kind = ?').run(JSON.stringify(event.payload), this.now(), seq, event.kind);
  }

  /** The session's transcript in order. Rows this build cannot read are skipped, never fatal. */
  listEvents(sessionId: string, options: { afterSeq?: number } = {}): StoredEvent[] {
    const rows = this.db
      .prepare('SELECT * FROM events WHERE session_id = ? AND seq > ? ORDER BY seq')
      .all(sessionId, options.afterSeq ?? 0) as Array<Record<string, unknown>>;
    return rows.map(eventFromRow).filter((e): e is StoredEvent => e !== null);
  }

  countEvents(): number {
    return Number((this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
  }

  // ── turns and the turn journal (L15, L16, L22) ───────────────────────────────────────────

  /**
   * Starts a turn in one transaction: the queued input it consumes leaves the queue, the user's
   * message enters the transcript and the lane's journal points at the turn.
   */
  beginTurn(input: { laneKey: string; turnId: string; trigger: TurnTrigger; userText?: string; queuedInputId?: number; clientId?: string | null }): {
    sessionId: string;
    userEvent: StoredEvent | null;
  } {
    const now = this.now();
    return this.db.transaction(() => {
      const lane = this.getLane(input.laneKey);
      if (!lane) throw new Error(`Unknown conversation ${input.laneKey}`);
      if (lane.activeTurn) throw new Error(`Conversation ${input.laneKey} already has a running turn`);
      if (input.queuedInputId !== undefined) this.db.prepare('DELETE FROM queued_inputs WHERE id = ?').run(input.queuedInputId);
      const userEvent =
        input.userText !== undefined
          ? this.appendEvent(lane.sessionId, input.turnId, {
              kind: 'user_message',
              // The window that sent it recognises its own message by this id (L32).
              payload: { text: input.userText, ...(input.clientId ? { clientId: input.clientId } : {}) },
            })
          : null;
      this.db
        .prepare('INSERT INTO turns (turn_id, lane_key, session_id, trigger, started_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.turnId, input.laneKey, lane.sessionId, input.trigger, now);
      this.db
        .prepare('UPDATE lanes SET active_turn_id = ?, active_turn_started_at = ?, updated_at = ? WHERE lane_key = ?')
        .run(input.turnId, now, now, input.laneKey);
      return { sessionId: lane.sessionId, userEvent };
    })();
  }

  /**
   * Ends a turn in one transaction with its closing event. Only a completed turn clears the resume
   * mark and the failure streak (L22); an exit-interrupted one adds to the streak (L16).
   */
  endTurn(end: EndTurn): StoredEvent | null {
    const now = this.now();
    return this.db.transaction(() => {
      const turn = this.getTurn(end.turnId);
      if (!turn || turn.endedAt !== null) return null;
      const laneKey = turn.laneKey;
      let closing: StoredEvent | null = null;
      if (end.outcome === 'interrupted') {
        closing = this.appendEvent(turn.sessionId, end.turnId, {
          kind: 'interruption',
          payload: { cause: end.cause ?? 'stop', reason: end.reason ?? null },
        });
      } else if (end.outcome === 'failed') {
        closing = this.appendEvent(turn.sessionId, end.turnId, { kind: 'error', payload: { message: end.error ?? 'The turn failed.' } });
      }
      this.db.prepare('UPDATE turns SET ended_at = ?, outcome = ?, error = ? WHERE turn_id = ?').run(now, end.outcome, end.error ?? null, end.turnId);
      this.db
        .prepare('UPDATE lanes SET active_turn_id = NULL, active_turn_started_at = NULL, updated_at = ? WHERE lane_key = ? AND active_turn_id = ?')
        .run(now, laneKey, end.turnId);
      if (end.outcome === 'completed') {
        this.db
          .prepare(
            `UPDATE lanes SET resume_pending = 0, resume_reason = NULL, last_resume_marked_at = NULL,
               restart_failure_count = 0, auto_resumed_turn_id = NULL WHERE lane_key = ?`,
          )
          .run(laneKey);
      } else if (end.countsAsRestartFailure) {
        this.db.prepare('UPDATE lanes SET restart_failure_count = restart_failure_count + 1 WHERE lane_key = ?').run(laneKey);
      }
      return closing;
    })();
  }

  getTurn(turnId: string): TurnRecord | null {
    const row = this.db.prepare('SELECT * FROM turns WHERE turn_id = ?').get(turnId) as Record<string, unknown> | undefined;
    return row ? turnFromRow(row) : null;
  }

  /** A session's turns, oldest first. */
  listTurns(sessionId: string): TurnRecord[] {
    const rows = this.db.prepare('SELECT * FROM turns WHERE session_id = ? ORDER BY started_at, turn_id').all(sessionId) as Array<Record<string, unknown>>;
    return rows.map(turnFromRow);
  }

  /** The newest turn of a session, finished or not. */
  lastTurn(sessionId: string): TurnRecord | null {
    const row = this.db
      .prepare('SELECT * FROM turns WHERE session_id = ? ORDER BY started_at DESC, turn_id DESC LIMIT 1')
      .get(sessionId) as Record<string, unknown> | undefined;
    return row ? turnFromRow(row) : null;
  }

  /**
   * L15/L16 crash recovery: every lane whose journal still names a running turn lost that turn to
   * a crash or kill. Lanes the drain had already marked keep their reason; the others are marked
   * `crash`. Each counts one restart failure, and the turn is closed as interrupted. One transaction.
   */
  recoverOpenTurns(): RecoveredLane[] {
    const now = this.now();
    return this.db.transaction(() => {
      const open = this.listLanes().filter((lane) => lane.activeTurn !== null);
      const recovered: RecoveredLane[] = [];
      for (const lane of open) {
        const turnId = lane.activeTurn!.turnId;
        // Only a mark written while this turn ran (a drain's write-ahead) explains its end; an older
        // mark belongs to an earlier interruption, so this one was a crash (L15, L19).
        const markedDuringTurn = lane.lastResumeMarkedAt !== null && lane.lastResumeMarkedAt >= lane.activeTurn!.startedAt;
        const keepsDrainMark = lane.resumePending && lane.resumeReason !== null && markedDuringTurn;
        const reason = keepsDrainMark ? lane.resumeReason! : 'crash';
        // A suspended lane is never marked (L3); it still gets its journal closed and counted.
        if (!keepsDrainMark && !lane.suspended) {
          // Re-marking refreshes reason and time (L3). The time is the last evidence the turn was
          // alive, not this launch: the note's "N minutes ago" and the freshness limit stay true
          // after a long downtime (L15, L19, L21).
          this.db
            .prepare("UPDATE lanes SET resume_pending = 1, resume_reason = 'crash', last_resume_marked_at = ? WHERE lane_key = ?")
            .run(this.lastSignOfLife(turnId, lane.activeTurn!.startedAt, now), lane.laneKey);
        }
        const turn = this.getTurn(turnId);
        if (turn && turn.endedAt === null) {
          this.appendEvent(turn.sessionId, turnId, { kind: 'interruption', payload: { cause: 'crash', reason } });
          this.db.prepare("UPDATE turns SET ended_at = ?, outcome = 'interrupted' WHERE turn_id = ?").run(now, turnId);
        }
        this.db
          .prepare(
            `UPDATE lanes SET active_turn_id = NULL, active_turn_started_at = NULL,
               restart_failure_count = restart_failure_count + 1 WHERE lane_key = ?`,
          )
          .run(lane.laneKey);
        recovered.push({ laneKey: lane.laneKey, turnId, reason, restartFailureCount: lane.restartFailureCount + 1 });
      }
      return recovered;
    })();
  }

  /** The newest write a turn made (an event or a streamed flush), else its start; never after `now`. */
  private lastSignOfLife(turnId: string, startedAt: number, now: number): number {
    const row = this.db.prepare('SELECT max(coalesce(updated_at, created_at)) AS seen FROM events WHERE turn_id = ?').get(turnId) as { seen: number | null };
    return Math.min(now, Math.max(startedAt, Number(row.seen ?? startedAt)));
  }

  // ── queued input (L7, L23) ───────────────────────────────────────────────────────────────

  /**
   * Stores a message as the lane's queued input. With a client id, the answer the window gets is
   * recorded in the same transaction, so a resend of the same message is recognised (L32).
   */
  enqueueInput(
    laneKey: string,
    text: string,
    options: { duringDrain?: boolean; clientId?: string; answer?: { status: string; message: string } } = {},
  ): QueuedInput {
    const now = this.now();
    const clientId = options.clientId ?? null;
    return this.db.transaction(() => {
      const id = this.db.insert(
        'INSERT INTO queued_inputs (lane_key, text, created_at, during_drain, client_id) VALUES (?, ?, ?, ?, ?)',
        laneKey,
        text,
        now,
        options.duringDrain ? 1 : 0,
        clientId,
      );
      if (clientId !== null) this.recordClientMessage(clientId, laneKey, options.answer ?? { status: 'queued', message: '' });
      return { id, laneKey, text, createdAt: now, duringDrain: Boolean(options.duringDrain), clientId };
    })();
  }

  /** L32: remembers what a window was told for its message id (commands record it after running). */
  recordClientMessage(clientId: string, laneKey: string, answer: { status: string; message: string }): void {
    this.db
      .prepare('INSERT INTO client_messages (client_id, lane_key, status, message, received_at) VALUES (?, ?, ?, ?, ?)')
      .run(clientId, laneKey, answer.status, answer.message, this.now());
  }

  clientMessage(clientId: string): ClientMessageRecord | null {
    const row = this.db.prepare('SELECT * FROM client_messages WHERE client_id = ?').get(clientId) as Record<string, unknown> | undefined;
    if (!row) return null;
    return {
      clientId: String(row.client_id),
      laneKey: String(row.lane_key),
      status: String(row.status),
      message: String(row.message),
      receivedAt: Number(row.received_at),
    };
  }

  /** Oldest first; all lanes when no lane is named. */
  listQueuedInputs(laneKey?: string): QueuedInput[] {
    const rows = (
      laneKey === undefined
        ? this.db.prepare('SELECT * FROM queued_inputs ORDER BY id').all()
        : this.db.prepare('SELECT * FROM queued_inputs WHERE lane_key = ? ORDER BY id').all(laneKey)
    ) as Array<Record<string, unknown>>;
    return rows.map(queuedInputFromRow);
  }

  /** The lane's oldest queued input, without reading the others. */
  nextQueuedInput(laneKey: string): QueuedInput | null {
    const row = this.db.prepare('SELECT * FROM queued_inputs WHERE lane_key = ? ORDER BY id LIMIT 1').get(laneKey) as Record<string, unknown> | undefined;
    return row ? queuedInputFromRow(row) : null;
  }

  /** Lanes with queued input, in the order of their oldest message (L17), without reading texts. */
  lanesWithQueuedInput(): string[] {
    const rows = this.db.prepare('SELECT lane_key FROM queued_inputs GROUP BY lane_key ORDER BY min(id)').all() as Array<{ lane_key: string }>;
    return rows.map((row) => row.lane_key);
  }

  /** How many inputs wait in a lane, without reading their texts (up to 200,000 characters each). */
  countQueuedInputs(laneKey: string): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM queued_inputs WHERE lane_key = ?').get(laneKey) as { n: number };
    return Number(row.n);
  }

  removeQueuedInput(id: number): boolean {
    return this.db.prepare('DELETE FROM queued_inputs WHERE id = ?').run(id).changes === 1;
  }
}
