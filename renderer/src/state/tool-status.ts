/** What a tool card says about its call, from the facts the transcript recorded. Pure. */
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
