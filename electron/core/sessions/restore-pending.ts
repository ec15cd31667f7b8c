/**
 * Restoring a backup (issue 11, SPEC L36, R2). Settings → Backups → Restore writes a
 * restore-pending file in the data dir and restarts Baton through the drain (exit reason
 * `restore`); on the next start, BEFORE the store is opened, `applyPendingRestore` swaps it:
 *
 *   1. the chosen backup is copied beside the store (`baton.db.restoring`) and that copy is checked
 *      (opens, a Baton schema this build reads, `quick_check` clean). A damaged, missing or too-new
 *      backup is refused: the current store is kept untouched and the refusal is reported (R2);
 *   2. the current store, as the drain left it (its write-ahead marks included, L9), is backed up
 *      through SQLite's backup API (`pre-restore`), so the restore itself loses nothing and can be
 *      undone from the same list. A store SQLite cannot read is moved aside whole instead (never
 *      deleted, never written: R2);
 *   3. the store's WAL and shared-memory files are removed (a WAL left beside another file would be
 *      replayed into it) and the checked copy is renamed over `baton.db`: one atomic step;
 *   4. the pending file is removed, then old backups are pruned.
 *
 * A crash before step 4 leaves the pending file: the next start does it again from step 1 (the
 * chosen backup is not pruned before the swap). The step takes the store's exclusive lock first, so
 * a second Baton on a data dir in use refuses to start (DataDirInUseError) instead of swapping a
 * store under a running one.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describeError } from '../../../shared/errors.ts';
import type { Log } from '../../../shared/log.ts';
import type { BackupManager } from './backups.ts';
import { syncDirectory } from './durable-files.ts';
import { LATEST_SCHEMA_VERSION } from './migrations.ts';
import { isBusy } from './store-connection.ts';
import { DataDirInUseError } from './store-errors.ts';

export const RESTORE_PENDING_FILE = 'restore-pending.json';
const STORE_FILE = 'baton.db';

export interface RestoreOutcome {
  outcome: 'restored' | 'refused';
  /** The chosen backup's file name. */
  backup: string;
  at: number;
  /** For the person: what happened, and for a refusal why and what was kept. */
  message: string;
  /** The backup of the store as it was before the restore (a file name), when one was taken. */
  preRestoreBackup: string | null;
}

function pendingPath(dataDir: string): string {
  return path.join(dataDir, RESTORE_PENDING_FILE);
}

/** Durably records that `backupName` replaces the store at the next start (L2: on disk before the drain starts). */
export function requestRestore(dataDir: string, backupName: string, now: number = Date.now()): void {
  const file = pendingPath(dataDir);
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify({ backup: backupName, requestedAt: now }));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(partial, file);
  syncDirectory(dataDir);
}

/** The backup a restore is pending for, or null. An unreadable pending file counts as none (and is reported by the start). */
export function pendingRestore(dataDir: string): string | null {
  try {
    const value = JSON.parse(fs.readFileSync(pendingPath(dataDir), 'utf8')) as { backup?: unknown };
    return typeof value.backup === 'string' ? value.backup : null;
  } catch {
    return null;
  }
}

/** Null when the copy is a sound Baton store this build can open, else why not. */
function checkCopy(file: string): string | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { fileMustExist: true });
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version < 1) return 'it is not a Baton store';
    if (version > LATEST_SCHEMA_VERSION) return `it was written by a newer Baton (schema ${version}; this one reads up to ${LATEST_SCHEMA_VERSION})`;
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    const problems = rows.map((row) => row.quick_check).filter((row) => row !== 'ok');
    if (problems.length > 0) return `it is damaged (${problems.slice(0, 3).join('; ')})`;
    // Leave the copy as a plain rollback-journal file: no WAL of its own travels with the rename.
    db.pragma('journal_mode = DELETE');
    return null;
  } catch (error) {
    return `it cannot be read (${describeError(error)})`;
  } finally {
    db?.close();
  }
}

function removeStoreFiles(file: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}

/**
 * Backs up the current store before it is replaced; returns the backup's path, or null when there
 * is no store. Throws DataDirInUseError when another Baton holds it.
 */
async function backUpCurrent(file: string, backups: BackupManager, now: number, log: Log): Promise<string | null> {
  if (!fs.existsSync(file)) return null;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { timeout: 100 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    // A damaged store is not copied into the rotation, where it could push a good backup out (R2).
    const problems = (db.pragma('quick_check') as Array<{ quick_check: string }>).filter((row) => row.quick_check !== 'ok');
    if (problems.length > 0) throw new Error(`the store is damaged (${problems.slice(0, 3).map((row) => row.quick_check).join('; ')})`);
    return await backups.take(db, 'pre-restore', now, { prune: false });
  } catch (error) {
    if (isBusy(error)) throw new DataDirInUseError(path.dirname(file));
    // R2: a store SQLite cannot read is never written and never deleted: it is moved aside whole.
    db?.close();
    db = null;
    const aside = backups.pathFor('pre-restore-unreadable', now).replace(/\.db$/, '');
    fs.mkdirSync(aside, { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) {
      if (fs.existsSync(`${file}${suffix}`)) fs.renameSync(`${file}${suffix}`, path.join(aside, `${STORE_FILE}${suffix}`));
    }
    log(`The current store was not copied into the backups (${describeError(error)}); it was moved aside whole to ${aside}.`);
    return null;
  } finally {
    db?.close();
  }
}

/** Runs a pending restore (see the header); null when none is pending. Call before the store opens. */
export async function applyPendingRestore(options: { dataDir: string; backups: BackupManager; log: Log; now?: () => number }): Promise<RestoreOutcome | null> {
  const { dataDir, backups, log } = options;
  const now = options.now ?? Date.now;
  if (!fs.existsSync(pendingPath(dataDir))) return null;
  const name = pendingRestore(dataDir);
  const file = path.join(dataDir, STORE_FILE);
  const staging = `${file}.restoring`;
  const refuse = (why: string): RestoreOutcome => {
    fs.rmSync(staging, { force: true });
    removeStoreFiles(staging);
    fs.rmSync(pendingPath(dataDir), { force: true });
    const message = `The backup ${name ?? '(unreadable request)'} was not restored: ${why}. The current conversations were kept unchanged.`;
    log(message);
    return { outcome: 'refused', backup: name ?? '', at: now(), message, preRestoreBackup: null };
  };
  if (name === null) return refuse('the restore request could not be read');
  const backup = backups.find(name);
  if (!backup) return refuse('it no longer exists');

  // 1. A checked copy beside the store.
  fs.rmSync(staging, { force: true });
  removeStoreFiles(staging);
  try {
    fs.copyFileSync(backup.file, staging);
  } catch (error) {
    return refuse(`it could not be copied (${describeError(error)})`);
  }
  const problem = checkCopy(staging);
  if (problem) return refuse(problem);

  // 2. The current store, as the drain left it.
  const preRestore = await backUpCurrent(file, backups, now(), log);

  // 3. Swap.
  removeStoreFiles(file);
  fs.renameSync(staging, file);
  removeStoreFiles(staging);
  syncDirectory(dataDir);

  // 4. Done.
  fs.rmSync(pendingPath(dataDir), { force: true });
  syncDirectory(dataDir);
  backups.prune();
  const message = `Restored the conversations from the backup ${name}.${preRestore ? ` The conversations as they were before are in the backup ${path.basename(preRestore)}.` : ''}`;
  log(message);
  return { outcome: 'restored', backup: name, at: now(), message, preRestoreBackup: preRestore ? path.basename(preRestore) : null };
}
