/**
 * The banners a front end that connects now should show (SPEC L8, L16, L20, L21): the drain's
 * while it runs, and one per lane that is still interrupted or suspended. Computed from the live
 * state, preferring the words the core last emitted, so a window opened late (or reloaded) shows
 * what one open all along would show.
 */
import type { Banner, LaneStatus } from '../../../shared/gateway-events.ts';
import { interruptedBanner, isFreshMark, suspendedBanner } from '../lifecycle/lane-banners.ts';
import type { LaneRecord } from '../sessions/lane-record.ts';

export interface BannerState {
  draining: boolean;
  lanes: ReadonlyArray<{ record: LaneRecord; status: LaneStatus }>;
  recorded: readonly Banner[];
  resumeFreshnessHours: number;
  now: number;
}

export function currentBanners(state: BannerState): Banner[] {
  const banners: Banner[] = [];
  const running = new Set(state.lanes.filter((l) => l.status.activity !== 'idle').map((l) => l.status.laneKey));
  if (state.draining) {
    for (const banner of state.recorded) {
      if (banner.kind !== 'drain') continue;
      if (banner.scope === 'global' || running.has(banner.laneKey)) banners.push(banner);
    }
  }
  for (const { record, status } of state.lanes) {
    const recorded = (kind: Banner['kind']) => state.recorded.find((b) => b.kind === kind && 'laneKey' in b && b.laneKey === record.laneKey);
    if (record.suspended) {
      const banner = recorded('suspended');
      banners.push(banner ?? suspendedBanner(record.laneKey, record.restartFailureCount));
      continue;
    }
    // A lane that is running again (resumed, or a queued message) needs no Resume / Discard offer.
    if (!record.resumePending || status.activity !== 'idle') continue;
    const banner = recorded('interrupted');
    if (banner && banner.kind === 'interrupted' && banner.reason === record.resumeReason) {
      banners.push(banner);
      continue;
    }
    const fresh = isFreshMark(record.lastResumeMarkedAt, state.resumeFreshnessHours, state.now);
    banners.push(interruptedBanner(record.laneKey, record.resumeReason, fresh, state.resumeFreshnessHours));
  }
  return banners;
}
