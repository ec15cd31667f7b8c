/**
 * R2: a 0-byte `baton.db` next to backups is a store that lost its contents (truncated by a tool,
 * a failed copy or sync, a full disk), not a new one. SQLite would open it as an empty store and
 * Baton would start silently with no conversations while the backups hold the real ones (issue 14),
 * then write new ones where the old belong. It is refused like a damaged store, naming the newest
 * backup. No store file at all, or an empty file with no backup yet (a first launch cut short
 * before its first write), is a new store and starts fresh.
 */
import fs from 'node:fs';
import { StoreCorruptError } from './store-errors.ts';

function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

export function refuseEmptyStoreWithBackups(file: string, newestBackup: () => string | null): void {
  if (sizeOf(file) !== 0) return;
  // Changes not yet checkpointed live in the WAL; SQLite recovers those itself.
  if ((sizeOf(`${file}-wal`) ?? 0) > 0) return;
  const backup = newestBackup();
  if (backup === null) return;
  throw new StoreCorruptError(file, 'the file is empty (0 bytes) although backups of earlier conversations exist', backup);
}
