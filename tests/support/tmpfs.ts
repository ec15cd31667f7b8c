/**
 * A small real filesystem that can be filled up: a tmpfs mounted for one test (root only). Where
 * the machine cannot mount one, `mountTmpfs` says why instead, so the test can skip with that reason.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Writes a filler file until the filesystem is full; returns its path. */
  fill(): string;
  /** Frees the space `fill` took. */
  free(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeKb`, or returns the reason it cannot be done here. */
export function mountTmpfs(sizeKb: number): Tmpfs | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: `a tmpfs needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { unavailable: 'mounting a tmpfs needs root' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { unavailable: `mount -t tmpfs failed: ${(error as { stderr?: Buffer }).stderr?.toString().trim() || String(error)}` };
  }
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill() {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const fd = fs.openSync(filler, 'a');
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        fs.closeSync(fd);
      }
      // The last partial chunk may still fit byte by byte: fill that too.
      const fd2 = fs.openSync(filler, 'a');
      try {
        for (;;) fs.writeSync(fd2, Buffer.alloc(512, 0x61));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        fs.closeSync(fd2);
      }
      return filler;
    },
    free() {
      fs.rmSync(filler, { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
