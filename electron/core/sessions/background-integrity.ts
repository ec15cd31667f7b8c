/**
 * The integrity check after an unclean exit (L14, R2), off the path to ready (issue 13).
 *
 * `quick_check` reads the whole file: seconds for a big store. SQLite in WAL mode with
 * `synchronous=FULL` is consistent after a crash, so the check guards against damage from below
 * (disk, file system, other programs), and running it while Baton starts is enough, as long as
 * what it finds is handled as damage found by a statement is (R2): the store refuses every later
 * write, and the message names the file and the newest backup. Until the check has found the file
 * sound, nothing is done that would carry damage further:
 *
 * - no backup is taken (a damaged copy must never push a good backup out of the rotation);
 * - no clean-exit marker is written (`guardMarker`), so a quit before the check finishes leaves
 *   the next start to check again.
 *
 * How it reads the file while the store holds it (locking_mode=EXCLUSIVE, so no second connection
 * can share it): the store's WAL is checkpointed into the main file and automatic checkpoints are
 * paused, so the main file does not change while the check runs (new writes stay in the WAL). A
 * worker thread opens that file read-only with `immutable=1` (no locks, no WAL) through Node's own
 * `node:sqlite` and runs `quick_check` there, at the lowest CPU priority (Linux); the event loop
 * never waits for it. Where that cannot
 * run (no `node:sqlite`, or the worker fails), the check runs on the store's connection instead,
 * as before, only after ready.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CleanExitMarker } from '../lifecycle/clean-exit-marker.ts';
import type { SessionStore } from './store.ts';

export type IntegrityResult = 'sound' | 'damaged' | 'stopped';

export interface BackgroundIntegrityCheck {
  /** Settles once: 'sound', 'damaged' (already reported through the store: it refuses writes) or 'stopped'. */
  readonly result: Promise<IntegrityResult>;
  /** True once the file was found sound. */
  readonly verified: boolean;
  /** The clean-exit marker, refused (with a reason the drain logs) until the file was found sound. */
  guardMarker(marker: CleanExitMarker): CleanExitMarker;
  /** Ends the check (before the store closes: closing checkpoints into the file the worker reads). */
  stop(): void;
}

/** SQLite's default, restored once the check is over. */
const AUTO_CHECKPOINT_PAGES = 1000;

/** SQLITE_CORRUPT and SQLITE_NOTADB, whatever their extended code. */
const CORRUPTION_CODES = new Set([11, 26]);

/** What the worker runs (CommonJS, evaluated): one quick_check, one message back. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Linux: the lowest priority for this thread only (setpriority on a thread id), so on a busy
// machine the check yields the cores to Baton's own start and turns. Elsewhere it runs as is.
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(tid, 19);
} catch {}
let sqlite = null;
try {
  sqlite = require('node:sqlite');
} catch (error) {
  parentPort.postMessage({ unavailable: 'node:sqlite cannot be loaded here: ' + error.message });
}
if (sqlite) {
  try {
    const db = new sqlite.DatabaseSync(new URL(workerData.url), { readOnly: true });
    const rows = db.prepare('PRAGMA quick_check').all();
    db.close();
    parentPort.postMessage({ problems: rows.map((row) => String(row.quick_check)).filter((row) => row !== 'ok') });
  } catch (error) {
    parentPort.postMessage({ failed: error.message, errcode: typeof error.errcode === 'number' ? error.errcode : null });
  }
}
`;

type WorkerAnswer = { problems: string[] } | { unavailable: string } | { failed: string; errcode: number | null };

function describe(problems: readonly string[]): string {
  return problems.slice(0, 3).join('; ');
}

/** Starts the check; call right after the store is open, before anything else uses it. */
export function startBackgroundIntegrityCheck(store: SessionStore, log: (message: string) => void = console.warn): BackgroundIntegrityCheck {
  let verified = false;
  let stopped = false;
  let worker: Worker | null = null;
  let settle!: (result: IntegrityResult) => void;
  const result = new Promise<IntegrityResult>((resolve) => (settle = resolve));

  const began = performance.now();
  const finish = (outcome: IntegrityResult): void => {
    if (outcome === 'sound') {
      verified = true;
      log(`The conversation store passed its integrity check after the unclean exit (${Math.round(performance.now() - began)} ms, in the background).`);
      try {
        store.withConnection((db) => db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`));
      } catch {
        // Damage found by a write meanwhile is already reported by the store.
      }
    }
    settle(outcome);
  };

  const damaged = (detail: string): void => {
    store.reportDamage(detail);
    finish('damaged');
  };

  /** The fallback: the same check on the store's own connection (it blocks, but after ready). */
  const checkOnConnection = (why: string): void => {
    if (stopped) return;
    log(`The integrity check runs on the main thread: ${why}.`);
    let problems: string | null;
    try {
      problems = store.integrityProblems();
    } catch (error) {
      if (store.damaged) return finish('damaged');
      log(`The integrity check could not run: ${(error as Error).message}. The next start checks again.`);
      return finish('stopped');
    }
    if (problems === null) finish('sound');
    else damaged(problems);
  };

  try {
    // The main file must hold every committed page, and keep still while the worker reads it.
    store.withConnection((db) => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('wal_autocheckpoint = 0');
    });
  } catch (error) {
    // The store translated the error; damage (if that is what it was) is already reported.
    if (store.damaged) finish('damaged');
    else {
      log(`The integrity check could not start: ${(error as Error).message}. The next start checks again.`);
      finish('stopped');
    }
    return handle();
  }

  const url = pathToFileURL(store.file);
  url.search = '?immutable=1';
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url: url.href } });
  } catch (error) {
    setImmediate(() => checkOnConnection(`no worker thread (${(error as Error).message})`));
    return handle();
  }
  // Never what keeps the process alive: an exit ends the check, and the next start checks again.
  worker.unref();
  let answered = false;
  worker.on('message', (answer: WorkerAnswer) => {
    answered = true;
    if (stopped) return;
    if ('problems' in answer) {
      if (answer.problems.length === 0) finish('sound');
      else damaged(describe(answer.problems));
    } else if ('failed' in answer && answer.errcode !== null && CORRUPTION_CODES.has(answer.errcode & 0xff)) {
      damaged(answer.failed);
    } else {
      checkOnConnection('unavailable' in answer ? answer.unavailable : `the worker could not read the file (${answer.failed})`);
    }
    void worker?.terminate();
  });
  worker.on('error', (error) => {
    if (!stopped && !answered) checkOnConnection(`the worker failed (${error.message})`);
  });
  return handle();

  function handle(): BackgroundIntegrityCheck {
    return {
      result,
      get verified() {
        return verified;
      },
      guardMarker(marker) {
        const guarded: CleanExitMarker = {
          file: marker.file,
          write(record) {
            if (!verified) {
              throw new Error('the integrity check after the last unclean exit has not found the store sound, so the next start checks it again');
            }
            marker.write(record);
          },
          consume: () => marker.consume(),
          exists: () => marker.exists(),
        };
        return guarded;
      },
      stop() {
        if (stopped) return;
        stopped = true;
        void worker?.terminate();
        settle('stopped');
      },
    };
  }
}
