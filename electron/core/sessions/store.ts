/**
 * The durable session store (SPEC §2–§3): one SQLite file in the data directory, WAL mode,
 * synchronous=FULL so every change is on disk before the call that made it returns (L2).
 *
 * The connection uses EXCLUSIVE locking: the OS lock it holds is the single-writer lock for the
 * data directory, and the kernel releases it when the process dies, even by SIGKILL, so a crash
 * never leaves a stale lock behind.
 *
 * The store is a set of aggregates over that one checked connection (store-connection.ts), each
 * with its own statements: `lanes` (lanes and sessions), `transcript` (events and search),
 * `journal` (turns and the turn journal), `inputs` (queued input and client message ids) and
 * `marks` (the resume mark, the only writer of its columns). The methods below are the facade
 * the rest of the code has always called; each is one call into an aggregate.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import type { ResumeReason } from '../../../shared/lifecycle.ts';
import type { StoredEvent, TurnEvent } from '../../../shared/transcript.ts';
import { BackupManager } from './backups.ts';
import { refuseEmptyStoreWithBackups } from './empty-store-check.ts';
import { AttachmentBlobs } from './attachment-blobs.ts';
import { InputQueue, type ClientMessageRecord, type EnqueueOptions, type QueuedInput } from './input-queue.ts';
import type { LaneRecord } from './lane-record.ts';
import { Lanes, type LaneListView, type LaneSummary, type SessionAccess, type SessionRecord } from './lanes.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { ResumeMarks } from './resume-marks.ts';
import { isBusy, isCorruption, StoreConnection } from './store-connection.ts';
import { DataDirInUseError, StoreCorruptError, StoreTooNewError } from './store-errors.ts';
import { Transcript, type LaneSearchHit, type PageCursor, type TranscriptPage } from './transcript.ts';
import { TurnJournal, type BeginTurn, type EndTurn, type RecoveredLane, type TurnRecord } from './turn-journal.ts';
import { Trash } from './trash.ts';

export type { ClientMessageRecord, QueuedInput } from './input-queue.ts';
export type { LaneSummary, SessionAccess, SessionRecord } from './lanes.ts';
export type { MarkState, WriteAhead } from './resume-marks.ts';
export { ftsQuery, type LaneSearchHit, type PageCursor, type TranscriptPage } from './transcript.ts';
export type { BeginTurn, EndTurn, RecoveredLane, TurnOutcome, TurnRecord, TurnTrigger } from './turn-journal.ts';

export const STORE_FILE = 'baton.db';

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

export class SessionStore {
  readonly file: string;
  readonly backups: BackupManager;
  readonly marks: ResumeMarks;
  readonly lanes: Lanes;
  readonly transcript: Transcript;
  readonly inputs: InputQueue;
  readonly journal: TurnJournal;
  /** Issue 11: deleted conversations, restorable for 30 days. */
  readonly trash: Trash;
  /** Issue 11: image attachments, kept so a resume or retry sends them again. */
  readonly attachments: AttachmentBlobs;
  private readonly db: StoreConnection;
  private readonly now: () => number;

  private constructor(db: StoreConnection, file: string, backups: BackupManager, now: () => number) {
    this.db = db;
    this.file = file;
    this.backups = backups;
    this.now = now;
    this.marks = new ResumeMarks(db, now);
    this.lanes = new Lanes(db, now, this.marks);
    this.transcript = new Transcript(db, now, this.lanes);
    this.inputs = new InputQueue(db, now);
    this.journal = new TurnJournal(db, now, { lanes: this.lanes, transcript: this.transcript, inputs: this.inputs, marks: this.marks });
    this.trash = new Trash(db, now);
    this.attachments = new AttachmentBlobs(db, now);
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

  /**
   * Runs `work` in one transaction: its writes commit together, with one fsync, or not at all.
   * Writes inside it that open their own transaction become savepoints of this one.
   */
  inOneCommit<R>(work: () => R): R {
    return this.db.transaction(work)();
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

  /** Statements run on the connection so far: a probe for tests that count queries. */
  get statementsRun(): number {
    return this.db.statementsRun;
  }

  /** The SQL compiled on the connection so far: a probe for tests that check query plans. */
  get statementsCompiled(): string[] {
    return this.db.statementsCompiled;
  }

  // ── lanes and sessions ────────────────────────────────────────────────────────────────────

  getLane(laneKey: string): LaneRecord | null {
    return this.lanes.get(laneKey);
  }

  /** Most recently active first. */
  listLanes(): LaneRecord[] {
    return this.lanes.list();
  }

  /** Resume-pending lanes that are neither suspended nor in the trash, most recently active first, without reading the others. */
  listResumePendingLanes(): LaneRecord[] {
    return this.lanes.resumePending();
  }

  /** Every lane with its queued-input count, in one statement: pinned, then most recently active first (or the trash). */
  listLaneSummaries(view?: LaneListView): LaneSummary[] {
    return this.lanes.summaries(view);
  }

  /** Creates the lane with its first session when it does not exist yet. */
  ensureLane(laneKey: string, init: Parameters<Lanes['ensure']>[1] = {}): LaneRecord {
    return this.lanes.ensure(laneKey, init);
  }

  /** L5: suspended always wins; a resume-pending lane keeps its session and its flag. */
  getOrCreateSession(laneKey: string): SessionAccess {
    return this.lanes.getOrCreateSession(laneKey);
  }

  startNewSession(laneKey: string, reason: 'user' | 'suspended'): SessionRecord {
    return this.lanes.startNewSession(laneKey, reason);
  }

  restoreSession(laneKey: string, sessionId: string): boolean {
    return this.lanes.restoreSession(laneKey, sessionId);
  }

  getSession(sessionId: string): SessionRecord | null {
    return this.lanes.session(sessionId);
  }

  /** Newest first. */
  listSessions(laneKey: string): SessionRecord[] {
    return this.lanes.sessions(laneKey);
  }

  setTitle(laneKey: string, title: string): boolean {
    return this.lanes.setTitle(laneKey, title);
  }

  /** L6: the lane's next access starts a fresh session. */
  suspend(laneKey: string): boolean {
    return this.lanes.suspend(laneKey);
  }

  /** L16: suspends every lane whose failure streak reached the threshold; returns them. */
  suspendStuckLanes(threshold: number): string[] {
    return this.lanes.suspendStuck(threshold);
  }

  searchLanes(query: string, limit?: number): LaneSearchHit[] {
    return this.transcript.searchLanes(query, limit);
  }

  // ── resume marks (L3, L4): the SPEC's store operations, as transitions of ResumeMarks ───────

  /** L3: unknown or suspended lane → false and unchanged; otherwise marks (or refreshes) it. */
  markResumePending(laneKey: string, reason: ResumeReason = 'restart_timeout'): boolean {
    return this.marks.markAhead([laneKey], reason).marked.length === 1;
  }

  /** L3/L9: marks every eligible lane in one transaction; returns the lanes it marked. */
  markManyResumePending(laneKeys: readonly string[], reason: ResumeReason): string[] {
    return this.marks.markAhead(laneKeys, reason).marked;
  }

  /** L4: false without writing when the lane is unknown or not pending. */
  clearResumePending(laneKey: string): boolean {
    return this.marks.discard(laneKey);
  }

  // ── events (L26) ─────────────────────────────────────────────────────────────────────────

  appendEvent(sessionId: string, turnId: string | null, event: TurnEvent): StoredEvent {
    return this.transcript.append(sessionId, turnId, event);
  }

  updateEventPayload(seq: number, event: TurnEvent): void {
    this.transcript.updatePayload(seq, event);
  }

  listEvents(sessionId: string, options: { afterSeq?: number } = {}): StoredEvent[] {
    return this.transcript.list(sessionId, options);
  }

  /** Issue 13: one page of the session's transcript (newest, before, after or around a seq). */
  transcriptPage(sessionId: string, cursor: PageCursor): TranscriptPage {
    return this.transcript.page(sessionId, cursor);
  }

  countEvents(): number {
    return this.transcript.count();
  }

  // ── turns and the turn journal (L15, L16, L22) ───────────────────────────────────────────

  beginTurn(input: BeginTurn): { sessionId: string; userEvent: StoredEvent | null; branchEvent?: StoredEvent } {
    return this.journal.begin(input);
  }

  endTurn(end: EndTurn): StoredEvent | null {
    return this.journal.end(end);
  }

  addUsage(laneKey: string, usage: { inputTokens: number; outputTokens: number }, turnId?: string): void {
    this.journal.addUsage(laneKey, usage, turnId);
  }

  getTurn(turnId: string): TurnRecord | null {
    return this.journal.get(turnId);
  }

  listTurns(sessionId: string): TurnRecord[] {
    return this.journal.list(sessionId);
  }

  lastTurn(sessionId: string): TurnRecord | null {
    return this.journal.last(sessionId);
  }

  recoverOpenTurns(): RecoveredLane[] {
    return this.journal.recoverOpenTurns();
  }

  // ── queued input (L7, L23, L32) ──────────────────────────────────────────────────────────

  enqueueInput(laneKey: string, text: string, options: EnqueueOptions = {}): QueuedInput {
    return this.inputs.enqueue(laneKey, text, options);
  }

  recordClientMessage(clientId: string, laneKey: string, answer: { status: string; message: string }): void {
    this.inputs.recordClientMessage(clientId, laneKey, answer);
  }

  clientMessage(clientId: string): ClientMessageRecord | null {
    return this.inputs.clientMessage(clientId);
  }

  listQueuedInputs(laneKey?: string): QueuedInput[] {
    return this.inputs.list(laneKey);
  }

  nextQueuedInput(laneKey: string): QueuedInput | null {
    return this.inputs.next(laneKey);
  }

  lanesWithQueuedInput(): string[] {
    return this.inputs.lanesWithInput();
  }

  countQueuedInputs(laneKey: string): number {
    return this.inputs.count(laneKey);
  }

  removeQueuedInput(id: number): boolean {
    return this.inputs.remove(id);
  }
}
