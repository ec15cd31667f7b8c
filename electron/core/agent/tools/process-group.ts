/**
 * Stopping a tool's whole process group (L11: tool processes are killed as a process group), so a
 * command's background children and grandchildren cannot outlive an interrupted turn.
 *
 * There is no event for the death of a process that is not our child, so liveness is polled, and
 * only while a group is being stopped.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

const POLL_MS = 20;
/** After SIGKILL death is near-instant; this only bounds a process stuck in uninterruptible I/O. */
const KILL_CONFIRM_MS = 2_000;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** Sends `signal` to every process in the group; false when the group no longer exists. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ESRCH') return false;
    // EPERM: a member changed its credentials (setuid); the group still exists.
    if (code === 'EPERM') return true;
    throw error;
  }
}

/**
 * Linux only: whether any member of the group is more than a zombie. A killed orphan stays a
 * zombie until init reaps it, and in containers whose PID 1 never reaps, `kill(-pgid, 0)` keeps
 * succeeding for processes that are in fact dead.
 */
async function hasLiveMemberOnLinux(pgid: number): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

export async function isProcessGroupAlive(pgid: number): Promise<boolean> {
  if (!signalProcessGroup(pgid, 0)) return false;
  return process.platform === 'linux' ? hasLiveMemberOnLinux(pgid) : true;
}

/** Resolves true once no live member of the group remains, false if `withinMs` passed first. */
export async function waitUntilGone(pgid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (!(await isProcessGroupAlive(pgid))) return true;
    if (Date.now() >= deadline) return false;
    await delay(POLL_MS);
  }
}

/**
 * SIGTERM to the group, SIGKILL to whatever is left after `graceMs`. Resolves once no live member
 * remains (true), or false if that could not be confirmed.
 */
export async function terminateProcessGroup(pgid: number, graceMs: number): Promise<boolean> {
  if (!signalProcessGroup(pgid, 'SIGTERM')) return true;
  if (await waitUntilGone(pgid, graceMs)) return true;
  if (!signalProcessGroup(pgid, 'SIGKILL')) return true;
  return waitUntilGone(pgid, KILL_CONFIRM_MS);
}
