/**
 * Test helpers for the session store: real SQLite files in throw-away data directories. Every
 * store and directory a test makes is closed and removed after it, whether it passed or not.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { afterEach } from 'vitest';
import { SessionStore, STORE_FILE, type OpenStoreOptions } from '../../electron/core/sessions/store.ts';

/** A clock the test moves by hand, so times in the store are exact. */
export interface FakeClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): number;
}

export const START = Date.UTC(2025, 0, 15, 12, 0, 0);

export function fakeClock(start: number = START): FakeClock {
  let current = start;
  return {
    now: () => current,
    set(ms) {
      current = ms;
    },
    advance(ms) {
      current += ms;
      return current;
    },
  };
}

export interface TempStores {
  /** A new, empty data directory. */
  dataDir(): string;
  /** Opens the store in `dataDir`; it is closed after the test even if the test forgets. */
  open(dataDir: string, options?: Omit<OpenStoreOptions, 'dataDir'>): Promise<SessionStore>;
  /** A store in a new data directory on a clock the test moves: the usual start of a store test. */
  openWithClock(): Promise<{ dir: string; clock: FakeClock; store: SessionStore }>;
}

/** Registers the cleanup hooks; call once at the top of a `describe` or file. */
export function useTempStores(): TempStores {
  const dirs: string[] = [];
  const stores: SessionStore[] = [];

  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  return {
    dataDir() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-store-test-'));
      dirs.push(dir);
      return dir;
    },
    async open(dataDir, options = {}) {
      const store = await SessionStore.open({ dataDir, ...options });
      stores.push(store);
      return store;
    },
    async openWithClock() {
      const dir = this.dataDir();
      const clock = fakeClock();
      return { dir, clock, store: await this.open(dir, { now: clock.now }) };
    },
  };
}

export function storeFile(dataDir: string): string {
  return path.join(dataDir, STORE_FILE);
}

/**
 * Runs `fn` on a plain better-sqlite3 connection to the store file, the way an older build or a
 * hand edit would. The store must be closed: it holds the file's lock while open.
 */
export function withRawDb<T>(dataDir: string, fn: (db: Db) => T): T {
  const db = new Database(storeFile(dataDir));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Reads any database file (a backup, say) without writing to it. */
export function withDbFile<T>(file: string, fn: (db: Db) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
