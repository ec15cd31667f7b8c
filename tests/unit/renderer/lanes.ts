import type { LaneStatus } from '../../../shared/gateway-events.ts';

export function lane(laneKey: string, overrides: Partial<LaneStatus> = {}): LaneStatus {
  return {
    laneKey,
    sessionId: `${laneKey}-s1`,
    title: '',
    activity: 'idle',
    awaitingApproval: false,
    resumePending: false,
    resumeReason: null,
    resumeStale: false,
    suspended: false,
    queuedInputs: 0,
    restartFailureCount: 0,
    updatedAt: 1_000,
    pinned: false,
    deletedAt: null,
    ...overrides,
  };
}
