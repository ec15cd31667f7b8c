/**
 * Test-side probes for whether processes are gone, written independently of the code under test.
 *
 * "Gone" means no longer running: either the pid no longer exists (ESRCH) or it is a zombie. A
 * killed orphan is reparented to PID 1 and stays a zombie until PID 1 reaps it; in containers whose
 * PID 1 never reaps, `kill(pid, 0)` keeps succeeding for a process that is dead.
 */
import { readdirSync, readFileSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

function procState(pid: number): { state: string; pgrp: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

function signalZero(target: number): 'exists' | 'gone' {
  try {
    process.kill(target, 0);
    return 'exists';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
    throw error;
  }
}

export function isProcessRunning(pid: number): boolean {
  if (signalZero(pid) === 'gone') return false;
  if (process.platform !== 'linux') return true;
  const state = procState(pid)?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
}

export function isProcessGroupRunning(pgid: number): boolean {
  if (signalZero(-pgid) === 'gone') return false;
  if (process.platform !== 'linux') return true;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((entry) => {
      const info = procState(Number(entry));
      return info !== null && info.pgrp === pgid && info.state !== 'Z' && info.state !== 'X';
    });
}

/**
 * Resolves with the content of `dir/name` once it appears. Fixture commands write to a temp name
 * and rename, so the file is complete when it appears.
 */
export async function waitForFile(dir: string, name: string, signal?: AbortSignal): Promise<string> {
  const file = path.join(dir, name);
  const watcher = watch(dir, { signal });
  try {
    const appeared = new Promise<void>((resolve, reject) => {
      watcher.on('change', (_event, changed) => {
        if (changed === name) resolve();
      });
      watcher.on('error', reject);
    });
    // Checked after the watcher is in place, so a file written in between is not missed.
    const already = await readFile(file, 'utf8').catch(() => null);
    if (already !== null) return already;
    await appeared;
    return await readFile(file, 'utf8');
  } finally {
    watcher.close();
  }
}

/** Shell: returns once a process inside the sandbox has `arg` as a whole argument (it has exec'd). */
export const untilRunning = (arg: string) => `until cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -qx ${arg}; do :; done`;

/** Processes of this machine (as Baton sees them) whose command line is exactly `argv`. */
export function hostProcessesRunning(argv: string[]): { pid: number; pgrp: number }[] {
  const found: { pid: number; pgrp: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').slice(0, -1);
      if (cmdline.join('\0') !== argv.join('\0')) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') found.push({ pid: Number(entry), pgrp: Number(fields[2]) });
    } catch {
      // exited while we looked
    }
  }
  return found;
}
