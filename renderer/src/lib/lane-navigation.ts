/**
 * Issue 11 (Ctrl/Cmd+J): which conversation "needs you" next. Waiting for an approval comes first,
 * then interrupted and suspended ones (a Resume decision), in the sidebar's order; from the open
 * one it goes round to the next, so pressing again visits each in turn. Archived ones count too:
 * a question is a question wherever its conversation is filed.
 */
import { laneCondition, type LaneCondition } from '../../../shared/lane-condition.ts';
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { sortedLanes } from '../state/app-state.ts';

const NEEDS_YOU: readonly LaneCondition[] = ['awaiting-approval', 'interrupted', 'suspended'];

export function nextNeedingYou(lanes: ReadonlyMap<string, LaneStatus>, openLaneKey: string | null): string | null {
  const waiting = sortedLanes(lanes).filter((lane) => lane.deletedAt === null && NEEDS_YOU.includes(laneCondition(lane)));
  if (waiting.length === 0) return null;
  const at = waiting.findIndex((lane) => lane.laneKey === openLaneKey);
  const next = waiting[(at + 1) % waiting.length]!;
  return next.laneKey === openLaneKey ? null : next.laneKey;
}
