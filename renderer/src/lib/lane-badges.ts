/** The sidebar's at-a-glance state of a conversation: its condition (shared/lane-condition.ts) and its queue. Pure. */
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { conditionBadge, laneCondition, type LaneCondition } from '../../../shared/lane-condition.ts';
import { plural } from './time-format.ts';

export type BadgeKind = Exclude<LaneCondition, 'idle'> | 'queued';

export interface LaneBadge {
  kind: BadgeKind;
  label: string;
}

export function laneBadges(lane: LaneStatus): LaneBadge[] {
  const badges: LaneBadge[] = [];
  const condition = laneCondition(lane);
  const label = conditionBadge(lane);
  if (condition !== 'idle' && label !== null) badges.push({ kind: condition, label });
  if (lane.queuedInputs > 0) badges.push({ kind: 'queued', label: `${plural(lane.queuedInputs, 'message')} queued` });
  return badges;
}
