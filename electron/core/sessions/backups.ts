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

  newest(): string | null {
    return this.list()[0]?.file ?? null;
  }

  async take(db: Database, label: string, now: number = Date.now()): Promise<string> {
    fs.mkdirSync(this.dir, { recursive: true });
    const target = path.join(this.dir, `baton-${stamp(now)}-${label}.db`);
    const partial = `${target}.partial`;
    fs.rmSync(partial, { force: true });
    await db.backup(partial);
    fs.renameSync(partial, target);
    this.prune();
    return target;
  }

  /** Takes the daily backup when the newest one is older than a day (or there is none). */
  async takeIfDue(db: Database, now: number = Date.now()): Promise<string | null> {
    const newest = this.list()[0];
    if (newest && now - newest.createdAt < DAY_MS) return null;
    return this.take(db, 'daily', now);
  }

  private prune(): void {
    for (const old of this.list().slice(this.keep)) fs.rmSync(old.file, { force: true });
  }
}
