/** What a tool card says about its call, from the facts the transcript recorded. Pure. */
import type { ToolResultDetails } from '../../../shared/transcript.ts';
import type { ToolItem, TranscriptModel } from './transcript-model.ts';

export type ToolStatus =
  /** Recorded, not started yet. */
  | 'pending'
  /** Waiting for the user's Approve / Deny. */
  | 'approval'
  | 'running'
  | 'done'
  | 'error'
  /** The user declined it. */
  | 'denied'
  /** It had started when its turn was interrupted: it may or may not have taken effect. */
  | 'unknown'
  /** Its turn ended before it started: provably no effect. */
  | 'not-run';

export interface ToolContext {
  /** The call's turn is still running (its lane is active and no end was recorded for it). */
  turnLive: boolean;
}

export function deriveToolStatus(tool: Pick<ToolItem, 'dispatched' | 'approval' | 'result'>, context: ToolContext): ToolStatus {
  if (tool.result) {
    if (tool.approval === 'denied') return 'denied';
    return tool.result.isError ? 'error' : 'done';
  }
  if (!context.turnLive) {
    if (tool.dispatched) return 'unknown';
    return tool.approval === 'denied' ? 'denied' : 'not-run';
  }
  if (tool.approval === 'requested') return 'approval';
  if (tool.approval === 'denied') return 'denied';
  return tool.dispatched ? 'running' : 'pending';
}

/** A turn is live while its lane runs, it is the newest turn, and no interruption or error ended it. */
export function isTurnLive(model: Pick<TranscriptModel, 'latestTurnId' | 'turnEnds'>, turnId: string | null, laneActive: boolean): boolean {
  if (!laneActive || turnId === null) return false;
  return turnId === model.latestTurnId && !model.turnEnds.has(turnId);
}

export const TOOL_STATUS_LABELS: Readonly<Record<ToolStatus, string>> = {
  pending: 'Pending',
  approval: 'Needs approval',
  running: 'Running…',
  done: 'Done',
  error: 'Error',
  denied: 'Denied',
  unknown: 'Outcome unknown (interrupted)',
  'not-run': 'Not run (interrupted)',
};

/** Issue 10: the badge for how a command ended, from its result's details; null when it says nothing. */
export interface ExitBadge {
  label: string;
  tone: 'ok' | 'bad';
  /** For tests and styles: the exit code, `killed` or `timeout`. */
  value: string;
}

export function exitBadge(details: ToolResultDetails | undefined): ExitBadge | null {
  if (!details) return null;
  if (details.stopped === 'timeout') return { label: 'timed out', tone: 'bad', value: 'timeout' };
  if (details.stopped === 'interrupted' || (details.signal !== undefined && details.signal !== null)) return { label: 'killed', tone: 'bad', value: 'killed' };
  if (typeof details.exitCode !== 'number') return null;
  return { label: `exit ${details.exitCode}`, tone: details.exitCode === 0 ? 'ok' : 'bad', value: String(details.exitCode) };
}

/** Issue 10: "0.4 s", "12.0 s", "3 min 05 s", "1 h 02 min". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.floor(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * How long the call ran: until its result, or until `now` while it runs; null when it never started
 * or its end is unknown (its turn was cut short).
 */
export function elapsedMs(tool: Pick<ToolItem, 'startedAt' | 'endedAt'>, status: ToolStatus, now: number): number | null {
  if (tool.startedAt === undefined) return null;
  if (tool.endedAt !== undefined) return tool.endedAt - tool.startedAt;
  return status === 'running' ? now - tool.startedAt : null;
}
