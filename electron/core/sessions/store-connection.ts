/**
 * The one SQLite connection of the store, with the two rules every statement must obey (L2, R2):
 *
 * - A write that did not reach the disk throws. Nothing here answers a write with a row that was
 *   never committed: better-sqlite3 runs `INSERT … RETURNING` through `.get()`, and in autocommit
 *   mode SQLite commits such a statement only when it is reset, so a SQLITE_FULL of that commit
 *   never reaches the caller (a full disk "stored" 40 of 40 messages and kept none). Inserts that
 *   need their id therefore use `insert()` (`.run()` + lastInsertRowid), whose commit is checked,
 *   and RETURNING is refused outright. A full disk becomes a StoreFullError, a failed write a
 *   StoreIoError: both are clear, and the store stays usable once space is back.
 * - A file found damaged is never touched again. The first SQLITE_CORRUPT / SQLITE_NOTADB, at any
 *   read or write, puts the connection in the damaged state: every later call throws the same
 *   StoreCorruptError (naming the file and the newest backup) without running SQL, and the
 *   connection is never closed, because closing a WAL connection checkpoints into the main file.
 *   The kernel drops the handle and its lock when the process exits.
 *
 * Statements are prepared once per SQL text and reused, checked wrapper and all.
 */
import type { Database, Statement } from 'better-sqlite3';
import { StoreClosedError, StoreCorruptError, StoreFullError, StoreIoError } from './store-errors.ts';

type Params = unknown[];

function sqliteCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
}

export function isCorruption(error: unknown): boolean {
  const code = sqliteCode(error);
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

export function isBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

function isFull(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_FULL';
}

function isIo(error: unknown): boolean {
  const code = sqliteCode(error);
  return code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_');
}

/** Errors this module already translated pass through enclosing guards unchanged. */
function isTranslated(error: unknown): boolean {
  return error instanceof StoreCorruptError || error instanceof StoreFullError || error instanceof StoreIoError || error instanceof StoreClosedError;
}

export interface CheckedStatement {
  run(...params: Params): { changes: number; lastInsertRowid: number | bigint };
  get(...params: Params): unknown;
  all(...params: Params): unknown[];
}

export class StoreConnection {
  readonly file: string;
  private readonly db: Database;
  private readonly newestBackup: () => string | null;
  private readonly statements = new Map<string, CheckedStatement>();
  private damage: StoreCorruptError | null = null;
  private readonly damageListeners = new Set<(error: StoreCorruptError) => void>();
  private closed = false;
  private statementCount = 0;

  constructor(db: Database, file: string, newestBackup: () => string | null) {
    this.db = db;
    this.file = file;
    this.newestBackup = newestBackup;
  }

  /** Statements run so far (each run, get or all): lets a test prove how many queries an operation costs. */
  get statementsRun(): number {
    return this.statementCount;
  }

  /** The SQL of every statement compiled so far: lets a test check the query plans an operation uses. */
  get statementsCompiled(): string[] {
    return [...this.statements.keys()];
  }

  /** The damage found so far, or null while the file is believed sound. */
  get damaged(): StoreCorruptError | null {
    return this.damage;
  }

  /** Called once, when damage is first found. */
  onDamaged(listener: (error: StoreCorruptError) => void): () => void {
    this.damageListeners.add(listener);
    return () => void this.damageListeners.delete(listener);
  }

  /**
   * Puts the connection in the damaged state (once; later calls return the first damage). For
   * damage found outside a statement too, e.g. by the background integrity check.
   */
  reportDamage(detail: string): StoreCorruptError {
    if (!this.damage) {
      this.damage = new StoreCorruptError(this.file, detail, this.newestBackup(), { foundWhileRunning: true });
      for (const listener of this.damageListeners) {
        try {
          listener(this.damage);
        } catch {
          // A listener's failure must not hide the damage from the caller.
        }
      }
    }
    return this.damage;
  }

  /** Runs `work` against the raw connection with the store's fault rules. */
  guard<T>(work: (db: Database) => T): T {
    if (this.damage) throw this.damage;
    if (this.closed) throw new StoreClosedError();
    try {
      return work(this.db);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** As `guard`, for the asynchronous online backup. */
  async guardAsync<T>(work: (db: Database) => Promise<T>): Promise<T> {
    if (this.damage) throw this.damage;
    if (this.closed) throw new StoreClosedError();
    try {
      return await work(this.db);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** The statement for `sql`, compiled and checked at its first use, then the same object every time. */
  prepare(sql: string): CheckedStatement {
    const cached = this.statements.get(sql);
    if (cached) return cached;
    if (/\bRETURNING\b/i.test(sql)) {
      // See the header: a RETURNING row can be handed out for a commit that then fails.
      throw new Error('RETURNING is not allowed in the store; use insert() so the commit is checked.');
    }
    const statement: Statement = this.guard((db) => db.prepare(sql));
    // Every use still goes through the guard: a store found damaged or closed later refuses it.
    const counted = <T>(use: () => T): T =>
      this.guard(() => {
        this.statementCount++;
        return use();
      });
    const checked: CheckedStatement = {
      run: (...params) => counted(() => statement.run(...params)),
      get: (...params) => counted(() => statement.get(...params)),
      all: (...params) => counted(() => statement.all(...params)),
    };
    this.statements.set(sql, checked);
    return checked;
  }

  /** Inserts one row and returns its rowid once the write is committed (or inside the caller's transaction). */
  insert(sql: string, ...params: Params): number {
    return Number(this.prepare(sql).run(...params).lastInsertRowid);
  }

  /** A function that runs `work` in one transaction (nested calls become savepoints). */
  transaction<A extends unknown[], R>(work: (...args: A) => R): (...args: A) => R {
    const wrapped = this.db.transaction(work);
    return (...args: A) => this.guard(() => wrapped(...args));
  }

  exec(sql: string): void {
    this.guard(() => this.db.exec(sql));
  }

  pragma(source: string, options?: { simple?: boolean }): unknown {
    return this.guard(() => this.db.pragma(source, options));
  }

  /** Closes a sound connection; a damaged one is left to the process exit (see the header). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    if (!this.damage) this.db.close();
  }

  private translate(error: unknown): unknown {
    if (isTranslated(error)) return error;
    if (isCorruption(error)) return this.reportDamage((error as Error).message);
    if (isFull(error)) return new StoreFullError(this.file);
    if (isIo(error)) return new StoreIoError(this.file, (error as Error).message);
    return error;
  }
}
