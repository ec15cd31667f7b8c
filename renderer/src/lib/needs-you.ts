/**
 * L31 (issue 10): which conversations just started waiting for the person's approval, so the window
 * can notify once per wait (not on every lane push while it waits). Pure.
 */
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { laneCondition } from '../../../shared/lane-condition.ts';

export interface AwaitingChange {
  /** Every conversation waiting for an approval now (the next call's `before`). */
  awaiting: ReadonlySet<string>;
  /** Those that were not waiting before, in the order given. */
  started: string[];
}

export function awaitingChange(before: ReadonlySet<string>, lanes: Iterable<LaneStatus>): AwaitingChange {
  const awaiting = new Set<string>();
  const started: string[] = [];
  for (const lane of lanes) {
    if (laneCondition(lane) !== 'awaiting-approval') continue;
    awaiting.add(lane.laneKey);
    if (!before.has(lane.laneKey)) started.push(lane.laneKey);
  }
  return { awaiting, started };
}
