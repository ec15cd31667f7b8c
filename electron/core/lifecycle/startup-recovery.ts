/**
 * Startup (SPEC §5): after the clean marker is consumed (L14) and the store is open, recover turns
 * a crash left open (L15), suspend lanes stuck in a restart loop (L16), then resume work (L20, L21)
 * and replay queued input (L17).
 */
import type { Banner } from '../../../shared/gateway-events.ts';
import type { StoredEvent, TurnEvent } from '../../../shared/transcript.ts';
import { blocksAutoResume, unfinishedCalls } from '../agent/transcript-repair.ts';
import type { LaneRecord } from '../sessions/lane-record.ts';
import type { ResumeMarks } from '../sessions/resume-marks.ts';
import type { RecoveredLane, TurnRecord } from '../sessions/turn-journal.ts';
import { suspendedSentence } from '../../../shared/lane-condition.ts';
import { isFreshMark } from './lane-banners.ts';

export interface StartupSettings {
  autoResume: boolean;
  resumeFreshnessHours: number;
  stuckLoopThreshold: number;
}

export interface StartupReport {
  recovered: RecoveredLane[];
  suspended: string[];
  autoResumed: string[];
  /** Resume-pending lanes left for the user to Resume or Discard (L20, L21). */
  awaitingUser: string[];
  replayed: string[];
}

/** What startup needs of the gateway (L17, L20); the Gateway is one. */
export interface RecoveryTarget {
  banner(banner: Banner): void;
  /** Starts the resume of a resume-pending lane; false when it cannot. */
  requestResume(laneKey: string): boolean;
  /** Replays every lane's queued input; returns the lanes, in order. */
  replayQueuedInput(): string[];
}

/** What startup reads and writes in the store (L15–L21); the SessionStore is one. */
export interface RecoveryStore {
  readonly marks: Pick<ResumeMarks, 'recordAutoResume'>;
  recoverOpenTurns(): RecoveredLane[];
  suspendStuckLanes(threshold: number): string[];
  getLane(laneKey: string): LaneRecord | null;
  listResumePendingLanes(): LaneRecord[];
  lastTurn(sessionId: string): TurnRecord | null;
  listTurns(sessionId: string): TurnRecord[];
  listEvents(sessionId: string): StoredEvent[];
  countQueuedInputs(laneKey: string): number;
  appendEvent(sessionId: string, turnId: string | null, event: TurnEvent): StoredEvent;
}

export function recoverAtStartup(options: { store: RecoveryStore; gateway: RecoveryTarget; settings: StartupSettings; now?: () => number }): StartupReport {
  const { store, gateway, settings } = options;
  const now = (options.now ?? Date.now)();

  const recovered = store.recoverOpenTurns();

  const threshold = Math.max(1, Math.trunc(settings.stuckLoopThreshold));
  const suspended = store.suspendStuckLanes(threshold);
  for (const laneKey of suspended) {
    const lane = store.getLane(laneKey)!;
    const text = suspendedSentence(lane.restartFailureCount);
    store.appendEvent(lane.sessionId, null, { kind: 'notice', payload: { code: 'suspended', text, data: { failures: lane.restartFailureCount } } });
  }

  const autoResumed: string[] = [];
  const awaitingUser: string[] = [];
  for (const lane of store.listResumePendingLanes()) {
    const lastTurn = store.lastTurn(lane.sessionId);
    const fresh = isFreshMark(lane.lastResumeMarkedAt, settings.resumeFreshnessHours, now);
    // Every turn since the last completed one may hold a call whose outcome is unknown (L20).
    const turns = store.listTurns(lane.sessionId);
    const sinceCompleted = turns.slice(turns.map((t) => t.outcome).lastIndexOf('completed') + 1);
    const inDoubt = blocksAutoResume(unfinishedCalls(store.listEvents(lane.sessionId), new Set(sinceCompleted.map((t) => t.turnId))));
    // A message typed during the drain resumes the lane itself, with the note (L7, L20).
    const hasQueuedInput = store.countQueuedInputs(lane.laneKey) > 0;
    // L20: once per interruption. An interruption lasts until its mark is cleared (a completed
    // turn, Discard, a new or restored session), which also clears the record of the automatic
    // attempt; while it lasts, an attempt that failed, was stopped or was interrupted again is
    // never repeated at a later launch.
    const alreadyTried = lane.autoResumedTurnId !== null;
    if (hasQueuedInput) continue;
    if (settings.autoResume && fresh && !inDoubt && lastTurn && !alreadyTried) {
      store.marks.recordAutoResume(lane.laneKey, lastTurn.turnId);
      if (gateway.requestResume(lane.laneKey)) autoResumed.push(lane.laneKey);
      continue;
    }
    // Its lane summary says "interrupted" (shared/lane-condition.ts): the window offers Resume / Discard.
    awaitingUser.push(lane.laneKey);
  }

  const replayed = gateway.replayQueuedInput();
  return { recovered, suspended, autoResumed, awaitingUser, replayed };
}
