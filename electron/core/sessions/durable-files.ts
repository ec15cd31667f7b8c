/** Small durability helpers for files beside the store (L2: on disk before what depends on them). */
import fs from 'node:fs';

/** Syncs a directory, so a rename in it survives a power cut. */
export function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not every file system lets a directory be synced (Windows); the rename itself is still atomic.
  }
}
