/**
 * Rolling online backups through SQLite's backup API (R2): one before every migration and at
 * least one per day of use. A backup is written under a temporary name and renamed, so a backup
 * that appears in the folder is always complete.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';

export interface BackupInfo {
  file: string;
  createdAt: number;
  label: string;
}

/** What made a backup (issue 11, Settings → Backups): the label, without the migration's number. */
export type BackupKind = 'daily' | 'pre-update' | 'pre-migration' | 'manual' | 'pre-restore' | 'other';

export function backupKind(label: string): BackupKind {
  if (label.startsWith('pre-migration')) return 'pre-migration';
  if (label === 'daily' || label === 'pre-update' || label === 'manual' || label === 'pre-restore') return label;
  return 'other';
}

/** A backup as Settings lists it: its file name (its id), kind, size in bytes and time. */
export interface BackupEntry {
  name: string;
  kind: BackupKind;
  label: string;
  size: number;
  createdAt: number;
}

const NAME = /^baton-(\d{8}T\d{9}Z)-([a-z0-9-]+)\.db$/;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

function parseStamp(text: string): number {
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13, 15)}.${text.slice(15, 18)}Z`;
  return Date.parse(iso);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export class BackupManager {
  readonly dir: string;
  private readonly keep: number;

  constructor(dir: string, options: { keep?: number } = {}) {
    this.dir = dir;
    this.keep = options.keep ?? 10;
  }

  /** Newest first. */
  list(): BackupInfo[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const found: BackupInfo[] = [];
    for (const name of names) {
      const match = NAME.exec(name);
      if (match) found.push({ file: path.join(this.dir, name), createdAt: parseStamp(match[1]!), label: match[2]! });
    }
    return found.sort((a, b) => b.createdAt - a.createdAt || b.file.localeCompare(a.file));
  }

  /** Newest first, with sizes; a file that vanished meanwhile is left out. */
  entries(): BackupEntry[] {
    const out: BackupEntry[] = [];
    for (const info of this.list()) {
      try {
        out.push({ name: path.basename(info.file), kind: backupKind(info.label), label: info.label, size: fs.statSync(info.file).size, createdAt: info.createdAt });
      } catch {
        // Pruned or removed between the listing and the stat.
      }
    }
    return out;
  }

  /** The backup called `name` (a file name as `entries()` gives it, never a path), or null. */
  find(name: string): BackupInfo | null {
    if (name !== path.basename(name) || !NAME.test(name)) return null;
    return this.list().find((info) => path.basename(info.file) === name) ?? null;
  }

  /** The path a backup taken now with `label` would have. */
  pathFor(label: string, now: number): string {
    return path.join(this.dir, `baton-${stamp(now)}-${label}.db`);
  }

  newest(): string | null {
    return this.list()[0]?.file ?? null;
  }

  /**
   * `prune: false` keeps every backup for now: the restore step (restore-pending.ts) backs up the
   * current store while the backup it is about to install may be the oldest one, and prunes after.
   */
  async take(db: Database, label: string, now: number = Date.now(), options: { prune?: boolean } = {}): Promise<string> {
    fs.mkdirSync(this.dir, { recursive: true });
    const target = this.pathFor(label, now);
    const partial = `${target}.partial`;
    fs.rmSync(partial, { force: true });
    await db.backup(partial);
    fs.renameSync(partial, target);
    if (options.prune !== false) this.prune();
    return target;
  }

  /** Takes the daily backup when the newest one is older than a day (or there is none). */
  async takeIfDue(db: Database, now: number = Date.now()): Promise<string | null> {
    const newest = this.list()[0];
    if (newest && now - newest.createdAt < DAY_MS) return null;
    return this.take(db, 'daily', now);
  }

  /** Keeps the newest `keep` backups. */
  prune(): void {
    for (const old of this.list().slice(this.keep)) fs.rmSync(old.file, { force: true });
  }
}
