/**
 * L12/L14: a small file that exists only after a drain that did not time out. Startup consumes
 * it; its absence means the last run crashed, was killed, or had to interrupt turns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_REASONS, type ExitReason } from '../../../shared/lifecycle.ts';

export const CLEAN_EXIT_FILE = 'clean-exit.json';

export interface CleanExitRecord {
  reason: ExitReason;
  at: number;
  version: string;
}

export class CleanExitMarker {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, CLEAN_EXIT_FILE);
  }

  /** Written atomically and synced, so a marker on disk is always whole. */
  write(record: CleanExitRecord): void {
    const partial = `${this.file}.partial`;
    const fd = fs.openSync(partial, 'w');
    try {
      fs.writeFileSync(fd, JSON.stringify(record));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(partial, this.file);
  }

  /** Reads and removes the marker. A damaged marker counts as absent: the exit was not provably clean. */
  consume(): CleanExitRecord | null {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
    fs.rmSync(this.file, { force: true });
    try {
      const parsed = JSON.parse(text) as Partial<CleanExitRecord>;
      if (typeof parsed.reason === 'string' && (EXIT_REASONS as readonly string[]).includes(parsed.reason) && typeof parsed.at === 'number') {
        return { reason: parsed.reason as ExitReason, at: parsed.at, version: typeof parsed.version === 'string' ? parsed.version : 'unknown' };
      }
    } catch {
      // fall through: treated as absent
    }
    return null;
  }

  exists(): boolean {
    return fs.existsSync(this.file);
  }
}
