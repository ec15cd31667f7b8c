/** The sidebar's at-a-glance state of a conversation. Pure. */
import type { LaneStatus } from '../../../shared/gateway-events.ts';
import { plural } from './time-format.ts';

export type BadgeKind = 'running' | 'resume' | 'queued' | 'suspended';

export interface LaneBadge {
  kind: BadgeKind;
  label: string;
}

export function laneBadges(lane: LaneStatus): LaneBadge[] {
  const badges: LaneBadge[] = [];
  if (lane.activity === 'running') badges.push({ kind: 'running', label: 'Running' });
  else if (lane.activity === 'starting') badges.push({ kind: 'running', label: 'Starting' });
  if (lane.resumePending && !lane.suspended) badges.push({ kind: 'resume', label: 'Resume pending' });
  if (lane.queuedInputs > 0) badges.push({ kind: 'queued', label: `${plural(lane.queuedInputs, 'message')} queued` });
  if (lane.suspended) badges.push({ kind: 'suspended', label: 'Suspended' });
  return badges;
}
