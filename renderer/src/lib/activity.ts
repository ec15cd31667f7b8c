/**
 * Issue 10, the activity view (L31): every turn that runs, waits or needs a decision, across
 * conversations, from the lane summaries alone (the gateway builds them in one place and pushes
 * each change as a `lane` event). Pure, so it is tested in Node.
 */
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { byAttention, laneCondition } from '../../../shared/lane-condition.ts';
import { plural } from './time-format.ts';

export type ActivityKind = 'awaiting-approval' | 'running' | 'starting' | 'interrupted' | 'queued';

export const ACTIVITY_WORDS: { readonly [K in ActivityKind]: string } = {
  'awaiting-approval': 'Needs you',
  running: 'Running',
  starting: 'Starting',
  interrupted: 'Interrupted',
  queued: 'Queued',
};

/** What a lane is doing, for the activity view; null when it has no turn to show (idle, suspended). */
export function activityKind(lane: LaneStatus): ActivityKind | null {
  const condition = laneCondition(lane);
  if (condition === 'awaiting-approval' || condition === 'interrupted') return condition;
  if (condition === 'running') return lane.activity === 'starting' ? 'starting' : 'running';
  // Messages waiting with nothing running: kept for the relaunch (L7) or for a start that is retried.
  if (condition === 'idle' && lane.queuedInputs > 0) return 'queued';
  return null;
}

/** The lanes the view lists: who needs the person first, then the longest-running turn first. */
export function activityLanes(lanes: Iterable<LaneStatus>): LaneStatus[] {
  return [...lanes]
    .filter((lane) => lane.deletedAt === null && activityKind(lane) !== null)
    .sort((a, b) => byAttention(a, b) || (a.turnStartedAt ?? a.updatedAt) - (b.turnStartedAt ?? b.updatedAt) || a.laneKey.localeCompare(b.laneKey));
}

/** How many turns the view lists: the count beside its entry in the sidebar. */
export function activityCount(lanes: Iterable<LaneStatus>): number {
  let count = 0;
  for (const lane of lanes) if (lane.deletedAt === null && activityKind(lane) !== null) count += 1;
  return count;
}

/** "0:07", "12:34", "1:02:03": how long a turn has run; never negative. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = (total % 60).toString().padStart(2, '0');
  return hours > 0 ? `${hours}:${minutes.toString().padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** "3 steps · shell": the live turn's progress in a few words; '' when it has made no call yet. */
export function progressWords(lane: LaneStatus): string {
  const parts: string[] = [];
  const steps = lane.stepCount ?? 0;
  if (steps > 0) parts.push(plural(steps, 'step'));
  if (lane.currentTool) parts.push(lane.currentTool);
  return parts.join(' · ');
}
