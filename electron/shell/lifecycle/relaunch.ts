/**
 * How Baton starts itself again after a restart (L13). Plain Node, so it is tested with real
 * processes.
 *
 * Electron's `app.relaunch()` re-runs argv[0]; inside an AppImage that is a binary under the
 * image's temporary FUSE mount (`/tmp/.mount_*`), which disappears when the old process exits, so
 * the relaunch never comes back (electron-builder #1727, #4650). There the new instance is started
 * from `$APPIMAGE` itself, with the same arguments, by a small detached waiter that execs it only
 * once the old process has exited — after it released the SQLite store and the single-instance
 * lock, as Electron's own relauncher waits for its parent (relauncher.cc).
 */
import { spawn as spawnProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import type { Log } from '../../../shared/log.ts';

/** `$1` is the old pid; the rest are the arguments for the new instance. */
const WAIT_THEN_EXEC = 'pid="$1"; shift; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; exec "$APPIMAGE" "$@"';

export interface RelaunchOptions {
  env: NodeJS.ProcessEnv;
  /** `app.isPackaged`. */
  isPackaged: boolean;
  /** `process.argv`: [binary, ...arguments], as `app.relaunch()` would reuse them. */
  argv: readonly string[];
  pid: number;
  /** Electron's `app.relaunch()`, for everything that is not an AppImage. */
  appRelaunch: () => void;
  spawn?: (command: string, args: readonly string[], options: SpawnOptions) => { unref(): void };
  log?: Log;
}

/**
 * The AppImage to relaunch, or null. A packaged build run from an AppImage has `$APPIMAGE` (set by
 * the AppImage runtime); tests of unpackaged builds opt in with BATON_APPIMAGE_RELAUNCH=1.
 */
export function appImageToRelaunch(env: NodeJS.ProcessEnv, isPackaged: boolean): string | null {
  const image = env.APPIMAGE;
  if (!image || !path.isAbsolute(image)) return null;
  if (!isPackaged && env.BATON_APPIMAGE_RELAUNCH !== '1') return null;
  return image;
}

/** Arranges for the new instance to start once this process has exited; the caller exits next. */
export function relaunch(options: RelaunchOptions): 'appimage' | 'electron' {
  const image = appImageToRelaunch(options.env, options.isPackaged);
  if (image === null) {
    options.appRelaunch();
    return 'electron';
  }
  const spawn = options.spawn ?? spawnProcess;
  const args = options.argv.slice(1);
  options.log?.(`Relaunching from ${image} once this process (${options.pid}) has exited.`);
  const waiter = spawn('/bin/sh', ['-c', WAIT_THEN_EXEC, 'baton-relaunch', String(options.pid), ...args], {
    detached: true,
    stdio: 'ignore',
    env: { ...options.env, APPIMAGE: image },
  });
  waiter.unref();
  return 'appimage';
}
